package org.glm4j.tests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import java.util.function.LongPredicate;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * Element-wise comparison of an op's output with what it should be. A failure names what was compared (op, backend,
 * dtype, shape: the caller's {@code what}), the worst element by index with its expected and actual values, the
 * largest absolute difference, the NMSE and the tolerance.
 */
public final class Approx {
    private Approx() {}

    /**
     * The outcome of one comparison.
     *
     * @param count        elements compared
     * @param failures     elements outside the tolerance
     * @param worstIndex   row-major index of the element furthest outside (or closest to) the tolerance
     * @param worstExcess  its distance in units of the allowed error (≤ 1 passes)
     * @param maxAbsDiff   largest {@code |a − e|} over finite elements
     * @param maxAbsIndex  where that difference is
     * @param nmse         {@code Σ(a − e)² / Σe²} over finite elements (0 when every expected value is 0 and matched)
     */
    public record Comparison(long count, long failures, long worstIndex, double worstExcess, double maxAbsDiff,
                             long maxAbsIndex, double nmse) {}

    /** Compares without asserting. */
    public static Comparison compare(double[] expected, float[] actual, Tolerance tol) {
        if (expected.length != actual.length)
            throw new IllegalArgumentException("compare: " + expected.length + " expected vs " + actual.length + " actual");
        long failures = 0, worst = 0, maxAbsAt = 0;
        double worstExcess = -1, maxAbs = 0, errSq = 0, refSq = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            double x = tol.excess(a, e);
            if (x > 1) failures++;
            if (x > worstExcess) {
                worstExcess = x;
                worst = i;
            }
            if (Double.isFinite(e) && Double.isFinite(a)) {
                double d = Math.abs(a - e);
                if (d > maxAbs) {
                    maxAbs = d;
                    maxAbsAt = i;
                }
                errSq += d * d;
                refSq += e * e;
            }
        }
        double nmse = errSq == 0 ? 0 : refSq == 0 ? Double.POSITIVE_INFINITY : errSq / refSq;
        return new Comparison(expected.length, failures, worst, Math.max(worstExcess, 0), maxAbs, maxAbsAt, nmse);
    }

    /** Asserts that the host tensor {@code actual} matches {@code expected} (row-major) within {@code tol}. */
    public static Comparison assertClose(double[] expected, Tensor actual, Tolerance tol, String what) {
        return assertClose(expected, actual.toFloatArray(), actual.shape(), tol, what);
    }

    /** Asserts that {@code actual}, row-major values of a tensor of {@code shape}, matches {@code expected}. */
    public static Comparison assertClose(double[] expected, float[] actual, Shape shape, Tolerance tol, String what) {
        if (expected.length != actual.length || expected.length != shape.numel())
            fail(what + ": expected " + expected.length + " values, got " + actual.length + " for shape " + shape);
        Comparison c = compare(expected, actual, tol);
        if (c.failures() > 0 || c.nmse() > tol.maxNmse()) {
            int w = (int) c.worstIndex(), m = (int) c.maxAbsIndex();
            fail(String.format(Locale.ROOT,
                    "%s: %d of %d elements outside %s%s; worst at %s: expected %s, actual %s (|diff| %.3g); "
                            + "max |diff| %.3g at %s; NMSE %.3g",
                    what, c.failures(), c.count(), tol,
                    c.nmse() > tol.maxNmse() ? " and NMSE above its bound" : "",
                    index(shape, w), num(expected[w]), num(actual[w]), Math.abs(actual[w] - expected[w]),
                    c.maxAbsDiff(), index(shape, m), c.nmse()));
        }
        return c;
    }

    /** Asserts that two row-major arrays hold the same values bit for bit (NaN payloads aside). */
    public static void assertSameBits(float[] expected, float[] actual, Shape shape, String what) {
        if (expected.length != actual.length) fail(what + ": " + expected.length + " vs " + actual.length + " values");
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(actual[i])
                    : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i]);
            if (!same)
                fail(what + ": element " + index(shape, i) + " changed from " + num(expected[i]) + " to " + num(actual[i]));
        }
    }

    /**
     * Asserts that a {@code [rows, cols]} buffer changed only in columns {@code [from, from + n)}: an op writing into a
     * column slice must leave the rest of the buffer alone.
     */
    public static void assertUnchangedOutsideColumns(float[] before, float[] after, Shape shape, int from, int n,
                                                     String what) {
        int cols = shape.last();
        assertUnchanged(before, after, shape, i -> i % cols < from || i % cols >= from + n,
                what + " (outside the written columns [" + from + ", " + (from + n) + "))");
    }

    /** Asserts that the elements {@code which} selects (by row-major index) kept their bits. */
    public static void assertUnchanged(float[] before, float[] after, Shape shape, LongPredicate which, String what) {
        for (int i = 0; i < before.length; i++)
            if (which.test(i) && Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i]))
                fail(what + ": element " + index(shape, i) + " changed from " + num(before[i]) + " to " + num(after[i]));
    }

    /** {@code [r,c,…]} of row-major index {@code flat} in {@code shape}. */
    static String index(Shape shape, long flat) {
        int[] idx = new int[shape.rank()];
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = Math.max(1, shape.dim(i));
            idx[i] = (int) (flat % d);
            flat /= d;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < idx.length; i++) sb.append(i == 0 ? "" : ",").append(idx[i]);
        return sb.append(']').toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
