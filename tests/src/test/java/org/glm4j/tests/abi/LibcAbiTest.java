package org.glm4j.tests.abi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.glm4j.bindings.libc.mman_h;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory-mapping constants of {@link mman_h} against the system's {@code <sys/mman.h>} (see {@link AbiProbe}). */
class LibcAbiTest {
    @Test
    void constants_matchSysMman(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(mman_h.available(), "mman_h is for Linux; this is " + System.getProperty("os.name"));
        AbiProbe probe = AbiProbe.create().define("_GNU_SOURCE").constants(mman_h.class, mman_h.FUNCTIONS);
        assertTrue(probe.size() >= 7, "the probe covers the constants (" + probe.size() + ")");
        probe.assertMatches(tmp, List.of("sys/mman.h"), List.of(), "C library (sys/mman.h)");
    }
}
