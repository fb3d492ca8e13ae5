package org.glm4j.model.vision;

import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/** One pre-norm vision block (spec §3.7): 2-D-RoPE attention within each image segment, then a SwiGLU MLP. */
public final class VisionBlock {
    /** The block's weights, by checkpoint name. */
    record Weights(Tensor norm1, Tensor qkv, Tensor qkvBias, Tensor proj, Tensor norm2, Tensor gateProj, Tensor upProj,
                   Tensor downProj) {
        static Weights load(WeightStore s, String p, boolean bias) {
            return new Weights(s.tensor(p + "norm1.weight"), s.tensor(p + "attn.qkv.weight"),
                    bias ? s.tensor(p + "attn.qkv.bias") : null, s.tensor(p + "attn.proj.weight"), s.tensor(p + "norm2.weight"),
                    s.tensor(p + "mlp.gate_proj.weight"), s.tensor(p + "mlp.up_proj.weight"), s.tensor(p + "mlp.down_proj.weight"));
        }
    }

    private final Weights w;
    private final int hidden, heads, headDim, mlpWidth;
    private final float eps;

    public VisionBlock(WeightStore store, VisionConfig c, int index) {
        this.w = Weights.load(store, Prefixes.visionBlock(index), c.attentionBias());
        this.hidden = c.hiddenSize();
        this.heads = c.numHeads();
        this.headDim = c.headDim();
        this.mlpWidth = c.outHiddenSize();
        this.eps = c.rmsNormEps();
    }

    /** {@code x [n, hidden]} updated in place; cos/sin are the 2-D RoPE tables, segments the per-image bounds. */
    public void forward(Ops ops, Tensor x, Tensor cos, Tensor sin, int[] segments) {
        int n = x.dim(0);
        Tensor h = ops.rmsNorm(x, w.norm1(), eps);
        Tensor qkv = ops.matmul(h, w.qkv(), w.qkvBias());                        // [n, 3·hidden]
        Tensor q = qkv.columns(0, hidden).unflatten(-1, heads, headDim);        // views, no copies
        Tensor k = qkv.columns(hidden, hidden).unflatten(-1, heads, headDim);
        Tensor v = qkv.columns(2 * hidden, hidden).unflatten(-1, heads, headDim);
        ops.rope(q, cos, sin, RopeSpec.halfSplit(headDim));                     // f32 rotation, rotate-half pairs
        ops.rope(k, cos, sin, RopeSpec.halfSplit(headDim));
        Tensor o = ops.attention(q, k, v, AttentionSpec.full(headDim, 1, segments));   // per image, bidirectional
        ops.binary(x, x, ops.matmul(o.view(Shape.of(n, hidden)), w.proj(), null), Binary.ADD);

        h = ops.rmsNorm(x, w.norm2(), eps);
        Tensor gateUp = ops.temp(x.dtype(), Shape.of(n, 2 * mlpWidth));
        ops.matmul(gateUp.columns(0, mlpWidth), h, w.gateProj(), null);
        ops.matmul(gateUp.columns(mlpWidth, mlpWidth), h, w.upProj(), null);
        ops.binary(x, x, ops.matmul(ops.swiglu(gateUp), w.downProj(), null), Binary.ADD);
    }
}
