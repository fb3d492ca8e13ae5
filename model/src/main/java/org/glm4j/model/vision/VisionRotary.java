package org.glm4j.model.vision;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

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
        Tensor cos = ops.temp(DType.F32, Shape.of(n, half)), sin = ops.temp(DType.F32, Shape.of(n, half));
        try (Arena arena = Arena.ofConfined()) {
            boolean host = cos.device().isHost();
            Tensor c = host ? cos : Tensor.allocate(DType.F32, cos.shape(), arena);
            Tensor s = host ? sin : Tensor.allocate(DType.F32, sin.shape(), arena);
            for (int p = 0; p < n; p++)
                for (int j = 0; j < half; j++) {
                    int pos = j < quarter ? grid.rowIds()[p] : grid.colIds()[p];
                    float angle = pos * invFreq[j % quarter];
                    c.setFloat((long) p * half + j, (float) Math.cos(angle));
                    s.setFloat((long) p * half + j, (float) Math.sin(angle));
                }
            if (!host) {
                ops.copy(cos, c);
                ops.copy(sin, s);
            }
        }
        return new Tensor[] { cos, sin };
    }
}
