package org.glm4j.bench.ops;

import java.util.concurrent.TimeUnit;
import org.glm4j.core.backend.Op;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code matmul-decode}: one bf16 token {@code x [1, 4096]} times bf16 weights {@code [13696, 4096]}ᵀ (the MLP's
 * gate or up projection), bound by reading the weights; the weights rotate (see {@link OpBench}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatmulDecodeBench extends OpBench {
    public static final int M = 1, K = 4096, N = 13696;

    private Tensor x, out;
    private Tensor[] w;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        open(Op.MATMUL, DType.BF16);
        x = random(DType.BF16, Shape.of(M, K), -1f, 1f);
        w = randomCopies(copies(rotatedBytesPerCopy()), DType.BF16, Shape.of(N, K), -0.05f, 0.05f);
        out = zeros(DType.BF16, Shape.of(M, N));
    }

    @Benchmark
    public void run() {
        Tensor weights = w[next];
        next = next + 1 == w.length ? 0 : next + 1;
        ops.matmul(out, x, weights, null);
        ops.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            requireFinite("matmul-decode", out);
        } finally {
            close();
        }
    }

    /** Bytes one call must read or write: the weights, plus x and out. */
    public static double bytes() { return 2.0 * N * K + 2.0 * M * K + 2.0 * M * N; }

    /** Bytes one rotated copy spans. */
    public static long rotatedBytesPerCopy() { return 2L * N * K; }

    /** {@code 2·M·N·K}. */
    public static double flops() { return 2.0 * M * N * K; }
}
