package org.glm4j.core.backend;

import java.util.Arrays;

/**
 * How {@link Backend#sample} picks one token id per logits row, in Hugging Face's order: repetition penalty over
 * {@code penalizedIds} ({@code s < 0 ? s·p : s/p}), temperature, top-k, top-p (the smallest prefix of tokens by
 * descending probability whose mass reaches {@code topP}, at least one), then a draw.
 *
 * <p>Greedy (argmax, lowest id on ties) when {@code temperature == 0}. The draw uses {@code uniform ∈ [0,1)},
 * supplied by the caller's seeded generator so every backend picks the same token: walking the kept tokens in
 * descending probability (ties by id), the first whose cumulative probability exceeds {@code uniform·total}.
 *
 * @param temperature       0 for greedy, else > 0
 * @param topK              keep the k most probable tokens (and any tied with the k-th, as transformers does); 0 disables
 * @param topP              nucleus mass in (0, 1]; 1 disables
 * @param repetitionPenalty > 0; 1 disables
 * @param penalizedIds      ids the penalty applies to (each once, duplicates ignored)
 * @param uniform           the random draw in [0, 1)
 */
public record SamplingSpec(float temperature, int topK, float topP, float repetitionPenalty, int[] penalizedIds,
                           double uniform) {
    public SamplingSpec {
        if (!(temperature >= 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("sample: temperature must be >= 0 and finite, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("sample: topK must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("sample: topP must be in (0, 1], got " + topP);
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty))
            throw new IllegalArgumentException("sample: repetitionPenalty must be > 0, got " + repetitionPenalty);
        if (!(uniform >= 0 && uniform < 1)) throw new IllegalArgumentException("sample: uniform must be in [0, 1), got " + uniform);
        penalizedIds = penalizedIds == null ? new int[0] : penalizedIds.clone();
    }

    /** Argmax. */
    public static SamplingSpec greedy() { return new SamplingSpec(0, 0, 1, 1, null, 0); }

    public boolean isGreedy() { return temperature == 0; }

    @Override public int[] penalizedIds() { return penalizedIds.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof SamplingSpec s && s.temperature == temperature && s.topK == topK && s.topP == topP
                && s.repetitionPenalty == repetitionPenalty && Arrays.equals(s.penalizedIds, penalizedIds)
                && s.uniform == uniform;
    }

    @Override public int hashCode() { return Arrays.hashCode(penalizedIds) * 31 + Float.hashCode(temperature) + topK; }

    @Override public String toString() {
        return "SamplingSpec[temperature=" + temperature + ", topK=" + topK + ", topP=" + topP + ", repetitionPenalty="
                + repetitionPenalty + ", penalizedIds=" + penalizedIds.length + " ids, uniform=" + uniform + "]";
    }
}
