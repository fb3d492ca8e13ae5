package org.glm4j.bench;

import java.util.Objects;
import java.util.Set;
import org.glm4j.core.backend.Op;
import org.glm4j.core.tensor.DType;

/**
 * One benchmark case: a JMH benchmark method over a {@code String backend} parameter, and how one call's time
 * becomes a figure. {@code BenchMain} runs it on every selected backend that {@linkplain
 * org.glm4j.core.backend.Backend#supports supports} {@code op} for {@code dtype}, and lists the others as skipped.
 *
 * @param name      stable name used by {@code --case}, the table and the JSON, e.g. {@code matmul-decode}
 * @param benchmark fully qualified JMH benchmark method, e.g. {@code org.glm4j.bench.ops.MatmulDecodeBench.run};
 *                  its state must have a {@code backend} parameter, and a {@code rotateBytes} one when
 *                  {@code rotates}
 * @param shape     the operands in words, e.g. {@code M=1 K=4096 N=13696 bf16}
 * @param metric    what the figure measures
 * @param work      bytes (bandwidth) or flops (compute) of one call
 * @param op        the op a backend must support to run the case
 * @param dtype     the dtype it must support it for
 * @param backends  the backends the case is for; empty for every backend
 * @param rotates   whether the case rotates copies of its streamed operands to defeat the last-level cache
 * @param heavy     whether one call takes long enough that the quick mode runs fewer iterations
 */
public record BenchCase(String name, String benchmark, String shape, Metric metric, double work, Op op, DType dtype,
                        Set<String> backends, boolean rotates, boolean heavy) {
    public BenchCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(dtype, "dtype");
        if (!name.matches("[a-z0-9][a-z0-9-]*"))
            throw new IllegalArgumentException("bench case name '" + name + "' must be lower-case words joined by '-'");
        if (!(work > 0) || Double.isInfinite(work))
            throw new IllegalArgumentException("bench case " + name + ": work must be positive and finite, got " + work);
        backends = Set.copyOf(backends);
    }

    /** Whether this case is meant for the backend called {@code backend}. */
    public boolean appliesTo(String backend) {
        return backends.isEmpty() || backends.contains(backend);
    }
}
