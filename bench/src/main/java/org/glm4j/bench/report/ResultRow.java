package org.glm4j.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * One measured line of a report: a case (an op at a shape, or an end-to-end run) on one backend.
 *
 * @param backend  backend name
 * @param caseName stable case name
 * @param shape    the operands or workload in words
 * @param medianMs median over the measured iterations of the time per call
 * @param achieved the figure reached, in {@code unit}
 * @param unit     e.g. {@code GB/s}, {@code GFLOP/s}
 * @param fraction {@code achieved} over the relevant machine probe, or {@code null} when none applies
 * @param targets  targets evaluated on this row (may be empty)
 */
public record ResultRow(String backend, String caseName, String shape, double medianMs, double achieved, String unit,
                        Double fraction, List<TargetCheck> targets) {
    public ResultRow {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(unit, "unit");
        targets = List.copyOf(targets);
    }

    /** This row with {@code targets} in place of its own. */
    public ResultRow withTargets(List<TargetCheck> checks) {
        return new ResultRow(backend, caseName, shape, medianMs, achieved, unit, fraction, checks);
    }
}
