package org.glm4j.bench;

import java.util.List;
import java.util.Set;
import org.glm4j.bench.ops.AttentionDecodeBench;
import org.glm4j.bench.ops.AttentionPrefillBench;
import org.glm4j.bench.ops.MatmulDecodeBench;
import org.glm4j.bench.ops.MatmulPrefillBench;
import org.glm4j.bench.ops.RmsNormBench;
import org.glm4j.core.backend.Op;
import org.glm4j.core.tensor.DType;

/** The op cases every backend runs, at GLM-4.1V's text-decoder sizes, and their targets on the host. */
public final class StandardCases implements BenchContributor {
    public static final String MATMUL_PREFILL = "matmul-prefill";
    public static final String MATMUL_DECODE = "matmul-decode";
    public static final String ATTENTION_PREFILL = "attention-prefill";
    public static final String ATTENTION_DECODE = "attention-decode";
    public static final String RMSNORM = "rmsnorm";

    private static final String OPS = "org.glm4j.bench.ops.";

    @Override public List<BenchCase> cases() {
        return List.of(
                new BenchCase(MATMUL_PREFILL, OPS + "MatmulPrefillBench.run",
                        "M=" + MatmulPrefillBench.M + " K=" + MatmulPrefillBench.K + " N=" + MatmulPrefillBench.N + " bf16",
                        Metric.COMPUTE, MatmulPrefillBench.flops(), Op.MATMUL, DType.BF16, Set.of(), false, true),
                new BenchCase(MATMUL_DECODE, OPS + "MatmulDecodeBench.run",
                        "M=" + MatmulDecodeBench.M + " K=" + MatmulDecodeBench.K + " N=" + MatmulDecodeBench.N + " bf16",
                        Metric.BANDWIDTH, MatmulDecodeBench.bytes(), Op.MATMUL, DType.BF16, Set.of(), true, false),
                new BenchCase(ATTENTION_PREFILL, OPS + "AttentionPrefillBench.run",
                        "L=" + AttentionPrefillBench.TOKENS + " Hq=" + AttentionPrefillBench.HEADS + " Hkv="
                                + AttentionPrefillBench.KV_HEADS + " D=" + AttentionPrefillBench.HEAD_DIM + " causal bf16",
                        Metric.COMPUTE, AttentionPrefillBench.flops(), Op.ATTENTION, DType.BF16, Set.of(), false, true),
                new BenchCase(ATTENTION_DECODE, OPS + "AttentionDecodeBench.run",
                        "Lq=1 Lk=" + AttentionDecodeBench.CACHED + " Hq=" + AttentionDecodeBench.HEADS + " Hkv="
                                + AttentionDecodeBench.KV_HEADS + " D=" + AttentionDecodeBench.HEAD_DIM + " bf16",
                        Metric.BANDWIDTH, AttentionDecodeBench.kvBytes(), Op.ATTENTION, DType.BF16, Set.of(), true, false),
                new BenchCase(RMSNORM, OPS + "RmsNormBench.run",
                        "[" + RmsNormBench.ROWS + "," + RmsNormBench.HIDDEN + "] bf16",
                        Metric.BANDWIDTH, RmsNormBench.bytes(), Op.RMS_NORM, DType.BF16, Set.of(), true, false));
    }

    @Override public List<Target> targets() {
        return List.of(
                Target.ofProbe(MATMUL_DECODE, 0.70),
                Target.ofProbe(MATMUL_PREFILL, 0.30),
                Target.ofProbe(ATTENTION_DECODE, 0.50));
    }
}
