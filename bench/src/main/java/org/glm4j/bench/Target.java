package org.glm4j.bench;

import java.util.Objects;

/**
 * A pass mark the bench checks (tests never do): on matching backends, a case's achieved figure divided by a
 * reference must reach {@code minimum}. The reference is the probe of the case's metric, the achieved figure of
 * another case on the same backend (for example a vendor primitive timed alone), or that of a case on another
 * backend (for example the same case on {@code jvm}).
 *
 * @param caseName  the case the target applies to
 * @param backend   a backend name, or {@link #ANY_HOST} for every backend whose tensors live in host memory (the
 *                  probes measure the host)
 * @param minimum   the lowest passing ratio
 * @param reference {@code null} for the case's probe, else the name of the reference case
 * @param referenceBackend the backend the reference case ran on, or {@code null} for the same backend as the row
 * @param sameRun   whether the reference case's benchmark also runs {@code caseName}'s op, in turns with its own
 *                  ({@code PairedTimings}), so that the ratio comes from those iterations instead of two forks
 */
public record Target(String caseName, String backend, double minimum, String reference, String referenceBackend,
                     boolean sameRun) {
    /** Matches every backend whose device is the host. */
    public static final String ANY_HOST = "*";

    public Target {
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(backend, "backend");
        if (!(minimum > 0) || Double.isInfinite(minimum))
            throw new IllegalArgumentException("target for " + caseName + ": minimum must be positive, got " + minimum);
        if (referenceBackend != null && reference == null)
            throw new IllegalArgumentException("target for " + caseName + ": a reference backend needs a reference case");
        if (sameRun && (reference == null || referenceBackend != null))
            throw new IllegalArgumentException("target for " + caseName + ": a same-run ratio needs a reference case on the same backend");
    }

    /** A target whose ratio is taken across runs (or against a probe). */
    public Target(String caseName, String backend, double minimum, String reference, String referenceBackend) {
        this(caseName, backend, minimum, reference, referenceBackend, false);
    }

    /** {@code caseName}'s fraction of its probe must reach {@code minimum} on every host backend. */
    public static Target ofProbe(String caseName, double minimum) {
        return new Target(caseName, ANY_HOST, minimum, null, null);
    }

    /** On {@code backend}, {@code caseName} must reach {@code minimum} of {@code referenceCase}'s achieved figure. */
    public static Target ofCase(String caseName, String backend, double minimum, String referenceCase) {
        return new Target(caseName, backend, minimum, Objects.requireNonNull(referenceCase, "referenceCase"), null);
    }

    /**
     * On {@code backend}, {@code caseName} must reach {@code minimum} of {@code referenceCase}, whose benchmark times
     * both in turns in one process; the ratio is the median of its iterations' ratios.
     */
    public static Target ofCaseSameRun(String caseName, String backend, double minimum, String referenceCase) {
        return new Target(caseName, backend, minimum, Objects.requireNonNull(referenceCase, "referenceCase"), null, true);
    }

    /** On {@code backend}, {@code caseName} must reach {@code minimum} times its own figure on {@code referenceBackend}. */
    public static Target ofBackend(String caseName, String backend, double minimum, String referenceBackend) {
        return new Target(caseName, backend, minimum, caseName, Objects.requireNonNull(referenceBackend, "referenceBackend"));
    }

    /** How a check names the reference: the case, prefixed by its backend when that is another one ({@code jvm/…}). */
    public String referenceLabel() {
        return referenceBackend == null ? sameRun ? reference + " (same run)" : reference : referenceBackend + "/" + reference;
    }

    /** Whether the target applies to a backend named {@code name} on the host ({@code host}) or a device. */
    public boolean appliesTo(String name, boolean host) {
        return backend.equals(ANY_HOST) ? host : backend.equals(name);
    }
}
