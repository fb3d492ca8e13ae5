package org.glm4j.model.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.config.TextConfig;
import org.glm4j.model.config.VisionConfig;

/**
 * Every tensor a GLM-4.1V checkpoint must hold, with its shape, derived from the config (spec §2). Checked against
 * a {@link WeightStore} before anything runs: one exception lists every missing, misshapen, wrongly typed or
 * unexpected tensor.
 */
public final class CheckpointLayout {
    private final Map<String, Shape> expected = new LinkedHashMap<>();

    /** The layout of a model with this config. */
    public CheckpointLayout(Glm4vConfig config) {
        VisionConfig v = config.vision();
        TextConfig t = config.text();
        int dv = v.hiddenSize(), p = v.patchSize(), side = v.positionGridSide();
        String vis = Prefixes.VISUAL;
        put(vis + "patch_embed.proj.weight", dv, v.inChannels(), v.temporalPatchSize(), p, p);
        put(vis + "patch_embed.proj.bias", dv);
        put(vis + "post_conv_layernorm.weight", dv);
        put(vis + "embeddings.position_embedding.weight", side * side, dv);
        for (int i = 0; i < v.depth(); i++) {
            String b = Prefixes.visionBlock(i);
            put(b + "norm1.weight", dv);
            put(b + "attn.qkv.weight", 3 * dv, dv);
            if (v.attentionBias()) put(b + "attn.qkv.bias", 3 * dv);
            put(b + "attn.proj.weight", dv, dv);
            put(b + "norm2.weight", dv);
            put(b + "mlp.gate_proj.weight", v.outHiddenSize(), dv);
            put(b + "mlp.up_proj.weight", v.outHiddenSize(), dv);
            put(b + "mlp.down_proj.weight", dv, v.outHiddenSize());
        }
        put(vis + "post_layernorm.weight", dv);
        int m = v.spatialMergeSize(), out = v.outHiddenSize();
        put(vis + "downsample.weight", out, dv, m, m);
        put(vis + "downsample.bias", out);
        put(vis + "merger.proj.weight", out, out);
        put(vis + "merger.post_projection_norm.weight", out);
        put(vis + "merger.post_projection_norm.bias", out);
        put(vis + "merger.gate_proj.weight", v.intermediateSize(), out);
        put(vis + "merger.up_proj.weight", v.intermediateSize(), out);
        put(vis + "merger.down_proj.weight", out, v.intermediateSize());

        int d = t.hiddenSize(), hd = t.headDim(), q = t.numAttentionHeads() * hd, kv = t.numKeyValueHeads() * hd;
        put(Prefixes.TEXT + "embed_tokens.weight", t.vocabSize(), d);
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String l = Prefixes.textLayer(i);
            put(l + "input_layernorm.weight", d);
            put(l + "self_attn.q_proj.weight", q, d);
            put(l + "self_attn.q_proj.bias", q);
            put(l + "self_attn.k_proj.weight", kv, d);
            put(l + "self_attn.k_proj.bias", kv);
            put(l + "self_attn.v_proj.weight", kv, d);
            put(l + "self_attn.v_proj.bias", kv);
            put(l + "self_attn.o_proj.weight", d, q);
            put(l + "post_self_attn_layernorm.weight", d);
            put(l + "post_attention_layernorm.weight", d);
            put(l + "mlp.gate_up_proj.weight", 2 * t.intermediateSize(), d);
            put(l + "mlp.down_proj.weight", d, t.intermediateSize());
            put(l + "post_mlp_layernorm.weight", d);
        }
        put(Prefixes.TEXT + "norm.weight", d);
        if (!config.tieWordEmbeddings()) put(Prefixes.LM_HEAD + "weight", t.vocabSize(), d);
    }

    private void put(String name, int... dims) { expected.put(name, Shape.of(dims)); }

    /** Expected names and shapes, in module order. */
    public Map<String, Shape> expected() { return java.util.Collections.unmodifiableMap(expected); }

    /**
     * The one floating dtype all weights share, after checking names and shapes.
     *
     * @throws IllegalArgumentException listing every problem at once
     */
    public DType check(WeightStore store) {
        List<String> problems = new ArrayList<>();
        DType dtype = null;
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            if (!store.has(e.getKey())) {
                problems.add("missing " + e.getKey() + " " + e.getValue());
                continue;
            }
            Tensor t = store.tensor(e.getKey());
            if (!t.shape().equals(e.getValue()))
                problems.add(e.getKey() + ": expected " + e.getValue() + ", got " + t.shape());
            if (!t.dtype().isFloating()) problems.add(e.getKey() + ": dtype " + t.dtype() + " is not f32, bf16 or f16");
            else if (dtype == null) dtype = t.dtype();
            else if (t.dtype() != dtype) problems.add(e.getKey() + ": dtype " + t.dtype() + " differs from the checkpoint's " + dtype);
        }
        for (String name : store.names())
            if (!expected.containsKey(name)) problems.add("unexpected tensor " + name + " " + store.tensor(name).shape());
        if (!problems.isEmpty())
            throw new IllegalArgumentException("checkpoint does not match its config (" + problems.size() + " problems):\n  "
                    + String.join("\n  ", problems));
        return dtype;
    }
}
