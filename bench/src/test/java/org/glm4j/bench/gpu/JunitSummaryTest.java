package org.glm4j.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JunitSummaryTest {
    @Test
    void read_countsFailuresSkipsAndPasses(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("TEST-junit-jupiter.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="JUnit Jupiter" tests="4" skipped="1" failures="1" errors="1">
                  <testcase name="ok()" classname="a.B"/>
                  <testcase name="bad()" classname="a.B"><failure message="expected 1 but was 2&#10;more" type="AssertionError">trace</failure></testcase>
                  <testcase name="boom()" classname="a.B"><error type="IllegalStateException">boom
                at a.B</error></testcase>
                  <testcase name="skip()" classname="a.B"><skipped><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: no gpu
                at x]]></skipped></testcase>
                </testsuite>
                """);
        JunitSummary s = JunitSummary.read("parity", dir);
        assertTrue(s.found());
        assertEquals(4, s.tests());
        assertEquals(2, s.failures());
        assertEquals(1, s.skipped());
        assertEquals(List.of("a.B.bad(): expected 1 but was 2", "a.B.boom(): boom"), s.failed());
        assertEquals(List.of("no gpu"), s.skipReasons());
        assertFalse(s.passed());
    }

    @Test
    void read_missingFolderIsNotAPass(@TempDir Path dir) throws Exception {
        JunitSummary s = JunitSummary.read("abi", dir.resolve("absent"));
        assertFalse(s.found());
        assertFalse(s.passed());
    }
}
