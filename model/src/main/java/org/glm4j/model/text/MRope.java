package org.glm4j.model.text;

import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.HostData;
import org.glm4j.model.config.TextConfig;

/**
 * Partial, interleaved 3-D M-RoPE tables (spec §4.4): {@code rotaryDim/2} frequencies {@code θ^(−2j/rotaryDim)};
 * frequency {@code j} takes its position from the axis its {@code mrope_section} assigns (temporal, height,
 * width). Angles and cos/sin are computed in f32 and stored in the activation dtype (the reference rounds them to
 * bf16 in a bf16 model). Applied to dims {@code (2j, 2j+1)}; the rest of each head passes through.
 */
public final class MRope {
    private final float[] invFreq;
    private final int[] axisOf;

    public MRope(TextConfig c) {
        int half = c.rotaryDim() / 2;
        invFreq = new float[half];
        for (int j = 0; j < half; j++) invFreq[j] = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * j) / c.rotaryDim()));
        axisOf = new int[half];
        int[] sections = c.mropeSection();
        for (int a = 0, j = 0; a < sections.length; a++) for (int k = 0; k < sections[a]; k++) axisOf[j++] = a;
    }

    /** Rotated dims per head. */
    public int rotaryDim() { return invFreq.length * 2; }

    /** {@code {cos, sin}} of dtype {@code dtype}, {@code [count, rotaryDim/2]}, for tokens {@code from..from+count} of {@code positions}. */
    public Tensor[] tables(Ops ops, int[][] positions, int from, int count, DType dtype) {
        return HostData.rotaryTables(ops, dtype, count, invFreq.length, (t, j) -> angle(positions, from + t, j));
    }

    /** Fills host tensors {@code cos, sin [rows, rotaryDim/2]} with the rows of tokens {@code from..} (as {@link #tables}). */
    public void fill(Tensor cos, Tensor sin, int[][] positions, int from) {
        int rows = cos.dim(0), cols = invFreq.length;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                float a = angle(positions, from + r, j);
                cos.setFloat((long) r * cols + j, (float) Math.cos(a));
                sin.setFloat((long) r * cols + j, (float) Math.sin(a));
            }
    }

    private float angle(int[][] positions, int token, int j) { return positions[axisOf[j]][token] * invFreq[j]; }
}
