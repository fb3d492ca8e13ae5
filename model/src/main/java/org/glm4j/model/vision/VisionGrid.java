package org.glm4j.model.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * The vision tower's view of its input: one grid row {@code (t, h, w)} (in patches) per image or per video temporal
 * patch, and for every patch row its {@code (row, col)} in its grid and the grid it belongs to, in the merge-window
 * order of the pixel rows (spec §3.3): {@code for bh, bw, mh, mw: row = 2·bh + mh, col = 2·bw + mw}.
 */
public record VisionGrid(List<int[]> grids, int[] rowIds, int[] colIds, int[] gridOf, int[] segments) {

    /** Builds the coordinates of {@code grids} (each {@code {t, h, w}}, h and w multiples of {@code mergeSize}). */
    public static VisionGrid of(List<int[]> grids, int mergeSize) {
        int n = 0;
        for (int[] g : grids) {
            if (g[1] % mergeSize != 0 || g[2] % mergeSize != 0)
                throw new IllegalArgumentException("grid (" + g[0] + "," + g[1] + "," + g[2] + ") is not a multiple of merge size " + mergeSize);
            n = Math.addExact(n, g[0] * g[1] * g[2]);
        }
        int[] rows = new int[n], cols = new int[n], of = new int[n], seg = new int[grids.size() + 1];
        int i = 0;
        for (int gi = 0; gi < grids.size(); gi++) {
            int[] g = grids.get(gi);
            for (int t = 0; t < g[0]; t++)
                for (int bh = 0; bh < g[1] / mergeSize; bh++)
                    for (int bw = 0; bw < g[2] / mergeSize; bw++)
                        for (int mh = 0; mh < mergeSize; mh++)
                            for (int mw = 0; mw < mergeSize; mw++) {
                                rows[i] = bh * mergeSize + mh;
                                cols[i] = bw * mergeSize + mw;
                                of[i++] = gi;
                            }
            seg[gi + 1] = i;
        }
        return new VisionGrid(new ArrayList<>(grids), rows, cols, of, seg);
    }

    /** Number of patch rows. */
    public int patches() { return rowIds.length; }

    /** Grids with video grids {@code (T', h, w)} split into {@code T'} rows of {@code (1, h, w)}. */
    public static List<int[]> perTemporalPatch(List<int[]> grids) {
        List<int[]> out = new ArrayList<>();
        for (int[] g : grids) for (int t = 0; t < g[0]; t++) out.add(new int[] { 1, g[1], g[2] });
        return out;
    }
}
