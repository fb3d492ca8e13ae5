package org.glm4j.tests.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JVM backend's Vector API kernels (matmul, attention, RMSNorm, f16 widening) against plain double-precision
 * loops on random inputs of odd shapes and strided views. Not the cross-backend parity suite: this pins down the
 * reference backend's own fast paths (streaming and packed matmul, register tiles, tails, online softmax).
 *
 * <p>Error bounds: an f32 sum of K products is within about {@code K·2⁻²⁴·Σ|terms|} of the exact value; we allow
 * {@code 4·2⁻²⁴·√K·Σ|terms|} plus one rounding of the output dtype, which random signs keep far from flaky while a
 * wrong index, a lost tail or a missing term (an error of order one term) still fails.
 */
class JvmKernelsTest {
    private static JvmBackend backend;
    private static Ops ops;

    @BeforeAll static void open() {
        backend = new JvmBackend(2);
        ops = new Ops(backend, null);
    }

    @AfterAll static void close() { backend.close(); }

    // ================================================================ matmul

    static Stream<Arguments> matmulCases() {
        List<Arguments> cases = new ArrayList<>();
        int[] ms = { 1, 2, 3, 4, 5, 7, 8, 9, 17, 40 };
        int[][] kn = { { 1, 1 }, { 3, 5 }, { 31, 17 }, { 32, 33 }, { 33, 64 }, { 63, 7 }, { 257, 65 }, { 300, 31 }, { 520, 40 } };
        DType[] dts = { DType.F32, DType.BF16, DType.F16 };
        int i = 0;
        for (int m : ms)
            for (int[] s : kn)
                for (DType wd : dts) {
                    DType xd = dts[i % 3], od = dts[(i / 3) % 3];
                    cases.add(Arguments.of(m, s[0], s[1], xd, wd, od, i % 2 == 0, i % 5 == 0));
                    i++;
                }
        return cases.stream();
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} x={3} w={4} out={5} bias={6} strided={7}")
    @MethodSource("matmulCases")
    void matmul_matchesDoubleLoop(int m, int k, int n, DType xd, DType wd, DType od, boolean withBias, boolean strided) {
        var rng = new SplittableRandom(31L * m + 7L * k + n + xd.ordinal() + 3L * wd.ordinal());
        try (Arena arena = Arena.ofShared()) {
            // Strided views: x as the middle columns of a wider buffer, out as one third of a fused output.
            Tensor x = strided ? random(xd, Shape.of(m, k + 5), rng, arena).columns(3, k) : random(xd, Shape.of(m, k), rng, arena);
            Tensor w = random(wd, Shape.of(n, k), rng, arena);
            Tensor bias = withBias ? random(DType.BF16, Shape.of(n), rng, arena) : null;
            Tensor outBuf = Tensor.allocate(od, Shape.of(m, 3 * n), arena);
            Tensor out = strided ? outBuf.columns(n, n) : Tensor.allocate(od, Shape.of(m, n), arena);
            ops.matmul(out, x, w, bias);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double exact = withBias ? bias.getFloat(j) : 0, mag = Math.abs(exact);
                    for (int c = 0; c < k; c++) {
                        double t = (double) x.getFloat((long) i * k + c) * w.getFloat((long) j * k + c);
                        exact += t;
                        mag += Math.abs(t);
                    }
                    double tol = 4 * 0x1p-24 * Math.sqrt(k + 1) * mag + ulpOf(od) * Math.abs(exact) + 1e-30;
                    float got = out.getFloat((long) i * n + j);
                    if (!(Math.abs(got - exact) <= tol))
                        fail("matmul " + x + "·" + w + "ᵀ → " + out + " at [" + i + "," + j + "]: expected " + exact
                                + ", got " + got + " (tolerance " + tol + ")");
                }
            if (strided) // the other two thirds of the fused buffer stay untouched
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < 3 * n; j++)
                        if (j < n || j >= 2 * n) assertEquals(0f, outBuf.getFloat((long) i * 3 * n + j), "outside the view");
        }
    }

    @Test
    void matmul_largePackedShapeWithEveryTail() {
        // Several slabs of x blocks, K across several panel blocks with a tail, N not a multiple of the panel.
        matmul_matchesDoubleLoop(203, 700, 75, DType.BF16, DType.BF16, DType.F32, true, true);
    }

    // ================================================================ attention

    /** name, Lq, Lk, Hq, Hkv, D, causal, queryOffset, segments, q/k/v dtype, out dtype, fused qkv views. */
    static Stream<Arguments> attentionCases() {
        return Stream.of(
                Arguments.of("decode G16", 1, 77, 32, 2, 128, true, 76, null, DType.BF16, DType.BF16, false),
                Arguments.of("decode one key", 1, 1, 32, 2, 128, true, 0, null, DType.BF16, DType.F32, false),
                Arguments.of("decode split over keys", 1, 1500, 32, 2, 128, true, 1499, null, DType.BF16, DType.F32, true),
                Arguments.of("decode split mid-cache", 1, 2300, 16, 2, 64, true, 2100, null, DType.F16, DType.F32, false),
                Arguments.of("prefill G16 causal", 70, 70, 32, 2, 128, true, 0, null, DType.BF16, DType.F32, true),
                Arguments.of("prefill G4 f32", 50, 50, 8, 2, 40, true, 0, null, DType.F32, DType.F32, false),
                Arguments.of("chunked prefill G3", 7, 30, 6, 2, 17, true, 23, null, DType.F16, DType.BF16, false),
                Arguments.of("G2 many blocks", 130, 130, 4, 2, 64, true, 0, null, DType.BF16, DType.F32, false),
                Arguments.of("vision segments", 37, 37, 3, 3, 72, false, 0, new int[] { 0, 5, 21, 37 }, DType.BF16, DType.F32, true),
                Arguments.of("full G1 odd", 19, 19, 2, 2, 33, false, 0, null, DType.F32, DType.F16, false),
                Arguments.of("cross lengths", 5, 90, 4, 1, 31, false, 0, null, DType.BF16, DType.F32, false),
                Arguments.of("wide head decode", 1, 700, 8, 2, 160, true, 699, null, DType.BF16, DType.F32, true),
                Arguments.of("decode long cache, 1 kv head", 1, 17000, 16, 1, 128, true, 16990, null, DType.BF16, DType.F32, false),
                Arguments.of("two queries, long cache", 2, 17000, 16, 1, 128, true, 16990, null, DType.BF16, DType.F32, false),
                Arguments.of("decode 31 keys (one partial block)", 1, 31, 32, 2, 128, true, 30, null, DType.BF16, DType.F32, false),
                Arguments.of("decode 32 keys (one full block)", 1, 32, 32, 2, 128, true, 31, null, DType.BF16, DType.F32, false),
                Arguments.of("decode 33 keys", 1, 33, 32, 2, 128, true, 32, null, DType.BF16, DType.BF16, false),
                Arguments.of("decode odd keys, splits and a partial block", 1, 1031, 32, 2, 128, true, 1030, null, DType.BF16, DType.F32, false),
                Arguments.of("decode G8", 1, 700, 16, 2, 128, true, 699, null, DType.BF16, DType.F32, false),
                Arguments.of("decode G4, 4 kv heads", 1, 300, 16, 4, 128, true, 299, null, DType.BF16, DType.F32, false),
                Arguments.of("decode G20 (two vectors per kv head)", 1, 333, 40, 2, 128, true, 332, null, DType.BF16, DType.BF16, false),
                Arguments.of("decode G1", 1, 97, 4, 4, 128, true, 96, null, DType.F32, DType.F32, false),
                Arguments.of("decode G5 f32, strided K/V", 1, 600, 10, 2, 64, true, 599, null, DType.F32, DType.F32, true),
                Arguments.of("decode f16, strided K/V", 1, 290, 32, 2, 128, true, 289, null, DType.F16, DType.F32, true),
                Arguments.of("decode bf16, strided K/V, several splits", 1, 1300, 32, 2, 128, true, 1299, null, DType.BF16, DType.F32, true),
                Arguments.of("decode head dim 64", 1, 800, 32, 2, 64, true, 799, null, DType.BF16, DType.F32, false),
                Arguments.of("decode head dim 96", 1, 513, 32, 2, 96, true, 512, null, DType.BF16, DType.F32, false),
                Arguments.of("decode head dim 33", 1, 70, 6, 3, 33, true, 69, null, DType.BF16, DType.F16, false),
                Arguments.of("decode before the end of the keys", 1, 900, 32, 2, 128, true, 500, null, DType.BF16, DType.F32, false),
                Arguments.of("decode full (not causal)", 1, 257, 32, 2, 128, false, 0, null, DType.BF16, DType.F32, false),
                Arguments.of("wide odd head", 20, 20, 2, 1, 200, false, 0, null, DType.F16, DType.F32, false));
    }

    @ParameterizedTest(name = "{0}: Lq={1} Lk={2} Hq={3} Hkv={4} D={5}")
    @MethodSource("attentionCases")
    void attention_matchesDoubleLoop(String name, int lq, int lk, int hq, int hkv, int d, boolean causal, int offset,
                                     int[] segments, DType dt, DType od, boolean fused) {
        var rng = new SplittableRandom(lq * 131L + lk * 7L + hq + d);
        try (Arena arena = Arena.ofShared()) {
            Tensor q, k, v;
            if (fused) { // q, k, v as strided views into one [tokens, (Hq + 2·Hkv)·D] projection output (lq == lk here or decode)
                Tensor qkvQ = random(dt, Shape.of(lq, (hq + 2 * hkv) * d), rng, arena);
                Tensor qkvK = lq == lk ? qkvQ : random(dt, Shape.of(lk, (hq + 2 * hkv) * d), rng, arena);
                q = qkvQ.columns(0, hq * d).unflatten(1, hq, d);
                k = qkvK.columns(hq * d, hkv * d).unflatten(1, hkv, d);
                v = qkvK.columns((hq + hkv) * d, hkv * d).unflatten(1, hkv, d);
            } else {
                q = random(dt, Shape.of(lq, hq, d), rng, arena);
                k = random(dt, Shape.of(lk, hkv, d), rng, arena);
                v = random(dt, Shape.of(lk, hkv, d), rng, arena);
            }
            Tensor out = Tensor.allocate(od, Shape.of(lq, hq, d), arena);
            AttentionSpec spec = new AttentionSpec((float) (1 / Math.sqrt(d)), causal, offset, hq / hkv, segments);
            ops.attention(out, q, k, v, spec);
            int g = hq / hkv;
            float[] qa = q.toFloatArray(), ka = k.toFloatArray(), va = v.toFloatArray(), oa = out.toFloatArray();
            double[] p = new double[lk];
            for (int i = 0; i < lq; i++) {
                int lo = 0, hi = lk;
                if (causal) hi = offset + i + 1;
                if (segments != null) {
                    int sIdx = 0;
                    while (segments[sIdx + 1] <= i) sIdx++;
                    lo = segments[sIdx];
                    hi = segments[sIdx + 1];
                }
                for (int h = 0; h < hq; h++) {
                    int kh = h / g, qo = (i * hq + h) * d;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = lo; j < hi; j++) {
                        double dot = 0;
                        int ko = (j * hkv + kh) * d;
                        for (int c = 0; c < d; c++) dot += (double) qa[qo + c] * ka[ko + c];
                        p[j] = dot * spec.scale();
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = lo; j < hi; j++) sum += p[j] = Math.exp(p[j] - max);
                    for (int c = 0; c < d; c++) {
                        double exact = 0, vmax = 0;
                        for (int j = lo; j < hi; j++) {
                            float vv = va[(j * hkv + kh) * d + c];
                            exact += p[j] / sum * vv;
                            vmax = Math.max(vmax, Math.abs(vv));
                        }
                        double tol = ulpOf(od) * Math.abs(exact) + 2e-6 * vmax;
                        float got = oa[qo + c];
                        if (!(Math.abs(got - exact) <= tol))
                            fail("attention " + name + " at [" + i + "," + h + "," + c + "]: expected " + exact + ", got "
                                    + got + " (tolerance " + tol + ")");
                    }
                }
            }
        }
    }

    // ================================================================ rmsNorm

    static Stream<Arguments> rmsNormCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = { { 1, 1 }, { 3, 7 }, { 2, 16 }, { 5, 17 }, { 1, 64 }, { 33, 100 }, { 2, 4099 } };
        DType[] dts = { DType.F32, DType.BF16, DType.F16 };
        int i = 0;
        for (int[] sh : shapes)
            for (DType od : dts) {
                cases.add(Arguments.of(sh[0], sh[1], dts[i % 3], dts[(i + 1) % 3], od, i % 2 == 0));
                i++;
            }
        return cases.stream();
    }

    @ParameterizedTest(name = "rows={0} n={1} x={2} w={3} out={4} strided={5}")
    @MethodSource("rmsNormCases")
    void rmsNorm_matchesDoubleLoop(int rows, int n, DType xd, DType wd, DType od, boolean strided) {
        var rng = new SplittableRandom(rows * 1000L + n);
        try (Arena arena = Arena.ofShared()) {
            Tensor x = strided ? random(xd, Shape.of(rows, n + 3), rng, arena).columns(2, n) : random(xd, Shape.of(rows, n), rng, arena);
            Tensor w = random(wd, Shape.of(n), rng, arena);
            Tensor out = strided ? Tensor.allocate(od, Shape.of(rows, 2 * n), arena).columns(n, n) : Tensor.allocate(od, Shape.of(rows, n), arena);
            float eps = 1e-5f;
            ops.rmsNorm(out, x, w, eps);
            for (int r = 0; r < rows; r++) {
                double ss = 0;
                for (int c = 0; c < n; c++) ss += (double) x.getFloat((long) r * n + c) * x.getFloat((long) r * n + c);
                double inv = 1 / Math.sqrt(ss / n + eps);
                for (int c = 0; c < n; c++) {
                    // out = w ⊙ round(x·inv): the inner rounding to out's dtype may flip by one ulp of it.
                    double normalized = x.getFloat((long) r * n + c) * inv, weight = w.getFloat(c);
                    double exact = weight * od.round((float) normalized);
                    double tol = 3 * ulpOf(od) * Math.abs(weight * normalized) + 1e-6;
                    float got = out.getFloat((long) r * n + c);
                    if (!(Math.abs(got - exact) <= tol))
                        fail("rmsNorm " + x + " → " + out + " at [" + r + "," + c + "]: expected " + exact + ", got " + got
                                + " (tolerance " + tol + ")");
                }
            }
        }
    }

    @Test
    void rmsNorm_bitExactWhenStatisticsAreExact() {
        // x in {±0.5, ±1, ±1.5, ±2}: every partial sum of squares is exact in f32, so the statistics do not depend on
        // the summation order and the result must equal the scalar definition bit for bit, inner rounding included.
        var rng = new SplittableRandom(7);
        float[] values = { 0.5f, 1f, 1.5f, 2f, -0.5f, -1f, -1.5f, -2f };
        try (Arena arena = Arena.ofShared()) {
            for (DType od : new DType[] { DType.BF16, DType.F16, DType.F32 }) {
                int rows = 3, n = 4099;
                Tensor x = Tensor.allocate(DType.BF16, Shape.of(rows, n), arena);
                for (long i = 0; i < x.numel(); i++) x.setFloat(i, values[rng.nextInt(values.length)]);
                Tensor w = random(DType.BF16, Shape.of(n), rng, arena);
                Tensor out = Tensor.allocate(od, Shape.of(rows, n), arena);
                float eps = 1e-5f;
                ops.rmsNorm(out, x, w, eps);
                for (int r = 0; r < rows; r++) {
                    float ss = 0;
                    for (int c = 0; c < n; c++) ss += x.getFloat((long) r * n + c) * x.getFloat((long) r * n + c);
                    float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
                    for (int c = 0; c < n; c++) {
                        // the normalised value rounds to x's dtype (as HF), the product to the output's
                        float expected = od.round(w.getFloat(c) * x.dtype().round(x.getFloat((long) r * n + c) * inv));
                        assertEquals(expected, out.getFloat((long) r * n + c), "rmsNorm " + od + " at [" + r + "," + c + "]");
                    }
                }
            }
        }
    }

    @Test
    void rmsNorm_nanAndInfinityFollowTheScalarSemantics() {
        try (Arena arena = Arena.ofShared()) {
            int n = 40;
            Tensor x = Tensor.allocate(DType.F32, Shape.of(2, n), arena);
            for (int c = 0; c < n; c++) {
                x.setFloat(c, c == 5 ? Float.NaN : 1f);
                x.setFloat(n + c, c == 7 ? Float.POSITIVE_INFINITY : 1f);
            }
            Tensor w = Tensor.allocate(DType.BF16, Shape.of(n), arena);
            for (int c = 0; c < n; c++) w.setFloat(c, 1f);
            Tensor out = Tensor.allocate(DType.BF16, Shape.of(2, n), arena);
            ops.rmsNorm(out, x, w, 1e-5f);
            // A NaN poisons its row's statistics; an infinity makes the scale 0, so only ∞·0 is NaN there.
            for (int c = 0; c < n; c++) {
                assertTrue(Float.isNaN(out.getFloat(c)), "row 0 element " + c + " must be NaN, got " + out.getFloat(c));
                if (c == 7) assertTrue(Float.isNaN(out.getFloat(n + c)), "row 1 element 7 must be NaN");
                else assertEquals(0f, out.getFloat(n + c), "row 1 element " + c);
            }
        }
    }

    // ================================================================ f16 widening

    @Test
    void convert_f16ToF32IsExactForEveryBitPattern() {
        try (Arena arena = Arena.ofShared()) {
            Tensor h = Tensor.allocate(DType.F16, Shape.of(256, 256), arena);
            for (int i = 0; i < 65536; i++) h.data().set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, (short) i);
            Tensor f = Tensor.allocate(DType.F32, Shape.of(256, 256), arena);
            ops.convert(f, h);
            for (int i = 0; i < 65536; i++) {
                float expected = Float.float16ToFloat((short) i), got = f.getFloat(i);
                if (Float.isNaN(expected)) assertTrue(Float.isNaN(got), "f16 0x" + Integer.toHexString(i) + " must widen to NaN");
                else assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got),
                        "f16 0x" + Integer.toHexString(i) + ": expected " + expected + ", got " + got);
            }
        }
    }

    // ================================================================ helpers

    static Tensor random(DType dt, Shape shape, SplittableRandom rng, Arena arena) {
        Tensor t = Tensor.allocate(dt, shape, arena);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }

    /** Half an ulp of a dtype at 1.0 (relative rounding error of one store), plus a little slack. */
    static double ulpOf(DType dt) {
        return switch (dt) {
            case BF16 -> 0x1p-8 * 1.01;
            case F16 -> 0x1p-11 * 1.01;
            default -> 0x1p-24 * 2;
        };
    }
}
