package org.glm4j.bench.ops;

import java.util.List;
import java.util.Set;
import org.glm4j.bench.BenchCase;
import org.glm4j.bench.BenchContributor;
import org.glm4j.bench.Metric;
import org.glm4j.bench.StandardCases;
import org.glm4j.bench.Target;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.tensor.DType;

/**
 * The oneDNN backend's own case and targets: its bare matmul primitive ({@link OneDnnPrimitiveBench}), which
 * {@code matmul-prefill} on onednn must reach 0.9 of (our layers add at most 10%; both timed in turns in the same
 * run), and the speedups over the jvm backend that make the native backend worth its dependency.
 */
public final class OneDnnBenchCases implements BenchContributor {
    public static final String PRIMITIVE = "onednn-matmul-prefill-primitive";

    @Override public List<BenchCase> cases() {
        return List.of(new BenchCase(PRIMITIVE, OneDnnPrimitiveBench.class.getName() + ".run",
                "M=" + MatmulPrefillBench.M + " K=" + MatmulPrefillBench.K + " N=" + MatmulPrefillBench.N + " bf16 primitive alone, in turns with the layer",
                Metric.COMPUTE, MatmulPrefillBench.flops(), Op.MATMUL, DType.BF16, Set.of(OneDnnBackend.NAME), false, true));
    }

    @Override public List<Target> targets() {
        return List.of(
                Target.ofCaseSameRun(StandardCases.MATMUL_PREFILL, OneDnnBackend.NAME, 0.9, PRIMITIVE),
                Target.ofBackend(StandardCases.MATMUL_PREFILL, OneDnnBackend.NAME, 3.0, "jvm"),
                Target.ofBackend(StandardCases.ATTENTION_PREFILL, OneDnnBackend.NAME, 2.0, "jvm"),
                // the oneDNN issue asks more of its decode GEMV than the foundation asks of the JVM's
                new Target(StandardCases.MATMUL_DECODE, OneDnnBackend.NAME, 0.85, null, null));
    }
}
