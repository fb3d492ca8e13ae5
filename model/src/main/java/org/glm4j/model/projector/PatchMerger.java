package org.glm4j.model.projector;

import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/** {@code merger} (spec §3.10): proj → LayerNorm → exact GELU → SwiGLU MLP, one vector per image token. */
public final class PatchMerger {
    private static final float LAYER_NORM_EPS = 1e-5f;
    private final Tensor proj, normWeight, normBias, gateProj, upProj, downProj;
    private final int intermediate;

    public PatchMerger(WeightStore s, VisionConfig c) {
        String p = Prefixes.VISUAL + "merger.";
        this.proj = s.tensor(p + "proj.weight");
        this.normWeight = s.tensor(p + "post_projection_norm.weight");
        this.normBias = s.tensor(p + "post_projection_norm.bias");
        this.gateProj = s.tensor(p + "gate_proj.weight");
        this.upProj = s.tensor(p + "up_proj.weight");
        this.downProj = s.tensor(p + "down_proj.weight");
        this.intermediate = c.intermediateSize();
    }

    /** {@code z [m, outHidden]} → {@code [m, outHidden]}. */
    public Tensor forward(Ops ops, Tensor z) {
        Tensor p = ops.matmul(z, proj, null);
        p = ops.gelu(ops.layerNorm(p, normWeight, normBias, LAYER_NORM_EPS));
        Tensor gateUp = ops.temp(p.dtype(), Shape.of(p.dim(0), 2 * intermediate));
        ops.matmul(gateUp.columns(0, intermediate), p, gateProj, null);
        ops.matmul(gateUp.columns(intermediate, intermediate), p, upProj, null);
        return ops.matmul(ops.swiglu(gateUp), downProj, null);
    }
}
