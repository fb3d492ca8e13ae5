package org.glm4j.core.backend;

import java.util.Arrays;

/**
 * Scaled dot-product attention over {@code q [Lq, Hq, D]}, {@code k, v [Lk, Hkv, D]} into {@code out [Lq, Hq, D]}.
 *
 * <p>Query head {@code h} uses kv head {@code h / groupSize} (GQA). With {@code causal}, query {@code i} sees keys
 * {@code j ≤ queryOffset + i} (the queries are the last {@code Lq} positions of an {@code Lk}-long sequence when
 * {@code queryOffset = Lk − Lq}). With {@code segments} (cumulative boundaries {@code 0 = s0 < s1 < … = L}, used
 * when {@code Lq = Lk}), a query sees only keys of its own segment (per-image attention in the vision tower).
 * Scores and softmax are f32 whatever the input dtype.
 *
 * @param scale       multiplier of {@code q·kᵀ}, usually {@code 1/√D}
 * @param causal      whether keys after the query's position are masked
 * @param queryOffset absolute position of query row 0 in the key sequence (causal only)
 * @param groupSize   query heads per kv head
 * @param segments    cumulative segment boundaries, or {@code null} for one segment
 */
public record AttentionSpec(float scale, boolean causal, int queryOffset, int groupSize, int[] segments) {
    public AttentionSpec {
        if (!(scale > 0) || Float.isInfinite(scale))
            throw new IllegalArgumentException("attention: scale must be positive and finite, got " + scale);
        if (groupSize < 1) throw new IllegalArgumentException("attention: groupSize must be >= 1, got " + groupSize);
        if (queryOffset < 0) throw new IllegalArgumentException("attention: queryOffset must be >= 0, got " + queryOffset);
        if (segments != null) {
            segments = segments.clone();
            if (causal) throw new IllegalArgumentException("attention: segments are for full (non-causal) attention");
            if (segments.length < 2 || segments[0] != 0)
                throw new IllegalArgumentException("attention: segments must start at 0 and have >= 2 boundaries, got "
                        + Arrays.toString(segments));
            for (int i = 1; i < segments.length; i++)
                if (segments[i] <= segments[i - 1])
                    throw new IllegalArgumentException("attention: segment boundaries must increase, got "
                            + Arrays.toString(segments));
        }
    }

    /** Causal attention for queries starting at {@code queryOffset}. */
    public static AttentionSpec causal(int headDim, int groupSize, int queryOffset) {
        return new AttentionSpec((float) (1.0 / Math.sqrt(headDim)), true, queryOffset, groupSize, null);
    }

    /** Bidirectional attention, optionally restricted to segments. */
    public static AttentionSpec full(int headDim, int groupSize, int[] segments) {
        return new AttentionSpec((float) (1.0 / Math.sqrt(headDim)), false, 0, groupSize, segments);
    }

    @Override public int[] segments() { return segments == null ? null : segments.clone(); }

    /** Number of segments (1 when unsegmented). */
    public int segmentCount() { return segments == null ? 1 : segments.length - 1; }

    @Override public boolean equals(Object o) {
        return o instanceof AttentionSpec s && s.scale == scale && s.causal == causal && s.queryOffset == queryOffset
                && s.groupSize == groupSize && Arrays.equals(s.segments, segments);
    }

    @Override public int hashCode() {
        return Float.hashCode(scale) * 31 + Boolean.hashCode(causal) + 7 * queryOffset + 11 * groupSize
                + Arrays.hashCode(segments);
    }

    @Override public String toString() {
        return "AttentionSpec[scale=" + scale + ", causal=" + causal + ", queryOffset=" + queryOffset
                + ", groupSize=" + groupSize + ", segments=" + Arrays.toString(segments) + "]";
    }
}
