package org.glm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.glm4j.bench.ops.AttentionDecodeBench;
import org.glm4j.bench.ops.AttentionPrefillBench;
import org.glm4j.bench.ops.MatmulDecodeBench;
import org.glm4j.bench.ops.MatmulPrefillBench;
import org.glm4j.core.backend.Op;
import org.glm4j.core.tensor.DType;
import org.junit.jupiter.api.Test;

class BenchCatalogTest {
    private static BenchCase extra(String name, Metric metric) {
        return new BenchCase(name, "x.Y.run", "s", metric, 1, Op.MATMUL, DType.BF16, Set.of("onednn"), false, false);
    }

    private record Contributor(List<BenchCase> cases, List<Target> targets) implements BenchContributor {}

    @Test
    void load_listsTheStandardCasesFirstInTheirStableOrder() {
        assertEquals(List.of("matmul-prefill", "matmul-decode", "attention-prefill", "attention-decode", "rmsnorm"),
                BenchCatalog.load().names().subList(0, 5));
    }

    @Test
    void standardCases_countTheWorkTheIssueNames() {
        BenchCatalog c = BenchCatalog.load();
        assertEquals(2.0 * 512 * 4096 * 4096, c.find("matmul-prefill").work());
        assertEquals(MatmulPrefillBench.flops(), c.find("matmul-prefill").work());
        assertEquals(13696.0 * 4096 * 2 + 4096 * 2 + 13696 * 2, c.find("matmul-decode").work());
        assertEquals(MatmulDecodeBench.bytes(), c.find("matmul-decode").work());
        assertEquals(2.0 * 65536 * 2 * 128 * 2, c.find("attention-decode").work());
        assertEquals(AttentionDecodeBench.kvBytes(), c.find("attention-decode").work());
        assertEquals(2.0 * 2 * 32 * 128 * (2048.0 * 2049 / 2), c.find("attention-prefill").work());
        assertEquals(AttentionPrefillBench.flops(), c.find("attention-prefill").work());
        assertEquals(2.0 * 512 * 4096 * 2 + 4096 * 2, c.find("rmsnorm").work());
        assertEquals(Metric.COMPUTE, c.find("attention-prefill").metric());
        assertEquals(Metric.BANDWIDTH, c.find("rmsnorm").metric());
    }

    @Test
    void contributor_addsACaseAndATargetAgainstIt() {
        BenchCatalog c = BenchCatalog.of(List.of(new StandardCases(), new Contributor(
                List.of(extra("matmul-prefill-primitive", Metric.COMPUTE)),
                List.of(Target.ofCase("matmul-prefill", "onednn", 0.9, "matmul-prefill-primitive")))));
        assertEquals("matmul-prefill-primitive", c.names().get(5));
        assertTrue(c.find("matmul-prefill-primitive").appliesTo("onednn"));
        assertTrue(!c.find("matmul-prefill-primitive").appliesTo("jvm"));
        assertTrue(c.find("matmul-prefill").appliesTo("anything"));
    }

    @Test
    void catalog_rejectsDuplicatesAndDanglingTargets() {
        assertThrows(IllegalArgumentException.class, () -> BenchCatalog.of(List.of(new StandardCases(),
                new Contributor(List.of(extra("rmsnorm", Metric.BANDWIDTH)), List.of()))));
        assertThrows(IllegalArgumentException.class, () -> BenchCatalog.of(List.of(new StandardCases(),
                new Contributor(List.of(), List.of(Target.ofProbe("no-such-case", 0.5))))));
        assertThrows(IllegalArgumentException.class, () -> BenchCatalog.of(List.of(new StandardCases(),
                new Contributor(List.of(), List.of(Target.ofCase("matmul-prefill", "onednn", 0.9, "missing"))))));
        assertThrows(IllegalArgumentException.class, () -> BenchCatalog.of(List.of(new StandardCases(),
                new Contributor(List.of(extra("bw-case", Metric.BANDWIDTH)),
                        List.of(Target.ofCase("matmul-prefill", "onednn", 0.9, "bw-case"))))));
    }

    @Test
    void benchCase_rejectsBadNamesAndWork() {
        assertThrows(IllegalArgumentException.class, () -> extra("Matmul Decode", Metric.COMPUTE));
        assertThrows(IllegalArgumentException.class, () -> new BenchCase("a", "b", "s", Metric.COMPUTE, 0, Op.MATMUL,
                DType.BF16, Set.of(), false, false));
    }
}
