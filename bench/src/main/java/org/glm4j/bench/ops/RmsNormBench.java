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

/** {@code rmsnorm}: RMSNorm of bf16 {@code x [512, 4096]} with a bf16 weight into bf16 {@code out}; x and out rotate. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RmsNormBench extends OpBench {
    public static final int ROWS = 512, HIDDEN = 4096;
    public static final float EPS = 1e-5f;

    private Tensor weight;
    private Tensor[] x, out;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        open(Op.RMS_NORM, DType.BF16);
        int n = copies(rotatedBytesPerCopy());
        weight = random(DType.BF16, Shape.of(HIDDEN), 0.5f, 1.5f);
        x = randomCopies(n, DType.BF16, Shape.of(ROWS, HIDDEN), -2f, 2f);
        out = new Tensor[n];
        for (int i = 0; i < n; i++) out[i] = zeros(DType.BF16, Shape.of(ROWS, HIDDEN));
    }

    @Benchmark
    public void run() {
        int i = next;
        next = next + 1 == x.length ? 0 : next + 1;
        ops.rmsNorm(out[i], x[i], weight, EPS);
        ops.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            requireFinite("rmsnorm", out[(next + out.length - 1) % out.length]);   // the last one written
        } finally {
            close();
        }
    }

    /** Bytes one call must read or write: x and out (the weight row is counted too, though it stays cached). */
    public static double bytes() { return 2.0 * 2.0 * ROWS * HIDDEN + 2.0 * HIDDEN; }

    /** Bytes one rotated copy (x and out) spans. */
    public static long rotatedBytesPerCopy() { return 2L * 2 * ROWS * HIDDEN; }
}
