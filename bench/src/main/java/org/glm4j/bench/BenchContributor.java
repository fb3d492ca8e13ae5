package org.glm4j.bench;

import java.util.List;

/**
 * Adds cases and targets to {@code ./glm4j bench}. Implementations are found with {@link java.util.ServiceLoader}
 * (a line in {@code META-INF/services/org.glm4j.bench.BenchContributor}), so a backend can bring its own extra case,
 * for example a vendor primitive timed alone in a tight loop, with a target relating a standard case to it:
 *
 * <pre>{@code
 * public final class OneDnnBenchCases implements BenchContributor {
 *     public List<BenchCase> cases() {
 *         return List.of(new BenchCase("matmul-prefill-primitive", "org.glm4j.bench.ops.OneDnnPrimitiveBench.run",
 *                 "M=512 K=4096 N=4096 bf16", Metric.COMPUTE, MatmulPrefillBench.flops(), Op.MATMUL, DType.BF16,
 *                 Set.of("onednn"), false, true));
 *     }
 *     public List<Target> targets() {
 *         return List.of(Target.ofCase("matmul-prefill", "onednn", 0.9, "matmul-prefill-primitive"));
 *     }
 * }
 * }</pre>
 *
 * Case names must be unique across contributors; the standard cases ({@link StandardCases}) always come first.
 */
public interface BenchContributor {
    /** Cases to run, in the order they should appear. */
    List<BenchCase> cases();

    /** Targets to check, on these or on other contributors' cases. */
    default List<Target> targets() { return List.of(); }
}
