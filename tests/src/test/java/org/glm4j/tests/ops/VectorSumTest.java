package org.glm4j.tests.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.glm4j.core.backend.jvm.VectorSum;
import org.junit.jupiter.api.Test;

/** {@link VectorSum}: the same bits interpreted and compiled, in the documented butterfly order. */
class VectorSumTest {
    private static final int N = 2000;

    /** The butterfly written out in scalars: lane i plus lane i xor h, for h = lanes/2 … 1, then lane 0. */
    private static float butterfly(float[] a, int off, int lanes) {
        float[] v = java.util.Arrays.copyOfRange(a, off, off + lanes);
        for (int h = lanes / 2; h >= 1; h /= 2) {
            float[] w = new float[lanes];
            for (int i = 0; i < lanes; i++) w[i] = v[i] + v[i ^ h];
            v = w;
        }
        return v[0];
    }

    private static float[] sums(float[] a, int lanes) {
        float[] out = new float[N];
        for (int i = 0; i < N; i++) out[i] = VectorSum.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, a, i * lanes));
        return out;
    }

    @Test
    void sameBitsBeforeAndAfterCompilation_inTheButterflyOrder() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom r = new SplittableRandom(7);
        float[] a = new float[N * lanes];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(7)));   // cancellation-prone
        float[] first = sums(a, lanes);                     // the first calls run interpreted
        for (int rep = 0; rep < 200; rep++) sums(a, lanes); // long enough for C2 to compile sum and the loop around it
        float[] later = sums(a, lanes);
        for (int i = 0; i < N; i++) {
            float expected = butterfly(a, i * lanes, lanes);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(first[i]), "first call, vector " + i);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(later[i]), "after warm-up, vector " + i);
        }
    }
}
