package org.glm4j.tests.conformance.planted;

import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.LoopbackBackend;
import org.glm4j.tests.support.Parity;
import org.glm4j.tests.support.TestBackends;
import org.glm4j.tests.support.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * Not a test of glm4j: a parity suite with one planted bug, run by {@code ConformanceTest} through
 * {@code ./glm4j conformance --parity} to show that the command reports FAIL with the failing test and its message.
 * A stand-in device ({@link LoopbackBackend}) is compared with jvm through the real level-2 check: once computing
 * the right softmax (passes), once computing its negation (a backend returning wrong numbers), plus one visible
 * skip. The class name keeps Surefire and the console launcher from running it on their own.
 */
class PlantedFailures {
    private static final TestBackends.Candidate DEVICE =
            new TestBackends.Candidate("planted", new LoopbackBackend(TestBackends.jvm()), null);

    @Test
    void softmax_rightOnTheDevice() {
        check(false);
    }

    @Test
    void softmax_wrongSignOnTheDevice() {
        check(true);
    }

    @Test
    void skipped_withAReason() {
        assumeTrue(false, "planted skip: this case does not apply");
    }

    private static void check(boolean wrong) {
        Parity.againstJvm(DEVICE, "softmax", Op.SOFTMAX, F32, wrong ? "planted wrong sign" : "planted right", 7,
                Tolerance.of(F32), 9, (f, ops) -> {
                    Tensor x = f.random(F32, Shape.of(3, 9));
                    Tensor out = f.zeros(F32, x.shape());
                    if (wrong && f.backend() == DEVICE.backend()) ops.unary(out, x, Unary.NEG);
                    else ops.softmax(out, x);
                    return new Parity.Outcome(out, null);
                });
    }
}
