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

/** {@code matmul-prefill}: bf16 {@code x [512, 4096]} times bf16 weights {@code [4096, 4096]}ᵀ, compute-bound. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatmulPrefillBench extends OpBench {
    public static final int M = 512, K = 4096, N = 4096;

    private Tensor x, w, out;

    @Setup(Level.Trial)
    public void setup() {
        open(Op.MATMUL, DType.BF16);
        x = random(DType.BF16, Shape.of(M, K), -1f, 1f);
        w = random(DType.BF16, Shape.of(N, K), -0.05f, 0.05f);
        out = zeros(DType.BF16, Shape.of(M, N));
    }

    @Benchmark
    public void run() {
        ops.matmul(out, x, w, null);
        ops.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            requireFinite("matmul-prefill", out);
        } finally {
            close();
        }
    }

    /** {@code 2·M·N·K}. */
    public static double flops() { return 2.0 * M * N * K; }
}
