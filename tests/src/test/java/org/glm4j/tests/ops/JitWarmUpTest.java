package org.glm4j.tests.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.glm4j.core.backend.jvm.JitWarmUp;
import org.junit.jupiter.api.Test;

/** {@link JitWarmUp} stops by itself: after the minimum once calls speed up, and by its cap when they never do. */
class JitWarmUpTest {
    @Test
    void stopsAtTheCapWhenCallsAreFastFromTheStart() {
        int[] n = { 0 };
        int calls = JitWarmUp.untilCompiled(() -> n[0]++, 200);
        assertTrue(calls >= 200 && calls <= 10 * 200 + 50, "calls: " + calls);
        assertTrue(n[0] == calls, "every counted call ran: " + n[0] + " vs " + calls);
    }

    @Test
    void stopsOnceCallsBecomeMuchFasterThanTheFirstBatch() {
        int[] n = { 0 };
        int calls = JitWarmUp.untilCompiled(() -> {
            if (n[0]++ < 50) busy(200_000);                               // a slow first batch, as before compilation
        }, 100);
        assertTrue(calls >= 100 && calls < 1000, "stopped after the minimum once faster: " + calls);
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }
}
