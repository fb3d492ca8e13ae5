package org.glm4j.bench.ops;

import java.util.concurrent.TimeUnit;
import org.glm4j.core.backend.AttentionSpec;
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
 * {@code attention-decode}: one bf16 query (32 heads of 128) over 65536 cached bf16 keys and values (2 kv heads),
 * bound by reading the KV cache; K and V rotate (see {@link OpBench}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttentionDecodeBench extends OpBench {
    public static final int CACHED = 65_536, HEADS = 32, KV_HEADS = 2, HEAD_DIM = 128;

    private Tensor q, out;
    private Tensor[] k, v;
    private AttentionSpec spec;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        open(Op.ATTENTION, DType.BF16);
        int n = copies(rotatedBytesPerCopy());
        q = random(DType.BF16, Shape.of(1, HEADS, HEAD_DIM), -1f, 1f);
        k = randomCopies(n, DType.BF16, Shape.of(CACHED, KV_HEADS, HEAD_DIM), -1f, 1f);
        v = randomCopies(n, DType.BF16, Shape.of(CACHED, KV_HEADS, HEAD_DIM), -1f, 1f);
        out = zeros(DType.BF16, Shape.of(1, HEADS, HEAD_DIM));
        spec = AttentionSpec.causal(HEAD_DIM, HEADS / KV_HEADS, CACHED - 1);
    }

    @Benchmark
    public void run() {
        int i = next;
        next = next + 1 == k.length ? 0 : next + 1;
        ops.attention(out, q, k[i], v[i], spec);
        ops.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            requireFinite("attention-decode", out);
        } finally {
            close();
        }
    }

    /** Bytes of K and V one call must read (q and out, 16 KiB together, are left out). */
    public static double kvBytes() { return 2.0 * 2.0 * CACHED * KV_HEADS * HEAD_DIM; }

    /** Bytes one rotated copy (K and V) spans. */
    public static long rotatedBytesPerCopy() { return (long) kvBytes(); }
}
