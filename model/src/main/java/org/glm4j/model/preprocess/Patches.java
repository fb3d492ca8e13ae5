package org.glm4j.model.preprocess;

import java.util.List;

/**
 * Preprocessed pixels: {@code values} is {@code [rows, patchVectorSize]} f32 row-major in the reference's row
 * order (merge windows, then channel/frame/y/x inside a row), and {@code grids} the {@code (t, h, w)} in patches
 * of each image or video, in order.
 */
public record Patches(float[] values, int rowSize, List<int[]> grids) {
    public Patches {
        grids = List.copyOf(grids);
        long rows = 0;
        for (int[] g : grids) rows += (long) g[0] * g[1] * g[2];
        if (rows * rowSize != values.length)
            throw new IllegalArgumentException("patches: " + values.length + " values for " + rows + " rows of " + rowSize);
    }

    /** Number of patch rows. */
    public int rows() { return values.length / rowSize; }
}
