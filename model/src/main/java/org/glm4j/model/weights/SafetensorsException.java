package org.glm4j.model.weights;

import java.nio.file.Path;

/** A checkpoint file that breaks a safetensors rule; names the file, the tensor (if any) and the rule. */
public final class SafetensorsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SafetensorsException(Path file, String tensor, String rule) {
        super(file.getFileName() + (tensor == null ? "" : ": tensor " + tensor) + ": " + rule);
    }
}
