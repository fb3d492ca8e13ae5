package org.glm4j.tests.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.Locale;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Runs one op case at both levels of the parity suite. Level 1: {@code jvm} against the double-precision
 * {@link Reference}. Level 2: another backend against {@code jvm}, on the same seeded inputs. A backend that does
 * not support the op for the case's dtype is a visible assumption skip.
 */
public final class Parity {
    private Parity() {}

    /** What one run of a case produced: its output on the backend, and the reference when one was computed. */
    public record Outcome(Tensor out, double[] expected) {}

    /** One run of a case: makes operands with {@code f}, computes the reference through {@code f}, runs the op. */
    @FunctionalInterface
    public interface Body {
        Outcome run(Fixtures f, Ops ops);
    }

    /** Print a one-line accuracy report (max |diff|, NMSE) for outputs of reductions at least this long. */
    public static final int REPORT_REDUCTIONS_FROM = 1024;

    /**
     * Level 1: runs {@code body} on {@code jvm} and compares its output with the reference.
     *
     * @param op        op name for messages, e.g. {@code rmsNorm}
     * @param which     the {@link Op} and dtype asked of {@link Backend#supports}
     * @param caseName  the case, for messages
     * @param reduction length of the op's longest reduction, for the accuracy report
     */
    public static Approx.Comparison againstReference(String op, Op which, DType dtype, String caseName, long seed,
                                                     Tolerance tol, int reduction, Body body) {
        Backend jvm = TestBackends.jvm();
        requireSupport(jvm, which, dtype);
        try (Arena arena = Arena.ofShared()) {
            Fixtures f = Fixtures.on(jvm, arena, seed, true);
            Outcome o = body.run(f, new Ops(jvm, null));
            if (o.expected() == null) throw new IllegalStateException(caseName + ": the case computed no reference");
            String what = describe(op, jvm, o.out(), caseName) + " vs reference";
            Approx.Comparison c = Approx.assertClose(o.expected(), f.download(o.out()), o.out().shape(), tol, what);
            report(what, reduction, c);
            return c;
        }
    }

    /** Level 2: runs {@code body} on {@code candidate} and on {@code jvm} with the same seed and compares outputs. */
    public static Approx.Comparison againstJvm(TestBackends.Candidate candidate, String op, Op which, DType dtype,
                                               String caseName, long seed, Tolerance tol, int reduction, Body body) {
        assumeTrue(candidate.backend() != null, candidate::unavailable);
        Backend backend = candidate.backend();
        requireSupport(backend, which, dtype);
        Backend jvm = TestBackends.jvm();
        try (Arena arena = Arena.ofShared()) {
            Fixtures fj = Fixtures.on(jvm, arena, seed, false);
            Outcome oj = body.run(fj, new Ops(jvm, null));
            float[] ref = fj.download(oj.out());
            double[] expected = new double[ref.length];
            for (int i = 0; i < ref.length; i++) expected[i] = ref[i];

            Fixtures fb = Fixtures.on(backend, arena, seed, false);
            Outcome ob = body.run(fb, new Ops(backend, null));
            backend.synchronize();
            String what = describe(op, backend, ob.out(), caseName) + " vs jvm";
            Approx.Comparison c = Approx.assertClose(expected, fb.download(ob.out()), ob.out().shape(), tol, what);
            report(what, reduction, c);
            return c;
        }
    }

    /** Skips (visibly) when {@code backend} does not implement {@code which} for {@code dtype}. */
    public static void requireSupport(Backend backend, Op which, DType dtype) {
        assumeTrue(backend.supports(which, dtype), () -> backend.name() + " has no " + which + " for " + dtype);
    }

    private static String describe(String op, Backend backend, Tensor out, String caseName) {
        return op + " on " + backend.name() + ", out " + out + ", case '" + caseName + "'";
    }

    private static void report(String what, int reduction, Approx.Comparison c) {
        if (reduction >= REPORT_REDUCTIONS_FROM)
            System.out.printf(Locale.ROOT, "[accuracy] %s: reduction %d, max |diff| %.3g, NMSE %.3g%n",
                    what, reduction, c.maxAbsDiff(), c.nmse());
    }
}
