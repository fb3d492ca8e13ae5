package org.glm4j.bench.report;

/**
 * One target evaluated on one result.
 *
 * @param minimum the lowest passing ratio
 * @param of      what the ratio divides by: a probe key ({@code read_gbps}), a case name on the same backend, or
 *                {@code backend/case} for a case on another backend
 * @param probe   whether {@code of} is a probe (the ratio is then the row's fraction)
 * @param value   the ratio reached, or {@code null} when the reference was not measured in this run
 */
public record TargetCheck(double minimum, String of, boolean probe, Double value) {
    /** {@code true} when met, {@code false} when missed, {@code null} when it could not be checked. */
    public Boolean pass() { return value == null ? null : value >= minimum; }

    /** {@code PASS}, {@code MISS} or {@code n/a}. */
    public String verdict() {
        Boolean p = pass();
        return p == null ? "n/a" : p ? "PASS" : "MISS";
    }
}
