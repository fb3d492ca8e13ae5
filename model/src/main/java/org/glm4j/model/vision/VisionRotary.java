package org.glm4j.model.vision;

import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.HostData;

/**
 * Vision 2-D RoPE tables (spec §3.6, HF {@code Glm4vVisionRotaryEmbedding}): for head dim {@code d}, {@code d/4}
 * frequencies {@code 10000^(−2i/(d/2))}; angles {@code row·f} then {@code col·f}, {@code d/2} per patch, always f32.
 * Used with half-split pairing {@code (k, k + d/2)}.
 */
public final class VisionRotary {
    private VisionRotary() {}

    /** {@code {cos, sin}}, each f32 {@code [patches, headDim/2]}, from the scratch. */
    public static Tensor[] tables(Ops ops, VisionGrid grid, int headDim) {
        int n = grid.patches(), half = headDim / 2, quarter = headDim / 4;
        float[] invFreq = new float[quarter];
        for (int i = 0; i < quarter; i++) invFreq[i] = (float) (1.0 / Math.pow(10000.0, (float) (2 * i) / half));
        return HostData.rotaryTables(ops, DType.F32, n, half,
                (p, j) -> (j < quarter ? grid.rowIds()[p] : grid.colIds()[p]) * invFreq[j % quarter]);
    }
}
