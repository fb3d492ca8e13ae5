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

/** {@code attention-prefill}: causal GQA attention of 2048 bf16 tokens, 32 query / 2 kv heads of 128, compute-bound. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttentionPrefillBench extends OpBench {
    public static final int TOKENS = 2048, HEADS = 32, KV_HEADS = 2, HEAD_DIM = 128;

    private Tensor q, k, v, out;
    private AttentionSpec spec;

    @Setup(Level.Trial)
    public void setup() {
        open(Op.ATTENTION, DType.BF16);
        q = random(DType.BF16, Shape.of(TOKENS, HEADS, HEAD_DIM), -1f, 1f);
        k = random(DType.BF16, Shape.of(TOKENS, KV_HEADS, HEAD_DIM), -1f, 1f);
        v = random(DType.BF16, Shape.of(TOKENS, KV_HEADS, HEAD_DIM), -1f, 1f);
        out = zeros(DType.BF16, Shape.of(TOKENS, HEADS, HEAD_DIM));
        spec = AttentionSpec.causal(HEAD_DIM, HEADS / KV_HEADS, 0);
    }

    @Benchmark
    public void run() {
        ops.attention(out, q, k, v, spec);
        ops.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            requireFinite("attention-prefill", out);
        } finally {
            close();
        }
    }

    /** q·kᵀ and p·v over the causal triangle: {@code 2·2·H·D·L(L+1)/2}. */
    public static double flops() { return 2.0 * 2.0 * HEADS * HEAD_DIM * (TOKENS * (TOKENS + 1.0) / 2.0); }
}
