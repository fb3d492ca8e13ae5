package org.glm4j.tests.support;

import org.glm4j.core.tensor.DType;

/**
 * How close an actual value must be to an expected one: {@code |a − e| ≤ atol + rtol·|e|}, optionally with a bound
 * on the normalised mean squared error {@code Σ(a − e)² / Σe²} of the whole output. The per-dtype defaults live here
 * and nowhere else; a test that needs a looser bound derives it with {@link #loosen} and says why.
 *
 * <p>NaN is only close to NaN and an infinity only to the same infinity.
 *
 * @param atol    absolute part of the bound
 * @param rtol    part of the bound relative to {@code |expected|}
 * @param maxNmse largest accepted NMSE of the whole output ({@code +∞}: not checked)
 * @param why     where this tolerance comes from, printed in failure messages
 */
public record Tolerance(double atol, double rtol, double maxNmse, String why) {

    /** Bit-for-bit equal values (as numbers: {@code -0 == +0}). */
    public static final Tolerance EXACT = new Tolerance(0, 0, Double.POSITIVE_INFINITY, "exact");

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0) || !(maxNmse >= 0))
            throw new IllegalArgumentException("tolerance: atol, rtol and maxNmse must be >= 0");
    }

    /**
     * The default for results stored in {@code dtype}: f32 1e-5 absolute + 1e-4 relative; bf16 and f16 1e-2 absolute
     * + 2e-2 relative. The NMSE bounds (f32 1e-8, an RMS relative error of rtol; bf16/f16 1e-4, an RMS relative error
     * of half of rtol) catch a systematic error that the absolute part of the per-element bound lets through on
     * small values, such as the probabilities of a long softmax row.
     */
    public static Tolerance of(DType dtype) {
        return switch (dtype) {
            case F32 -> new Tolerance(1e-5, 1e-4, 1e-8, "f32 default");
            case BF16 -> new Tolerance(1e-2, 2e-2, 1e-4, "bf16 default");
            case F16 -> new Tolerance(1e-2, 2e-2, 1e-4, "f16 default");
            default -> EXACT;
        };
    }

    /** The loosest default among {@code dtypes}: for results whose precision is set by their narrowest operand. */
    public static Tolerance widest(DType... dtypes) {
        Tolerance t = of(DType.F32);
        for (DType d : dtypes)
            if (d != null && d != DType.F32 && d.isFloating()) t = of(d);
        return t;
    }

    /** This tolerance with larger bounds (never smaller than the current ones), and the reason it needs them. */
    public Tolerance loosen(double newAtol, double newRtol, String reason) {
        return new Tolerance(Math.max(atol, newAtol), Math.max(rtol, newRtol), maxNmse, why + ", loosened: " + reason);
    }

    /**
     * How far {@code actual} is from {@code expected} in units of the allowed error: {@code ≤ 1} is close enough.
     * Returns {@code +∞} for a NaN or infinity that does not match.
     */
    public double excess(double actual, double expected) {
        if (Double.isNaN(expected) || Double.isNaN(actual))
            return Double.isNaN(expected) && Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(expected) || Double.isInfinite(actual))
            return expected == actual ? 0 : Double.POSITIVE_INFINITY;
        double diff = Math.abs(actual - expected);
        double allowed = atol + rtol * Math.abs(expected);
        if (diff == 0) return 0;
        return allowed == 0 ? Double.POSITIVE_INFINITY : diff / allowed;
    }

    public boolean accepts(double actual, double expected) { return excess(actual, expected) <= 1; }

    @Override public String toString() {
        return "|a−e| ≤ " + atol + " + " + rtol + "·|e|" + (Double.isInfinite(maxNmse) ? "" : ", NMSE ≤ " + maxNmse)
                + " (" + why + ")";
    }
}
