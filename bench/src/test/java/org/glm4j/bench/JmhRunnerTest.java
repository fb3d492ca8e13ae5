package org.glm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs real (tiny) JMH forks: the generated benchmark list, the fork flags and the result plumbing. */
class JmhRunnerTest {
    private static final JmhRunner.Plan TINY = new JmhRunner.Plan(1, 20, 3, 20);

    @Test
    void run_returnsOneTimePerMeasuredIteration() throws Exception {
        double[] ms = new JmhRunner(false).run("org.glm4j.bench.probe.FmaProbe.fma",
                Map.of("iterations", "10000", "threads", "1"), TINY);
        assertEquals(3, ms.length);
        for (double t : ms) assertTrue(t > 0 && t < 1000, "ms per call " + t);
    }

    @Test
    void run_reportsAFailingSetupWithJmhsOutput() {
        JmhRunner.Failure f = assertThrows(JmhRunner.Failure.class, () -> new JmhRunner(false).run(
                "org.glm4j.bench.probe.ReadBandwidthProbe.read", Map.of("bytes", "64", "threads", "2"), TINY));
        assertTrue(f.getMessage().contains("ReadBandwidthProbe.read"), f.getMessage());
        assertTrue(f.getMessage().contains("too small for 2 threads"), f.getMessage());
    }
}
