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
        // Candidates in descending logit order, ties by ascending id. With top-k, only tokens at or above the k-th
        // largest logit (ties with it kept, as transformers does) are sorted; the threshold comes from a selection.
        int[] candidates;
        if (spec.topK() > 0 && spec.topK() < vocab) {
            float threshold = kthLargest(logits.clone(), spec.topK());
            int n = 0;
            for (float v : logits) if (v >= threshold) n++;
            candidates = new int[n];
            for (int i = 0, j = 0; i < vocab; i++) if (logits[i] >= threshold) candidates[j++] = i;
        } else {
            candidates = new int[vocab];
            for (int i = 0; i < vocab; i++) candidates[i] = i;
        }
        long[] keys = new long[candidates.length];
        for (int i = 0; i < candidates.length; i++) keys[i] = ((long) ~orderable(logits[candidates[i]]) << 32) | candidates[i];
        Arrays.sort(keys);
        int keep = keys.length;
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

    /** The k-th largest of {@code a} (1-based; NaN as −∞), by quickselect; {@code a} is reordered. */
    static float kthLargest(float[] a, int k) {
        for (int i = 0; i < a.length; i++) if (Float.isNaN(a[i])) a[i] = Float.NEGATIVE_INFINITY;
        int lo = 0, hi = a.length - 1, target = k - 1;          // position in descending order
        java.util.SplittableRandom pivots = new java.util.SplittableRandom(k);
        while (lo < hi) {
            float pivot = a[lo + pivots.nextInt(hi - lo + 1)];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j) {
                    float tmp = a[i];
                    a[i++] = a[j];
                    a[j--] = tmp;
                }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return a[target];
        }
        return a[target];
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
