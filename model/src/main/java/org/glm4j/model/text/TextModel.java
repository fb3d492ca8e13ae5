package org.glm4j.model.text;

import java.util.ArrayList;
import java.util.List;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.Trace;
import org.glm4j.model.config.TextConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/** The GLM decoder: layers over spliced embeddings, final RMSNorm and the untied lm_head. */
public final class TextModel {
    private final TextConfig config;
    private final Tensor embedTokens, norm, lmHead;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final MRope mrope;

    public TextModel(WeightStore s, TextConfig c, boolean tiedHead) {
        config = c;
        embedTokens = s.tensor(Prefixes.TEXT + "embed_tokens.weight");
        norm = s.tensor(Prefixes.TEXT + "norm.weight");
        lmHead = tiedHead ? embedTokens : s.tensor(Prefixes.LM_HEAD + "weight");
        for (int i = 0; i < c.numHiddenLayers(); i++) layers.add(new DecoderLayer(s, c, i));
        mrope = new MRope(c);
    }

    public TextConfig config() { return config; }

    public Tensor embedTokens() { return embedTokens; }

    /**
     * Runs every layer over {@code x [L, hidden]} (in place) at cache positions {@code start..start+L} whose M-RoPE
     * positions are {@code positions[axis][from..from+L]}, then the final norm; returns the normed hidden states.
     */
    public Tensor forward(Ops ops, Tensor x, int[][] positions, int from, KvCache cache, Trace trace) {
        int len = x.dim(0), start = cache.length();
        cache.reserve(len);
        Tensor[] rope = mrope.tables(ops, positions, from, len, x.dtype());
        trace.record("text.hidden.0", x);
        for (int i = 0; i < layers.size(); i++) {
            long mark = ops.scratch().mark();
            layers.get(i).forward(ops, x, rope[0], rope[1], cache.layer(i), KvCache.Slot.at(start));
            ops.scratch().release(mark);
            trace.record("text.hidden.%d", i + 1, x);
        }
        cache.advance(len);
        return trace.record("text.final_norm", ops.rmsNorm(x, norm, config.rmsNormEps()));
    }

    /**
     * One decode step over {@code x [1, hidden]} (in place) at the cache row {@code position[0]} (I32 {@code [1]} on
     * the device) with that token's rotary rows {@code cos, sin [1, rotaryDim/2]}; returns the normed hidden state.
     * Device work only, the cache's length untouched (the caller reserves and advances it): a step a backend can
     * capture once and replay per token.
     */
    public Tensor decodeStep(Ops ops, Tensor x, Tensor cos, Tensor sin, KvCache cache, Tensor position) {
        KvCache.Slot slot = KvCache.Slot.atDevice(position);
        for (int i = 0; i < layers.size(); i++) {
            long mark = ops.scratch().mark();
            layers.get(i).forward(ops, x, cos, sin, cache.layer(i), slot);
            ops.scratch().release(mark);
        }
        return ops.rmsNorm(x, norm, config.rmsNormEps());
    }

    /** The M-RoPE tables of this decoder. */
    public MRope mrope() { return mrope; }

    /** Logits {@code [rows, vocab]} of the normed hidden states {@code h [rows, hidden]}. */
    public Tensor logits(Ops ops, Tensor h) {
        return ops.matmul(h, lmHead, null);
    }
}
