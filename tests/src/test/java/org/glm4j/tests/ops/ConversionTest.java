package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.Fixtures;
import org.glm4j.tests.support.Parity;
import org.glm4j.tests.support.Reference;
import org.glm4j.tests.support.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scalar conversions of {@link DType}, exhaustively over all 65536 bf16 and f16 bit patterns and on a large set
 * of f32 values (every tie, subnormals, NaN, ±∞, overflow), against an independent decoding and a {@link BigDecimal}
 * round-to-nearest-even; then every backend's bulk {@code convert} against the scalar functions.
 */
class ConversionTest {

    // ---------------------------------------------------------------- independent decoding

    /** Value of bf16 bits from sign, 8 exponent bits and 7 mantissa bits. */
    static double decodeBf16(int bits) {
        return decode(bits, 8, 7, 127);
    }

    /** Value of IEEE binary16 bits from sign, 5 exponent bits and 10 mantissa bits. */
    static double decodeF16(int bits) {
        return decode(bits, 5, 10, 15);
    }

    private static double decode(int bits, int expBits, int manBits, int bias) {
        int sign = (bits >> (expBits + manBits)) & 1;
        int exp = (bits >> manBits) & ((1 << expBits) - 1);
        int man = bits & ((1 << manBits) - 1);
        double v;
        if (exp == (1 << expBits) - 1) v = man == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        else if (exp == 0) v = man * Math.pow(2, 1 - bias - manBits);
        else v = (1 + man / Math.pow(2, manBits)) * Math.pow(2, exp - bias);
        return sign == 1 ? -v : v;
    }

    private static void assertSameValue(double expected, float actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), () -> what + ": expected NaN, got " + actual);
            return;
        }
        if (expected != actual || (expected == 0 && Math.copySign(1, expected) != Math.copySign(1f, actual)))
            fail(what + ": expected " + expected + ", got " + actual);
    }

    // ---------------------------------------------------------------- scalar, exhaustive over 16-bit patterns

    @Test
    void bf16ToF32_allPatternsDecodeExactly() {
        for (int b = 0; b < 65536; b++)
            assertSameValue(decodeBf16(b), DType.bf16ToF32((short) b), "bf16ToF32(0x" + Integer.toHexString(b) + ")");
    }

    @Test
    void f16ToF32_allPatternsDecodeExactly() {
        for (int h = 0; h < 65536; h++)
            assertSameValue(decodeF16(h), DType.f16ToF32((short) h), "f16ToF32(0x" + Integer.toHexString(h) + ")");
    }

    @Test
    void bf16_allPatternsRoundTripThroughF32() {
        for (int b = 0; b < 65536; b++) {
            short back = DType.f32ToBf16(DType.bf16ToF32((short) b));
            String what = "bf16 0x" + Integer.toHexString(b) + " -> f32 -> bf16 0x" + Integer.toHexString(back & 0xffff);
            if (Double.isNaN(decodeBf16(b))) {
                assertTrue(Double.isNaN(decodeBf16(back & 0xffff)), what + " must stay NaN");
                assertEquals(0x40, back & 0x40, what + " must be a quiet NaN");
                assertEquals(b & 0x8000, back & 0x8000, what + " must keep its sign");
            } else {
                assertEquals(b, back & 0xffff, what);
            }
        }
    }

    @Test
    void f16_allPatternsRoundTripThroughF32() {
        for (int h = 0; h < 65536; h++) {
            short back = DType.f32ToF16(DType.f16ToF32((short) h));
            String what = "f16 0x" + Integer.toHexString(h) + " -> f32 -> f16 0x" + Integer.toHexString(back & 0xffff);
            if (Double.isNaN(decodeF16(h))) assertTrue(Double.isNaN(decodeF16(back & 0xffff)), what + " must stay NaN");
            else assertEquals(h, back & 0xffff, what);
        }
    }

    // ---------------------------------------------------------------- scalar f32 → 16 bits against BigDecimal

    /**
     * f32 values that exercise rounding: every bf16 and f16 value, the exact midpoints between neighbours (ties),
     * one f32 ulp either side of each midpoint, f32 subnormals, ±0, ±∞, NaNs, values around the largest finite
     * bf16/f16 and random bit patterns.
     */
    static float[] roundingCandidates() { return CANDIDATES.clone(); }

    private static final float[] CANDIDATES = makeRoundingCandidates();

    private static float[] makeRoundingCandidates() {
        IntStream.Builder bits = IntStream.builder();
        for (int b = 0; b < 65536; b++) {
            int f = b << 16;
            for (int d : new int[] { 0, 1, -1, 0x7fff, 0x8000, 0x8001 }) bits.add(f + d);
        }
        for (int h = 0; h < 65535; h++) {
            if ((h & 0x7fff) >= 0x7c00 || (h & 0x7fff) == 0x7bff) continue;   // no next finite value to tie with
            float lo = DType.f16ToF32((short) h), hi = DType.f16ToF32((short) (h + 1));
            float mid = (float) ((lo + (double) hi) / 2);                      // exact: f16 neighbours differ by 2^k
            int m = Float.floatToRawIntBits(mid);
            bits.add(Float.floatToRawIntBits(lo)).add(m).add(m + 1).add(m - 1);
        }
        for (float special : new float[] { 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
                65504f, 65519.996f, 65520f, -65520f, 65536f, 1e5f, 3.3895314e38f, 3.3961776e38f, 5.9604645e-8f,
                2.9802322e-8f, 2.9802326e-8f, 6.1035156e-5f, 6.1028e-5f })
            bits.add(Float.floatToRawIntBits(special));
        for (int nan : new int[] { 0x7f800001, 0x7fc00000, 0xffc00001, 0x7fffffff, 0x7f80ffff, 0xff800001 })
            bits.add(nan);
        SplittableRandom rng = new SplittableRandom(20250711);
        for (int i = 0; i < 200_000; i++) bits.add(rng.nextInt());
        for (int i = 0; i < 20_000; i++) bits.add(rng.nextInt(0x0080_0000) | (i % 2 == 0 ? 0 : 0x8000_0000));
        return toFloats(bits.build().toArray());
    }

    private static float[] toFloats(int[] bits) {
        float[] f = new float[bits.length];
        for (int i = 0; i < bits.length; i++) f[i] = Float.intBitsToFloat(bits[i]);
        return f;
    }

    /**
     * Checks a scalar f32 → 16-bit conversion on every candidate against two independent roundings:
     * {@link Reference#round} (scaling to an integer quantum and {@link Math#rint}) and {@link Reference#roundExact}
     * ({@link BigDecimal}, {@code HALF_EVEN}).
     */
    private static void checkRounding(DType dtype, IntUnaryOperator convert) {
        float[] values = roundingCandidates();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            int got = convert.applyAsInt(Float.floatToRawIntBits(v)) & 0xffff;
            double value = dtype == BF16 ? decodeBf16(got) : decodeF16(got);
            String what = "f32 " + v + " (0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ") -> " + dtype
                    + " 0x" + Integer.toHexString(got);
            if (Float.isNaN(v)) {
                assertTrue(Double.isNaN(value), what + " must be NaN");
                continue;
            }
            double expected = Reference.round(v, dtype);
            if (expected == 0) expected = Math.copySign(0.0, v);
            assertSameValue(expected, (float) value, what);
            if (Float.isFinite(v)) {
                double exact = Reference.roundExact(new BigDecimal(v), dtype);
                assertSameValue(exact == 0 ? Math.copySign(0.0, v) : exact, (float) value, what + " (BigDecimal)");
            }
        }
    }

    @Test
    void f32ToBf16_roundsToNearestEven() {
        checkRounding(BF16, bits -> DType.f32ToBf16(Float.intBitsToFloat(bits)));
    }

    @Test
    void f32ToF16_roundsToNearestEven() {
        checkRounding(F16, bits -> DType.f32ToF16(Float.intBitsToFloat(bits)));
    }

    @Test
    void round_matchesTheBitConversions() {
        for (float v : roundingCandidates()) {
            if (Float.isNaN(v)) continue;
            assertSameValue(DType.bf16ToF32(DType.f32ToBf16(v)), DType.BF16.round(v), "BF16.round(" + v + ")");
            assertSameValue(DType.f16ToF32(DType.f32ToF16(v)), DType.F16.round(v), "F16.round(" + v + ")");
            assertSameValue(v, DType.F32.round(v), "F32.round(" + v + ")");
        }
    }

    // ---------------------------------------------------------------- bulk convert on every backend

    static Stream<Arguments> everyBackend() { return TestBackends.all().stream().map(b -> Arguments.of(b.name())); }

    private static Backend backend(String name) {
        return TestBackends.all().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    /** All 65536 patterns of a 16-bit dtype as a tensor {@code [65536]}. */
    private static Tensor allPatterns(Fixtures f, DType dtype) {
        Tensor t = Tensor.allocate(dtype, Shape.of(65536), f.arena());
        for (int i = 0; i < 65536; i++) t.data().set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, (short) i);
        return f.place(t);
    }

    /**
     * Converts {@code x} into {@code out} on the backend, twice: as one flat tensor (the vectorised path), and as a
     * {@code [rows, 13]} column slice of a 19-wide buffer (short strided rows: vector tails). Returns both results.
     */
    private static float[][] convertBothLayouts(Backend backend, Fixtures f, Tensor x, DType outType) {
        Ops ops = new Ops(backend, null);
        Tensor out = f.zeros(outType, x.shape());
        ops.convert(out, x);
        float[] flat = f.download(out);

        int n = Math.toIntExact(x.numel()), rows = (n + 12) / 13;
        float[] hx = f.host(x).toFloatArray();
        Tensor wide = f.filled(x.dtype(), Shape.of(rows, 19), i -> {
            long r = i / 19, c = i % 19 - 3;
            return c >= 0 && c < 13 && r * 13 + c < n ? hx[(int) (r * 13 + c)] : 7;
        });
        Tensor strided = wide.columns(3, 13);
        Tensor out2 = f.zeros(outType, Shape.of(rows, 13));
        ops.convert(out2, strided);
        float[] slice = Arrays.copyOf(f.download(out2), n);
        return new float[][] { flat, slice };
    }

    private static void assertBitsMatch(float[] expected, float[][] actual, String what) {
        for (int layout = 0; layout < actual.length; layout++)
            for (int i = 0; i < expected.length; i++) {
                float e = expected[i], a = actual[layout][i];
                boolean ok = Float.isNaN(e) ? Float.isNaN(a) : Float.floatToRawIntBits(e) == Float.floatToRawIntBits(a);
                if (!ok)
                    fail(what + (layout == 0 ? " (flat)" : " (strided rows)") + ": element " + i + " expected " + e
                            + " (0x" + Integer.toHexString(Float.floatToRawIntBits(e)) + "), got " + a + " (0x"
                            + Integer.toHexString(Float.floatToRawIntBits(a)) + ")");
            }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void convert_all16BitPatternsMatchScalarConversions(String name) {
        Backend b = backend(name);
        DType[][] pairs = { { BF16, F32 }, { F16, F32 }, { BF16, F16 }, { F16, BF16 }, { BF16, BF16 }, { F16, F16 } };
        for (DType[] p : pairs) {
            DType from = p[0], to = p[1];
            Parity.requireSupport(b, Op.CONVERT, to);
            try (Arena arena = Arena.ofShared()) {
                Fixtures f = Fixtures.on(b, arena, 0, false);
                Tensor x = allPatterns(f, from);
                float[] expected = new float[65536];
                for (int i = 0; i < 65536; i++) {
                    float v = from == BF16 ? DType.bf16ToF32((short) i) : DType.f16ToF32((short) i);
                    expected[i] = to.round(v);
                }
                assertBitsMatch(expected, convertBothLayouts(b, f, x, to), "convert " + from + " -> " + to + " on " + name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void convert_f32ValuesRoundLikeScalarConversions(String name) {
        Backend b = backend(name);
        float[] values = roundingCandidates();
        for (DType to : new DType[] { BF16, F16, F32 }) {
            Parity.requireSupport(b, Op.CONVERT, to);
            try (Arena arena = Arena.ofShared()) {
                Fixtures f = Fixtures.on(b, arena, 0, false);
                Tensor x = f.filled(F32, Shape.of(values.length), i -> values[(int) i]);
                float[] expected = new float[values.length];
                for (int i = 0; i < values.length; i++) expected[i] = to.round(values[i]);
                assertBitsMatch(expected, convertBothLayouts(b, f, x, to), "convert f32 -> " + to + " on " + name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void convert_integersToF32RoundToNearestEven(String name) {
        Backend b = backend(name);
        Parity.requireSupport(b, Op.CONVERT, F32);
        SplittableRandom rng = new SplittableRandom(7);
        long[] i64 = integerCandidates(rng, true);
        long[] i32 = integerCandidates(rng, false);
        for (DType from : new DType[] { DType.I32, DType.I64 }) {
            long[] ids = from == DType.I32 ? i32 : i64;
            try (Arena arena = Arena.ofShared()) {
                Fixtures f = Fixtures.on(b, arena, 0, false);
                Tensor x = f.ids(from, ids);
                Tensor out = f.zeros(F32, x.shape());
                new Ops(b, null).convert(out, x);
                float[] got = f.download(out);
                for (int i = 0; i < ids.length; i++)
                    assertSameValue(Reference.roundExact(BigDecimal.valueOf(ids[i]), F32), got[i],
                            "convert " + from + " " + ids[i] + " -> f32 on " + name);
            }
        }
    }

    /** Integers around the f32 precision limits (2^24 and above: ties and near-ties) and random ones. */
    private static long[] integerCandidates(SplittableRandom rng, boolean wide) {
        LongStream.Builder s = LongStream.builder();
        for (long base : new long[] { 0, 1, 1L << 24, (1L << 24) + 1, (1L << 24) + 3, (1L << 25) + 2, (1L << 25) + 6,
                Integer.MAX_VALUE, Integer.MAX_VALUE - 64, -(long) Integer.MIN_VALUE - 1 })
            s.add(base).add(-base);
        s.add(Integer.MIN_VALUE);
        if (wide)
            for (long base : new long[] { Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, (1L << 40) + (1L << 16),
                    (1L << 40) + (1L << 16) + 1, (1L << 62) + (1L << 38) })
                s.add(base);
        for (int i = 0; i < 2000; i++) s.add(wide ? rng.nextLong() : rng.nextInt());
        return s.build().toArray();
    }
}
