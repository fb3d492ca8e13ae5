package org.glm4j.model.text;

import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.weights.WeightStore;

/** {@code mlp} (spec §4.6): fused {@code gate_up_proj} → SwiGLU → {@code down_proj}, no biases. */
public final class Mlp {
    private final Tensor gateUpProj, downProj;

    public Mlp(WeightStore s, String prefix) {
        gateUpProj = s.tensor(prefix + "mlp.gate_up_proj.weight");
        downProj = s.tensor(prefix + "mlp.down_proj.weight");
    }

    public Tensor forward(Ops ops, Tensor h) {
        Tensor gateUp = ops.matmul(h, gateUpProj, null);         // [L, 2·intermediate]: gate rows, then up rows
        return ops.matmul(ops.swiglu(gateUp), downProj, null);
    }
}
