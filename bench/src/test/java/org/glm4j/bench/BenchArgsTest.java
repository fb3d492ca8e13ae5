package org.glm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchArgsTest {
    @Test
    void parse_defaultsToEverythingQuick() {
        BenchArgs a = BenchArgs.parse();
        assertEquals(List.of(), a.backends());
        assertEquals(List.of(), a.cases());
        assertNull(a.json());
        assertFalse(a.full() || a.warm() || a.verbose() || a.help());
    }

    @Test
    void parse_repeatsBackendsAndCases(@TempDir Path dir) {
        Path out = dir.resolve("out.json");
        BenchArgs a = BenchArgs.parse("--backend", "jvm", "--case", "rmsnorm", "--backend", "onednn", "--full",
                "--json", out.toString(), "--case", "matmul-decode", "--warm", "--verbose");
        assertEquals(List.of("jvm", "onednn"), a.backends());
        assertEquals(List.of("rmsnorm", "matmul-decode"), a.cases());
        assertEquals(out, a.json());
        assertTrue(a.full() && a.warm() && a.verbose());
    }

    @Test
    void parse_rejectsBadOptionsBeforeAnyRun(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("--fast"));
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("--backend"));
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("--case", "--full"));
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("--json", dir.resolve("no/such/dir/x.json").toString()));
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("--json", dir.toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse("--json", "a.json", "--json", "b.json"));
        assertEquals("--json given twice", e.getMessage());
    }

    @Test
    void usage_namesEveryCase() {
        String usage = BenchArgs.usage(BenchCatalog.load().names());
        for (String c : List.of("matmul-prefill", "matmul-decode", "attention-prefill", "attention-decode", "rmsnorm"))
            assertTrue(usage.contains(c), c);
    }
}
