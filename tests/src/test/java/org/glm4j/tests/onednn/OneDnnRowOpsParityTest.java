package org.glm4j.tests.onednn;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The row-wise ops on {@code onednn} (oneDNN primitives where they have a JIT kernel, the Vector API kernels
 * otherwise) against {@code jvm}: odd and real widths, f32/bf16 in and out, dense and strided rows, broadcast.
 *
 * <p>Tolerance: f32 outputs 1e-5 absolute + 1e-4 relative (oneDNN evaluates exp and erf with polynomials accurate to
 * a few ulp; the reference uses double-precision exp/erf); bf16 outputs one bf16 step (2⁻⁷ relative) plus 1e-5.
 */
class OneDnnRowOpsParityTest {
    private static OneDnnBackend onednn;
    private static JvmBackend jvm;

    @BeforeAll static void open() {
        onednn = OneDnnTesting.open();
        jvm = new JvmBackend(2);
    }

    @AfterAll static void close() {
        if (onednn != null) onednn.close();
        if (jvm != null) jvm.close();
    }

    static Stream<Arguments> cases() {
        int[][] shapes = { { 1, 1 }, { 1, 7 }, { 3, 33 }, { 5, 64 }, { 17, 1536 }, { 2, 4096 }, { 1, 151552 } };
        List<Arguments> list = new ArrayList<>();
        for (int[] s : shapes)
            for (DType in : new DType[] { DType.F32, DType.BF16 })
                for (DType out : new DType[] { DType.F32, DType.BF16 })
                    for (boolean strided : new boolean[] { false, true })
                        list.add(Arguments.of(s[0], s[1], in, out, strided));
        return list.stream();
    }

    private static Tensor input(DType dt, int rows, int cols, boolean strided, SplittableRandom rng, Arena arena, float scale) {
        Tensor wide = Tensor.allocate(dt, Shape.of(rows, cols + (strided ? 3 : 0)), arena);
        for (long i = 0; i < wide.numel(); i++) wide.setFloat(i, (float) ((rng.nextDouble() * 2 - 1) * scale));
        return strided ? wide.columns(1, cols) : wide;
    }

    private static void compare(Tensor expected, Tensor actual, String what) {
        boolean bf16 = actual.dtype() == DType.BF16;
        OneDnnTesting.assertClose(expected, actual, 1e-5, bf16 ? 1.0 / 128 : 1e-4, null, what);
    }

    @ParameterizedTest(name = "{0}x{1} {2}->{3} strided={4}")
    @MethodSource("cases")
    void unary_matchesJvm(int rows, int cols, DType in, DType od, boolean strided) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(rows * 31L + cols);
            Tensor x = input(in, rows, cols, strided, rng, arena, 6f);
            for (Unary fn : Unary.values()) {
                Tensor e = Tensor.allocate(od, Shape.of(rows, cols), arena), a = Tensor.allocate(od, Shape.of(rows, cols), arena);
                new Ops(jvm, null).unary(e, x, fn);
                new Ops(onednn, null).unary(a, x, fn);
                compare(e, a, fn + " " + x + "->" + od);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1} {2}->{3} strided={4}")
    @MethodSource("cases")
    void binary_matchesJvm(int rows, int cols, DType in, DType od, boolean strided) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(rows * 37L + cols);
            Tensor a = input(in, rows, cols, strided, rng, arena, 3f);
            Tensor full = input(od, rows, cols, false, rng, arena, 3f);
            Tensor row = input(DType.F32, 1, cols, false, rng, arena, 3f).view(cols);
            for (Binary fn : Binary.values())
                for (Tensor b : new Tensor[] { full, row }) {
                    Tensor e = Tensor.allocate(od, Shape.of(rows, cols), arena), r = Tensor.allocate(od, Shape.of(rows, cols), arena);
                    new Ops(jvm, null).binary(e, a, b, fn);
                    new Ops(onednn, null).binary(r, a, b, fn);
                    compare(e, r, fn + " " + a + " " + b + "->" + od);
                }
        }
    }

    @ParameterizedTest(name = "{0}x{1} {2}->{3} strided={4}")
    @MethodSource("cases")
    void softmax_matchesJvm(int rows, int cols, DType in, DType od, boolean strided) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(rows * 41L + cols);
            Tensor x = input(in, rows, cols, strided, rng, arena, 8f);
            Tensor e = Tensor.allocate(od, Shape.of(rows, cols), arena), a = Tensor.allocate(od, Shape.of(rows, cols), arena);
            new Ops(jvm, null).softmax(e, x);
            new Ops(onednn, null).softmax(a, x);
            compare(e, a, "softmax " + x + "->" + od);
        }
    }

    @ParameterizedTest(name = "{0}x{1} {2}->{3} strided={4}")
    @MethodSource("cases")
    void layerNorm_matchesJvm(int rows, int cols, DType in, DType od, boolean strided) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(rows * 43L + cols);
            Tensor x = input(in, rows, cols, strided, rng, arena, 4f);
            for (DType wd : new DType[] { DType.F32, DType.BF16 }) {
                Tensor w = input(wd, 1, cols, false, rng, arena, 2f).view(cols), b = input(wd, 1, cols, false, rng, arena, 1f).view(cols);
                Tensor e = Tensor.allocate(od, Shape.of(rows, cols), arena), a = Tensor.allocate(od, Shape.of(rows, cols), arena);
                new Ops(jvm, null).layerNorm(e, x, w, b, 1e-5f);
                new Ops(onednn, null).layerNorm(a, x, w, b, 1e-5f);
                compare(e, a, "layerNorm " + x + " w=" + w + "->" + od);
            }
        }
    }
}
