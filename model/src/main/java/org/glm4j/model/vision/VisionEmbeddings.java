package org.glm4j.model.vision;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.Trace;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/**
 * {@code embeddings}: the learned absolute position table ({@code side × side}), resampled per image to its own
 * patch grid with bicubic {@code grid_sample} (spec §3.4, HF {@code Glm4vVisionEmbeddings.forward}) and added.
 */
public final class VisionEmbeddings {
    private final Tensor table;
    private final int side;

    public VisionEmbeddings(WeightStore store, VisionConfig c) {
        this.table = store.tensor(Prefixes.VISUAL + "embeddings.position_embedding.weight");
        this.side = c.positionGridSide();
    }

    /** {@code x + resample(table)} for every patch; {@code x [n, hidden]}. */
    public Tensor addPositions(Ops ops, Tensor x, VisionGrid grid, Trace trace) {
        int n = grid.patches();
        Tensor points = ops.temp(DType.F32, Shape.of(n, 2));
        try (Arena arena = Arena.ofConfined()) {
            // Sampling points in grid_sample's normalised coordinates, f32 as HF computes them.
            Tensor host = points.device().isHost() ? points : Tensor.allocate(DType.F32, Shape.of(n, 2), arena);
            for (int i = 0; i < n; i++) {
                int[] g = grid.grids().get(grid.gridOf()[i]);
                host.setFloat(2L * i, ((grid.colIds()[i] + 0.5f) / g[2]) * 2f - 1f);
                host.setFloat(2L * i + 1, ((grid.rowIds()[i] + 0.5f) / g[1]) * 2f - 1f);
            }
            if (host != points) ops.copy(points, host);
        }
        Tensor pos = ops.temp(x.dtype(), x.shape());
        ops.resamplePositions(pos, table, points, side, side);
        trace.record("vision.adapted_pos_embed", pos);
        return ops.add(x, pos);
    }
}
