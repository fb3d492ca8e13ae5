package org.glm4j.model.text;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.glm4j.model.config.Glm4vConfig;

/**
 * 3-D M-RoPE positions of a token sequence (spec §4.5, HF {@code Glm4vModel.get_rope_index}): text tokens advance
 * all three axes together; each image (or video frame) run of placeholder tokens gets {@code (cur, cur + row,
 * cur + col)} over its merged grid, after which the cursor moves by {@code max(H, W)}.
 *
 * @param positions {@code [3][L]}: temporal, height and width positions
 * @param ropeDelta {@code max position + 1 − L}; a generated token at index {@code n} gets position {@code n + ropeDelta}
 */
public record RopeIndex(int[][] positions, int ropeDelta) {

    private enum Kind { TEXT, IMAGE, VIDEO }

    /**
     * Positions for {@code ids} with the image grids and video grids (each {@code {t, h, w}} in patches) in order
     * of appearance.
     *
     * @throws IllegalArgumentException when placeholder runs and grids do not match
     */
    public static RopeIndex compute(int[] ids, List<int[]> imageGrids, List<int[]> videoGrids, Glm4vConfig config) {
        int len = ids.length, m = config.vision().spatialMergeSize();
        Kind[] kind = new Kind[len];
        boolean inVideo = false;
        for (int i = 0; i < len; i++) {
            int id = ids[i];
            if (id == config.videoStartTokenId()) inVideo = true;
            else if (id == config.videoEndTokenId()) inVideo = false;
            kind[i] = id == config.imageTokenId() ? (inVideo ? Kind.VIDEO : Kind.IMAGE) : Kind.TEXT;
        }
        Deque<int[]> images = new ArrayDeque<>(imageGrids), frames = new ArrayDeque<>();
        for (int[] g : videoGrids) for (int t = 0; t < g[0]; t++) frames.add(new int[] { 1, g[1], g[2] });
        int[][] pos = new int[3][len];
        int cur = 0, i = 0;
        while (i < len) {
            int j = i;
            while (j < len && kind[j] == kind[i]) j++;
            if (kind[i] == Kind.TEXT) {
                for (int k = i; k < j; k++) pos[0][k] = pos[1][k] = pos[2][k] = cur + (k - i);
                cur += j - i;
            } else {
                Deque<int[]> q = kind[i] == Kind.IMAGE ? images : frames;
                if (q.isEmpty())
                    throw new IllegalArgumentException("placeholder run at token " + i + " has no " + kind[i].name().toLowerCase() + " grid left");
                int[] g = q.poll();
                int t = g[0], gh = g[1] / m, gw = g[2] / m;
                if ((long) t * gh * gw != j - i)
                    throw new IllegalArgumentException("placeholder run at token " + i + " has " + (j - i) + " tokens, its grid ("
                            + g[0] + "," + g[1] + "," + g[2] + ") needs " + (long) t * gh * gw);
                int k = i;
                for (int a = 0; a < t; a++)
                    for (int r = 0; r < gh; r++)
                        for (int c = 0; c < gw; c++, k++) {
                            pos[0][k] = cur + a;
                            pos[1][k] = cur + r;
                            pos[2][k] = cur + c;
                        }
                cur += Math.max(gh, gw);
            }
            i = j;
        }
        if (!images.isEmpty() || !frames.isEmpty())
            throw new IllegalArgumentException((images.size() + frames.size()) + " image/video grids have no placeholder run");
        int max = -1;
        for (int[] axis : pos) for (int p : axis) max = Math.max(max, p);
        return new RopeIndex(pos, max + 1 - len);
    }

    /** Positions of a text-only continuation of {@code count} tokens starting at absolute index {@code from}. */
    public int[][] continuation(int from, int count) {
        int[][] pos = new int[3][count];
        for (int k = 0; k < count; k++) pos[0][k] = pos[1][k] = pos[2][k] = from + k + ropeDelta;
        return pos;
    }
}
