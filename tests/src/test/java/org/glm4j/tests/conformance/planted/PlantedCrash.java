package org.glm4j.tests.conformance.planted;

import org.junit.jupiter.api.Test;

/**
 * Not a test of glm4j: ends its JVM at once with status 3, as a native crash in a backend would, so that
 * {@code ConformanceTest} can show that the conformance command fails that backend's row and keeps going. The
 * class name keeps Surefire and the console launcher from running it on their own.
 */
class PlantedCrash {
    @Test
    void haltsTheJvm() {
        Runtime.getRuntime().halt(3);
    }
}
