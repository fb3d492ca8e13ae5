package org.glm4j.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static BenchReport sample() {
        return new BenchReport()
                .probe("read_gbps", 20.0)
                .probe("fma_gflops", 200.0)
                .run("mode", "quick")
                .add(new ResultRow("jvm", "matmul-decode", "M=1 K=4096 N=13696 bf16", 8.0, 14.0, "GB/s", 0.7,
                        List.of(new TargetCheck(0.7, "read_gbps", true, 0.7))))
                .add(new ResultRow("jvm", "matmul-prefill", "M=512", 100.0, 30.0, "GFLOP/s", 0.15,
                        List.of(new TargetCheck(0.9, "matmul-prefill-primitive", false, null))))
                .skip(new Skipped("onednn", "attention-decode", "onednn has no ATTENTION for bf16"));
    }

    @Test
    void json_hasTheDocumentedFields() {
        String json = sample().json();
        assertTrue(json.startsWith("{\n  \"probes\": {\n    \"read_gbps\": 20,\n    \"fma_gflops\": 200\n  },\n  \"results\": [\n"), json);
        String flat = json.lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElseThrow();
        assertTrue(flat.contains("""
                      "backend": "jvm",
                      "case": "matmul-decode",
                      "shape": "M=1 K=4096 N=13696 bf16",
                      "median_ms": 8,
                      "achieved": 14,
                      "unit": "GB/s",
                      "fraction": 0.7,
                      "targets": [
                        {
                          "minimum": 0.7,
                          "of": "read_gbps",
                          "value": 0.7,
                          "pass": true
                        }
                      ]""".lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElseThrow()), json);
        assertTrue(json.contains("\"value\": null,\n          \"pass\": null"), json);
        assertTrue(json.contains("\"reason\": \"onednn has no ATTENTION for bf16\""), json);
        assertTrue(json.endsWith("\"run\": {\n    \"mode\": \"quick\"\n  }\n}\n"), json);
    }

    @Test
    void table_showsVerdictsAndSkips() {
        String table = sample().table();
        String[] lines = table.split("\n");
        int target = lines[0].indexOf("target"), check = lines[0].indexOf("check"), ms = lines[0].indexOf("median ms");
        assertTrue(lines[0].startsWith("backend  case"), table);
        assertEquals("PASS", lines[2].substring(check), table);
        assertEquals("n/a", lines[3].substring(check), table);
        assertTrue(lines[2].substring(target).startsWith(">=0.70 "), table);
        assertTrue(lines[3].substring(target).startsWith(">=0.90 of matmul-prefill-primitive (n/a)"), table);
        assertEquals("    8.000", lines[2].substring(ms, ms + 9), table);     // right-aligned under the header
        assertEquals("skipped: onednn attention-decode: onednn has no ATTENTION for bf16", lines[4]);
    }

    @Test
    void targetCheck_passesAtTheMinimum() {
        assertEquals("PASS", new TargetCheck(0.5, "read_gbps", true, 0.5).verdict());
        assertEquals("MISS", new TargetCheck(0.5, "read_gbps", true, 0.4999).verdict());
    }

    @Test
    void formats_keepAboutFourDigits() {
        assertEquals("0.0123", BenchReport.millis(0.01234));
        assertEquals("7.123", BenchReport.millis(7.1234));
        assertEquals("43.15", BenchReport.millis(43.149));
        assertEquals("7458.4", BenchReport.millis(7458.44));
        assertEquals("2.60", BenchReport.figure(2.6));
        assertEquals("208.1", BenchReport.figure(208.14));
    }
}
