package org.glm4j.core.backend.jvm;

import java.util.Arrays;
import org.glm4j.core.backend.SamplingSpec;

/** Token selection on one row of f32 logits, following {@link SamplingSpec}'s order of steps. */
final class Sampler {
    private Sampler() {}

    /** Picks one id from {@code logits} (modified in place by the penalty and temperature). */
    static int pick(float[] logits, SamplingSpec spec) {
        int vocab = logits.length;
        float p = spec.repetitionPenalty();
        if (p != 1f) {
            boolean[] seen = new boolean[vocab];
            for (int id : spec.penalizedIds()) {
                if (seen[id]) continue;
                seen[id] = true;
                float s = logits[id];
                logits[id] = s < 0 ? s * p : s / p;
            }
        }
        if (spec.isGreedy()) return argmax(logits);

        float t = spec.temperature();
        for (int i = 0; i < vocab; i++) logits[i] /= t;
        // Candidates in descending logit order, ties by ascending id: sort keys (orderable float bits, id).
        int keep = spec.topK() > 0 ? Math.min(spec.topK(), vocab) : vocab;
        long[] keys = new long[vocab];
        for (int i = 0; i < vocab; i++) keys[i] = ((long) ~orderable(logits[i]) << 32) | i;
        Arrays.sort(keys);
        int[] order = new int[keep];
        for (int i = 0; i < keep; i++) order[i] = (int) keys[i];

        float max = logits[order[0]];
        double[] prob = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            prob[i] = Math.exp(logits[order[i]] - max);
            total += prob[i];
        }
        if (spec.topP() < 1f) {
            double mass = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                mass += prob[i] / total;
                if (mass >= spec.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
            total = 0;
            for (int i = 0; i < keep; i++) total += prob[i];
        }
        double target = spec.uniform() * total, acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += prob[i];
            if (acc > target) return order[i];
        }
        return order[keep - 1];
    }

    /** Index of the largest value, lowest index on ties; NaN counts as smallest. */
    static int argmax(float[] a) {
        int best = 0;
        float bv = Float.NEGATIVE_INFINITY;
        boolean found = false;
        for (int i = 0; i < a.length; i++) {
            float v = a[i];
            if (!Float.isNaN(v) && (!found || v > bv)) {
                bv = v;
                best = i;
                found = true;
            }
        }
        return best;
    }

    /** Maps a float to an int whose signed order is the float's order (NaN treated as −∞). */
    private static int orderable(float f) {
        if (Float.isNaN(f)) f = Float.NEGATIVE_INFINITY;
        int b = Float.floatToIntBits(f);
        return b >= 0 ? b : b ^ 0x7fff_ffff;
    }
}
