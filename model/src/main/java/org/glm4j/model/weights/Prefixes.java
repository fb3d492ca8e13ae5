package org.glm4j.model.weights;

/** Where each part of GLM-4.1V lives in the checkpoint's tensor names (transformers' module paths). */
public final class Prefixes {
    private Prefixes() {}

    /** The vision tower, projector included. */
    public static final String VISUAL = "model.visual.";
    /** The text decoder. */
    public static final String TEXT = "model.language_model.";
    /** The untied output head. */
    public static final String LM_HEAD = "lm_head.";

    public static String visionBlock(int i) { return VISUAL + "blocks." + i + "."; }

    public static String textLayer(int i) { return TEXT + "layers." + i + "."; }
}
