package org.glm4j.bench;

import java.util.Objects;

/**
 * A pass mark the bench checks (tests never do): on matching backends, a case's achieved figure divided by a
 * reference must reach {@code minimum}. The reference is the probe of the case's metric, or the achieved figure of
 * another case on the same backend (for example a vendor primitive timed alone).
 *
 * @param caseName  the case the target applies to
 * @param backend   a backend name, or {@link #ANY_HOST} for every backend whose tensors live in host memory (the
 *                  probes measure the host)
 * @param minimum   the lowest passing ratio
 * @param reference {@code null} for the case's probe, else the name of the reference case
 */
public record Target(String caseName, String backend, double minimum, String reference) {
    /** Matches every backend whose device is the host. */
    public static final String ANY_HOST = "*";

    public Target {
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(backend, "backend");
        if (!(minimum > 0) || Double.isInfinite(minimum))
            throw new IllegalArgumentException("target for " + caseName + ": minimum must be positive, got " + minimum);
    }

    /** {@code caseName}'s fraction of its probe must reach {@code minimum} on every host backend. */
    public static Target ofProbe(String caseName, double minimum) {
        return new Target(caseName, ANY_HOST, minimum, null);
    }

    /** On {@code backend}, {@code caseName} must reach {@code minimum} of {@code referenceCase}'s achieved figure. */
    public static Target ofCase(String caseName, String backend, double minimum, String referenceCase) {
        return new Target(caseName, backend, minimum, Objects.requireNonNull(referenceCase, "referenceCase"));
    }

    /** Whether the target applies to a backend named {@code name} on the host ({@code host}) or a device. */
    public boolean appliesTo(String name, boolean host) {
        return backend.equals(ANY_HOST) ? host : backend.equals(name);
    }
}
