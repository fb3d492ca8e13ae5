package org.glm4j.tests.support;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The oracle checked against published values and hand computations before it judges any backend. */
class ReferenceTest {

    private static void assertRelative(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, Math.abs(expected) * rel, what);
    }

    @Test
    void erf_matchesTabulatedValues() {
        assertRelative(0.5204998778130465, Reference.erf(0.5), 1e-14, "erf(0.5)");
        assertRelative(0.8427007929497149, Reference.erf(1), 1e-14, "erf(1)");
        assertRelative(0.9953222650189527, Reference.erf(2), 1e-14, "erf(2)");
        assertRelative(0.9999779095030014, Reference.erf(3), 1e-14, "erf(3)");
        assertRelative(0.004677734981047266, Reference.erfc(2), 1e-13, "erfc(2)");
        assertRelative(-0.8427007929497149, Reference.erf(-1), 1e-14, "erf(-1)");
        assertRelative(2.209049699858544e-05, Reference.erfc(3), 1e-13, "erfc(3)");
        assertRelative(1.541725790028002e-08, Reference.erfc(4), 1e-12, "erfc(4)");
        assertRelative(1.5374597944280349e-12, Reference.erfc(5), 1e-12, "erfc(5)");
        assertRelative(2.1519736712498913e-17, Reference.erfc(6), 1e-12, "erfc(6)");
        assertRelative(1.9999779095030014, Reference.erfc(-3), 1e-14, "erfc(-3)");
        assertRelative(Reference.erfc(2 - 1e-12), Reference.erfc(2 + 1e-12), 1e-10, "erfc continuous where its method changes");
    }

    @Test
    void gelu_isXTimesTheNormalCdf() {
        assertRelative(0.8413447460685429, Reference.gelu(1), 1e-14, "gelu(1) = Φ(1)");
        assertRelative(-0.15865525393145707, Reference.gelu(-1), 1e-13, "gelu(-1) = -Φ(-1)");
        assertRelative(-5 * 2.866515718791939e-07, Reference.gelu(-5), 1e-11, "gelu(-5) = -5·Φ(-5)");
        assertEquals(0, Reference.gelu(0));
    }

    @Test
    void round_handlesTiesSubnormalsAndOverflow() {
        assertEquals(1.0, Reference.round(1 + Math.scalb(1.0, -8), BF16), "bf16 tie rounds to even (down)");
        assertEquals(1 + Math.scalb(1.0, -6), Reference.round(1 + 3 * Math.scalb(1.0, -8), BF16), "bf16 tie up to even");
        assertEquals(65504, Reference.round(65519, F16));
        assertEquals(Double.POSITIVE_INFINITY, Reference.round(65520, F16), "f16 overflow at the tie above 65504");
        assertEquals(0.0, Reference.round(Math.scalb(1.0, -25), F16), "half the smallest f16 subnormal ties to 0");
        assertEquals(Math.scalb(1.0, -23), Reference.round(3 * Math.scalb(1.0, -25), F16), "subnormal tie to even");
        assertEquals(Float.MIN_VALUE, Reference.round(Float.MIN_VALUE * 0.75, F32));
        assertEquals(Double.NEGATIVE_INFINITY, Reference.round(-Float.MAX_VALUE * 1.0000001, F32));
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            double v = rng.nextGaussian() * Math.pow(2, rng.nextInt(-40, 40));
            for (DType dt : new DType[] { F32, BF16, F16 })
                assertEquals(Reference.roundExact(new BigDecimal(v), dt), Reference.round(v, dt), "round(" + v + ") to " + dt);
        }
    }

    @Test
    void cubicWeights_matchTheDocumentedTable() {
        assertArrayEquals(new double[] { 0, 1, 0, 0 }, Reference.cubicWeights(0), 0);
        assertArrayEquals(new double[] { -0.10546875, 0.87890625, 0.26171875, -0.03515625 }, Reference.cubicWeights(0.25), 0);
        assertArrayEquals(new double[] { -0.09375, 0.59375, 0.59375, -0.09375 }, Reference.cubicWeights(0.5), 0);
        assertArrayEquals(new double[] { -0.03515625, 0.26171875, 0.87890625, -0.10546875 }, Reference.cubicWeights(0.75), 0);
        for (double t = 0; t < 1; t += 0.0625) {
            double[] w = Reference.cubicWeights(t);
            assertEquals(1, w[0] + w[1] + w[2] + w[3], 1e-15, "weights at " + t + " sum to 1");
        }
    }

    @Test
    void matmulAndSample_onHandComputedValues() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.of(F32, Shape.of(2, 3), arena, 1, 2, 3, 4, 5, 6);
            Tensor w = Tensor.of(BF16, Shape.of(2, 3), arena, 1, 0, -1, 0.5f, 0.5f, 0.5f);
            Tensor bias = Tensor.of(F32, Shape.of(2), arena, 0.25f, -1);
            assertArrayEquals(new double[] { -1.75, 2, -1.75, 6.5 }, Reference.matmul(x, w, bias), 0);
            Tensor out = Tensor.allocate(F32, Shape.of(2, 2), arena);
            new Ops(TestBackends.jvm(), null).matmul(out, x, w, bias);
            assertArrayEquals(new float[] { -1.75f, 2, -1.75f, 6.5f }, out.toFloatArray(), "jvm on the same product");

            Tensor three = Tensor.of(F32, Shape.of(1, 3), arena, -1, -2, 0);   // p ∝ e^-1, e^-2, e^0
            assertEquals(2, Reference.sample(three, SamplingSpec.greedy())[0]);
            assertEquals(0, Reference.sample(three, new SamplingSpec(1, 0, 1, 1, null, 0.7))[0]);
            assertEquals(1, Reference.sample(three, new SamplingSpec(1, 0, 1, 1, null, 0.95))[0]);
            assertEquals(0, Reference.sample(three, new SamplingSpec(1, 2, 1, 1, null, 0.95))[0]);
            assertEquals(2, Reference.sample(three, new SamplingSpec(1, 0, 0.5f, 1, null, 0.99))[0]);
            Tensor two = Tensor.of(F32, Shape.of(1, 2), arena, 1, 0.5f);
            assertEquals(1, Reference.sample(two, new SamplingSpec(0, 0, 1, 3, new int[] { 0, 0 }, 0))[0],
                    "1/3 < 0.5 once penalised");
            assertEquals(0, Reference.sample(two, new SamplingSpec(0, 0, 1, 1.5f, new int[] { 0, 0 }, 0))[0],
                    "1/1.5 > 0.5 (1/2.25 < 0.5 would mean the duplicate id was penalised twice)");
        }
    }
}
