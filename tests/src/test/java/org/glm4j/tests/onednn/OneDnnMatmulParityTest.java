package org.glm4j.tests.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * matmul and conv on {@code onednn} against {@code jvm}: odd and real shapes, f32 and bf16 weights and activations,
 * with and without bias, strided inputs, and the weight cache's behaviour.
 *
 * <p>Tolerance: the two backends sum the K products in different orders, so each element may differ by a small
 * multiple of f32's epsilon times {@code Σ_k |x·w|} (the reduction's condition); outputs rounded to bf16 may
 * differ by one bf16 step (at most 2⁻⁷ relative) on top.
 */
class OneDnnMatmulParityTest {
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
        int[][] shapes = { { 1, 1, 1 }, { 1, 7, 5 }, { 1, 300, 257 }, { 3, 17, 33 }, { 7, 64, 48 }, { 16, 256, 129 }, { 65, 300, 257 },
                { 1, 4096, 512 }, { 64, 1536, 1536 } };
        List<Arguments> list = new ArrayList<>();
        for (int[] s : shapes)
            for (DType w : new DType[] { DType.F32, DType.BF16 })
                for (DType x : new DType[] { DType.F32, DType.BF16 })
                    for (DType out : new DType[] { DType.F32, DType.BF16 })
                        for (DType bias : new DType[] { null, DType.F32, DType.BF16 })
                            if (s[1] <= 300 || (bias == DType.F32 && x == out))
                                list.add(Arguments.of(s[0], s[1], s[2], x, w, out, bias));
        return list.stream();
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} x={3} w={4} out={5} bias={6}")
    @MethodSource("cases")
    void matmul_matchesJvm(int m, int k, int n, DType xd, DType wd, DType od, DType bd) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(42 + m * 31L + k * 7L + n);
            Tensor x = OneDnnTesting.random(xd, Shape.of(m, k), rng, arena);
            Tensor w = OneDnnTesting.random(wd, Shape.of(n, k), rng, arena);
            Tensor bias = bd == null ? null : OneDnnTesting.random(bd, Shape.of(n), rng, arena);
            check(x, w, bias, od, arena, "matmul");
        }
    }

    private static void check(Tensor x, Tensor w, Tensor bias, DType od, Arena arena, String what) {
        int m = Math.toIntExact(x.rowCount()), k = x.dim(-1), n = w.dim(0);
        Tensor expected = Tensor.allocate(od, Shape.of(m, n), arena);
        Tensor actual = Tensor.allocate(od, Shape.of(m, n), arena);
        new Ops(jvm, null).matmul(expected, x, w, bias);
        new Ops(onednn, null).matmul(actual, x, w, bias);
        double[] bound = reductionBound(x, w, 4e-6);
        double rtol = od == DType.BF16 ? 1.0 / 128 : 1e-6;
        OneDnnTesting.assertClose(expected, actual, 1e-6, rtol, bound, what + " x=" + x + " w=" + w + " bias=" + bias + " out=" + od);
    }

    /** {@code c·Σ_k |x[i,k]·w[j,k]|} per output element. */
    private static double[] reductionBound(Tensor x, Tensor w, double c) {
        int m = Math.toIntExact(x.rowCount()), k = x.dim(-1), n = w.dim(0);
        float[] xs = x.toFloatArray(), ws = w.toFloatArray();
        double[] b = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) s += Math.abs((double) xs[i * k + q] * ws[j * k + q]);
                b[i * n + j] = c * s;
            }
        return b;
    }

    /**
     * Decode (one bf16 row over packed bf16 weights) runs the Vector API kernel, which reads 8 N-blocks of 32
     * columns side by side: N below one block, not a multiple of 32, fewer blocks than streams, block counts one
     * under and one over a multiple of 8, and K that is not a multiple of the 32-input K-blocks or the 16-lane vectors
     * (oneDNN zero-pads the packed weights, the kernel its widened input). For odd K and for some K below 64 oneDNN
     * picks another blocking, which goes to its primitive; the general cases above cover those.
     */
    @ParameterizedTest(name = "K={0} N={1}")
    @MethodSource("decodeCases")
    void decode_packedKernelMatchesJvm(int k, int n) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(5 + k * 7L + n);
            Tensor x = OneDnnTesting.random(DType.BF16, Shape.of(1, k), rng, arena);
            Tensor w = OneDnnTesting.random(DType.BF16, Shape.of(n, k), rng, arena);
            Tensor bias = OneDnnTesting.random(DType.F32, Shape.of(n), rng, arena);
            long before = onednn.gemvCalls()[0];
            check(x, w, bias, DType.F32, arena, "decode");
            check(x, w, null, DType.BF16, arena, "decode");
            assertEquals(before + 2, onednn.gemvCalls()[0], "both products ran the packed decode kernel");
        }
    }

    static Stream<Arguments> decodeCases() {
        int[][] shapes = { { 100, 1 }, { 66, 37 }, { 98, 63 }, { 100, 33 }, { 64, 255 }, { 1000, 256 }, { 1000, 257 },
                { 1030, 32 * 8 * 3 - 32 + 5 }, { 2048, 32 * 8 * 5 + 32 }, { 4096, 4608 } };
        return Stream.of(shapes).map(s -> Arguments.of(s[0], s[1]));
    }

    /**
     * A memory-mapped weight larger than one packing slice is reordered slice by slice (whole N-blocks, the last one
     * partial), releasing each slice's pages: decode and prefill on it still match, and the packed copy is one.
     */
    @Test
    void mappedWeight_packedInSlicesMatchesJvm(@TempDir Path tmp) throws Exception {
        int k = 4096, n = 1100;                                       // 8.6 MiB: a full 1024-column slice and a tail of 76
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(31);
            Tensor src = OneDnnTesting.random(DType.BF16, Shape.of(n, k), rng, arena);
            Path file = tmp.resolve("w.bin");
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(src.data().asSlice(src.byteOffset(), 2L * n * k).asByteBuffer());
            }
            Tensor w = Tensor.map(file, 0, DType.BF16, Shape.of(n, k), arena);
            long before = onednn.packedWeightBytes();
            for (int m : new int[] { 1, 5 }) {
                Tensor x = OneDnnTesting.random(DType.BF16, Shape.of(m, k), rng, arena);
                check(x, w, null, DType.F32, arena, "mapped, M=" + m);
            }
            long grown = onednn.packedWeightBytes() - before;
            assertTrue(grown <= 2L * (n + 32) * (k + 32), "at most one packed copy, grew by " + grown + " bytes");
        }
    }

    @Test
    void matmul_stridedAndRank3Inputs() {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(7);
            Tensor fused = OneDnnTesting.random(DType.BF16, Shape.of(9, 3 * 96), rng, arena);
            Tensor x = fused.columns(96, 96);                       // the middle third: rows of stride 288
            Tensor w = OneDnnTesting.random(DType.BF16, Shape.of(40, 96), rng, arena);
            check(x, w, null, DType.BF16, arena, "strided x");
            Tensor x3 = OneDnnTesting.random(DType.F32, Shape.of(2, 5, 96), rng, arena);
            Tensor expected = Tensor.allocate(DType.F32, Shape.of(2, 5, 40), arena);
            Tensor actual = Tensor.allocate(DType.F32, Shape.of(2, 5, 40), arena);
            new Ops(jvm, null).matmul(expected, x3, w, null);
            new Ops(onednn, null).matmul(actual, x3, w, null);
            OneDnnTesting.assertClose(expected, actual, 1e-5, 1e-5, null, "rank-3 x");
            Tensor wide = Tensor.allocate(DType.F32, Shape.of(10, 100), arena);
            Tensor out = wide.columns(30, 40);                      // strided output rows
            Tensor x2 = OneDnnTesting.random(DType.F32, Shape.of(10, 96), rng, arena);
            Tensor ref = Tensor.allocate(DType.F32, Shape.of(10, 40), arena);
            new Ops(jvm, null).matmul(ref, x2, w, null);
            new Ops(onednn, null).matmul(out, x2, w, null);
            OneDnnTesting.assertClose(ref, out, 1e-5, 1e-5, null, "strided out");
            assertEquals(0f, wide.getFloat(29), "columns left of the output view stay untouched");
            assertEquals(0f, wide.getFloat(70), "columns right of the output view stay untouched");
        }
    }

    @Test
    void matmul_packsEachWeightOnceAcrossRowCounts() {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(11);
            Tensor w = OneDnnTesting.random(DType.BF16, Shape.of(256, 512), rng, arena);
            long before = onednn.packedWeightBytes();
            for (int m : new int[] { 1, 3, 64, 200, 1 }) {
                Tensor x = OneDnnTesting.random(DType.BF16, Shape.of(m, 512), rng, arena);
                check(x, w, null, DType.F32, arena, "M=" + m);
            }
            long grown = onednn.packedWeightBytes() - before;
            assertTrue(grown <= 256 * 512 * 2 + 4096, "one packed copy of a 256 KiB weight, grew by " + grown + " bytes");
        }
    }

    @Test
    void matmul_reusedWeightMemoryWithNewContentsIsRepacked() {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(13);
            Tensor w = OneDnnTesting.random(DType.F32, Shape.of(64, 128), rng, arena);
            Tensor x = OneDnnTesting.random(DType.F32, Shape.of(4, 128), rng, arena);
            check(x, w, null, DType.F32, arena, "first contents");
            for (long i = 0; i < w.numel(); i++) w.setFloat(i, (float) (rng.nextDouble() - 0.5));
            check(x, w, null, DType.F32, arena, "rewritten contents");
        }
    }

    /** A repeated step (same shapes) creates its primitives once: nothing is rebuilt per call. */
    @Test
    void repeatedStep_createsNoNewPrimitives() {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(29);
            Tensor w = OneDnnTesting.random(DType.BF16, Shape.of(64, 128), rng, arena);
            Tensor x = OneDnnTesting.random(DType.BF16, Shape.of(24, 128), rng, arena);
            Tensor y = Tensor.allocate(DType.BF16, Shape.of(24, 64), arena);
            Tensor g = OneDnnTesting.random(DType.F32, Shape.of(64), rng, arena), b = OneDnnTesting.random(DType.F32, Shape.of(64), rng, arena);
            Tensor q = OneDnnTesting.random(DType.BF16, Shape.of(24, 4, 32), rng, arena), k = OneDnnTesting.random(DType.BF16, Shape.of(24, 2, 32), rng, arena);
            Tensor o = Tensor.allocate(DType.BF16, Shape.of(24, 4, 32), arena);
            Ops ops = new Ops(onednn, null);
            Runnable step = () -> {
                ops.matmul(y, x, w, null);
                ops.layerNorm(y, y, g, b, 1e-5f);
                ops.softmax(y, y);
                ops.unary(y, y, org.glm4j.core.backend.Unary.GELU);
                ops.attention(o, q, k, k, org.glm4j.core.backend.AttentionSpec.causal(32, 2, 0));
            };
            step.run();
            long created = onednn.primitiveCacheStats()[1];
            for (int i = 0; i < 5; i++) step.run();
            assertEquals(created, onednn.primitiveCacheStats()[1], "primitives created after the first step");
        }
    }

    /** Four threads share the backend, the weights and the caches; each gets its own correct results. */
    @Test
    void matmul_concurrentCallersGetCorrectResults() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(23);
            Tensor w = OneDnnTesting.random(DType.BF16, Shape.of(96, 128), rng, arena);
            int threads = 4, iterations = 25;
            Tensor[] xs = new Tensor[threads], expected = new Tensor[threads];
            for (int t = 0; t < threads; t++) {
                xs[t] = OneDnnTesting.random(DType.BF16, Shape.of(1 + 5 * t, 128), rng, arena);
                expected[t] = Tensor.allocate(DType.F32, Shape.of(1 + 5 * t, 96), arena);
                new Ops(jvm, null).matmul(expected[t], xs[t], w, null);
            }
            var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    futures.add(pool.submit(() -> {
                        Tensor out = Tensor.allocate(DType.F32, Shape.of(1 + 5 * id, 96), arena);
                        for (int i = 0; i < iterations; i++) {
                            new Ops(onednn, null).matmul(out, xs[id], w, null);
                            OneDnnTesting.assertClose(expected[id], out, 1e-4, 1e-5, null, "thread " + id + " iteration " + i);
                        }
                        return null;
                    }));
                }
                for (var f : futures) f.get();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Many shapes through a cache of 4: it stays bounded, and evicting primitives never disturbs results. */
    @Test
    void primitiveCache_staysBoundedAndCorrect() {
        String old = System.getProperty(OneDnnBackend.CACHE_PROPERTY);
        System.setProperty(OneDnnBackend.CACHE_PROPERTY, "4");
        try (OneDnnBackend small = new OneDnnBackend(2); Arena arena = Arena.ofShared()) {
            assertEquals(4, small.primitiveCacheSize()[1]);
            var rng = new SplittableRandom(19);
            Tensor w = OneDnnTesting.random(DType.BF16, Shape.of(48, 64), rng, arena);
            for (int m = 1; m <= 12; m++) {
                Tensor x = OneDnnTesting.random(DType.BF16, Shape.of(m, 64), rng, arena);
                Tensor expected = Tensor.allocate(DType.F32, Shape.of(m, 48), arena), actual = Tensor.allocate(DType.F32, Shape.of(m, 48), arena);
                new Ops(jvm, null).matmul(expected, x, w, null);
                new Ops(small, null).matmul(actual, x, w, null);
                OneDnnTesting.assertClose(expected, actual, 1e-4, 1e-5, null, "M=" + m + " through a cache of 4");
                assertTrue(small.primitiveCacheSize()[0] <= 4, "cache holds " + small.primitiveCacheSize()[0] + " primitives");
            }
        } finally {
            if (old == null) System.clearProperty(OneDnnBackend.CACHE_PROPERTY);
            else System.setProperty(OneDnnBackend.CACHE_PROPERTY, old);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("convCases")
    void conv_matchesJvm(ConvSpec.Layout layout, DType dtype) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(17);
            // The vision tower's shapes, shrunk: 3-D patch embedding (channels-first) and 2x2 merge (channels-last).
            ConvSpec spec = layout == ConvSpec.Layout.CHANNELS_FIRST
                    ? new ConvSpec(3, new int[] { 2, 14, 14 }, layout) : new ConvSpec(48, new int[] { 2, 2 }, layout);
            int outCh = 40, m = 13;
            Tensor w = OneDnnTesting.random(dtype, weightShape(outCh, spec), rng, arena);
            Tensor x = layout == ConvSpec.Layout.CHANNELS_FIRST
                    ? OneDnnTesting.random(dtype, Shape.of(m, spec.windowSize()), rng, arena)
                    : OneDnnTesting.random(dtype, Shape.of(m * spec.windowPositions(), spec.inChannels()), rng, arena);
            Tensor bias = OneDnnTesting.random(dtype, Shape.of(outCh), rng, arena);
            Tensor expected = Tensor.allocate(dtype, Shape.of(m, outCh), arena);
            Tensor actual = Tensor.allocate(dtype, Shape.of(m, outCh), arena);
            new Ops(jvm, null).conv(expected, x, w, bias, spec);
            new Ops(onednn, null).conv(actual, x, w, bias, spec);
            double rtol = dtype == DType.BF16 ? 1.0 / 128 : 1e-5;
            OneDnnTesting.assertClose(expected, actual, 1e-4, rtol, null, "conv " + spec + " " + dtype);
        }
    }

    private static Shape weightShape(int outCh, ConvSpec spec) {
        int[] k = spec.kernel();
        int[] dims = new int[2 + k.length];
        dims[0] = outCh;
        dims[1] = spec.inChannels();
        System.arraycopy(k, 0, dims, 2, k.length);
        return Shape.of(dims);
    }

    static Stream<Arguments> convCases() {
        return Stream.of(ConvSpec.Layout.values()).flatMap(l -> Stream.of(DType.F32, DType.BF16).map(d -> Arguments.of(l, d)));
    }
}
