package org.glm4j.bench;

/** What a case's achieved figure measures, and which machine probe it is a fraction of. */
public enum Metric {
    /** Bytes moved per second against the read-bandwidth probe; the case's work is in bytes. */
    BANDWIDTH("GB/s", "read_gbps"),
    /** Floating-point ops per second against the FMA probe; the case's work is in flops. */
    COMPUTE("GFLOP/s", "fma_gflops");

    private final String unit;
    private final String probe;

    Metric(String unit, String probe) {
        this.unit = unit;
        this.probe = probe;
    }

    /** {@code GB/s} or {@code GFLOP/s}. */
    public String unit() { return unit; }

    /** Key of the probe in the JSON's {@code probes} object. */
    public String probe() { return probe; }

    /** The figure for {@code work} bytes or flops done in {@code ms} milliseconds (10⁹ units per second). */
    public double achieved(double work, double ms) {
        return work / (ms * 1e-3) / 1e9;
    }
}
