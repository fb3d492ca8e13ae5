package org.glm4j.model.text;

import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.TextConfig;
import org.glm4j.model.weights.WeightStore;

/** {@code self_attn} (spec §4.3): biased q/k/v, M-RoPE on q and k, GQA causal attention over the KV cache, o_proj. */
public final class Attention {
    private final Tensor qProj, qBias, kProj, kBias, vProj, vBias, oProj;
    private final int heads, kvHeads, headDim, rotaryDim;

    public Attention(WeightStore s, TextConfig c, String prefix) {
        String p = prefix + "self_attn.";
        qProj = s.tensor(p + "q_proj.weight");
        qBias = s.tensor(p + "q_proj.bias");
        kProj = s.tensor(p + "k_proj.weight");
        kBias = s.tensor(p + "k_proj.bias");
        vProj = s.tensor(p + "v_proj.weight");
        vBias = s.tensor(p + "v_proj.bias");
        oProj = s.tensor(p + "o_proj.weight");
        heads = c.numAttentionHeads();
        kvHeads = c.numKeyValueHeads();
        headDim = c.headDim();
        rotaryDim = c.rotaryDim();
    }

    /**
     * {@code h [L, hidden]} at the cache rows {@code slot} names: writes this step's keys and values into
     * {@code cache} and returns the attention output {@code [L, hidden]}.
     */
    public Tensor forward(Ops ops, Tensor h, Tensor cos, Tensor sin, KvCache.Layer cache, KvCache.Slot slot) {
        int len = h.dim(0);
        Tensor q = ops.matmul(h, qProj, qBias).unflatten(-1, heads, headDim);          // [L, heads, headDim]
        RopeSpec rope = RopeSpec.interleaved(rotaryDim);                                // pairs (2j, 2j+1), first half
        ops.rope(q, cos, sin, rope);
        Tensor o;
        if (slot.position() == null) {
            int start = slot.start();
            Tensor k = cache.keys().rows(start, len);                                   // straight into the cache
            Tensor v = cache.values().rows(start, len);
            ops.matmul(k, h, kProj, kBias);
            ops.matmul(v, h, vProj, vBias);
            ops.rope(k.unflatten(-1, kvHeads, headDim), cos, sin, rope);
            Tensor keys = cache.keys().rows(0, start + len).unflatten(-1, kvHeads, headDim);
            Tensor values = cache.values().rows(0, start + len).unflatten(-1, kvHeads, headDim);
            o = ops.attention(q, keys, values, AttentionSpec.causal(headDim, heads / kvHeads, start));
        } else {
            // A step at a device-held row: project, append at position[0], attend over the cache up to it
            Tensor k = ops.matmul(h, kProj, kBias), v = ops.matmul(h, vProj, vBias);   // [L, kvHeads·headDim]
            ops.rope(k.unflatten(-1, kvHeads, headDim), cos, sin, rope);
            ops.copyRowsAt(cache.keys(), k, slot.position());
            ops.copyRowsAt(cache.values(), v, slot.position());
            o = ops.attentionAt(q, cache.keys().unflatten(-1, kvHeads, headDim), cache.values().unflatten(-1, kvHeads, headDim),
                    AttentionSpec.causal(headDim, heads / kvHeads, 0), slot.position());
        }
        return ops.matmul(o.view(Shape.of(len, heads * headDim)), oProj, null);
    }
}
