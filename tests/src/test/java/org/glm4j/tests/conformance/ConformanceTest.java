package org.glm4j.tests.conformance;

import org.glm4j.model.json.JsonWriter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.model.json.Json;
import org.glm4j.model.weights.SafetensorsHeader;
import org.glm4j.tests.conformance.Report.BackendResult;
import org.glm4j.tests.conformance.Report.Failure;
import org.glm4j.tests.conformance.Report.GoldenResult;
import org.glm4j.tests.conformance.Report.ParityResult;
import org.glm4j.tests.conformance.Report.TensorRow;
import org.glm4j.tests.golden.GoldenCases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./glm4j conformance}: its verdict, exit status, table and JSON, on real runs (each backend in a JVM of its
 * own) over tiny selections — a passing one on jvm, a planted failing parity suite and a golden folder whose
 * reference was altered, a JVM that dies mid-run — and on hand-made results for the report alone.
 */
class ConformanceTest {
    /** What one run printed and returned. */
    record Run(int status, String out, String err) {}

    /** Log folders that failing runs kept, removed after each test. */
    private final List<Path> keptLogs = new ArrayList<>();

    @AfterEach
    void removeKeptLogs() throws IOException {
        for (Path dir : keptLogs)
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
    }

    Run conformance(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Conformance.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        Run r = new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("conformance " + String.join(" ", args) + " -> " + rc + "\n" + r.err() + r.out());
        Matcher logs = Pattern.compile("(?m)^logs: (.+)$").matcher(r.out());
        if (logs.find()) keptLogs.add(Path.of(logs.group(1)));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) { return (Map<String, Object>) o; }

    private static List<Object> list(Map<String, Object> m, String key) { return Json.array(m, key, "report"); }

    @Test
    void tinySubsetOnJvm_passesWithExitStatusZero(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("report.json");
        Run r = conformance("--backend", "jvm", "--parity", "RmsNormParityTest", "--no-shipped-golden",
                "--golden", GoldenCases.dir(GoldenCases.VIDEO).toString(), "--json", json.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("\nPASS: 1 backend checked"), r.out());
        assertTrue(r.out().matches("(?s).*\\njvm +parity +PASS +\\d+ passed, 0 failed.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\njvm +golden glm4v-tiny-video f32 +PASS +19 tensors.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\njvm +golden glm4v-tiny-video bf16 +SKIP +no bf16-weights reference.*"), r.out());

        Map<String, Object> report = Json.parseObject(Files.readString(json), "report");
        assertEquals(Report.FORMAT, report.get("format"));
        assertEquals(true, report.get("passed"));
        assertEquals(0L, report.get("exit_status"));
        Map<String, Object> jvm = obj(list(report, "backends").getFirst());
        assertEquals("jvm", jvm.get("backend"));
        assertEquals("PASS", jvm.get("status"));
        List<Object> suites = list(jvm, "suites");
        assertEquals(3, suites.size());
        Map<String, Object> parity = obj(suites.get(0));
        assertTrue((Long) parity.get("passed") > 10, parity::toString);
        assertEquals(0L, parity.get("failed"));
        Map<String, Object> golden = obj(suites.get(1));
        assertEquals("PASS", golden.get("status"));
        assertTrue(Json.asDouble(golden.get("max_abs"), "max_abs") < 1e-3);
        assertTrue(Json.asDouble(obj(golden.get("worst")).get("of_tolerance"), "worst") <= 1);
        assertEquals(19, list(golden, "tensors").size());
        assertEquals("SKIP", obj(suites.get(2)).get("status"));
    }

    @Test
    void plantedFailures_reportFailWithTheFailingTestsAndTensors(@TempDir Path tmp) throws IOException {
        Path wrongGolden = alteredVideoCase(tmp.resolve("altered-video"));
        Path json = tmp.resolve("report.json");
        Run r = conformance("--backend", "jvm", "--parity", "org.glm4j.tests.conformance.planted.PlantedFailures", "--no-shipped-golden",
                "--golden", wrongGolden.toString(), "--json", json.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().matches("(?s).*\\njvm +parity +FAIL +1 passed, 1 failed, 1 skipped.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\njvm +golden altered-video f32 +FAIL +1 of 19 tensors failed.*"), r.out());
        assertTrue(r.out().contains("jvm parity: PlantedFailures.softmax_wrongSignOnTheDevice: softmax on loopback"), r.out());
        assertTrue(r.out().contains("case 'planted wrong sign' vs jvm"), r.out());
        assertTrue(r.out().contains("jvm golden altered-video f32: logits [75,1024]: max abs 5.00e-01"), r.out());
        assertTrue(r.out().contains("jvm parity: planted skip: this case does not apply"), r.out());
        assertTrue(r.out().contains("\nFAIL: 1 backend checked, 2 failed"), r.out());
        assertTrue(r.out().contains("\nlogs: "), "the logs are kept when something failed: " + r.out());
        assertTrue(Files.readString(keptLogs.getLast().resolve("jvm.log")).contains("planted wrong sign"), "the test JVM's output is in its log");

        Map<String, Object> report = Json.parseObject(Files.readString(json), "report");
        assertEquals(false, report.get("passed"));
        assertEquals(1L, report.get("exit_status"));
        Map<String, Object> jvm = obj(list(report, "backends").getFirst());
        assertEquals("FAIL", jvm.get("status"));
        Map<String, Object> parity = obj(list(jvm, "suites").getFirst());
        assertEquals(1L, parity.get("failed"));
        Map<String, Object> failure = obj(list(parity, "failures").getFirst());
        assertEquals("PlantedFailures.softmax_wrongSignOnTheDevice", failure.get("test"));
        Map<String, Object> golden = obj(list(jvm, "suites").get(1));
        assertEquals("FAIL", golden.get("status"));
        List<Object> bad = list(golden, "tensors").stream().filter(t -> obj(t).get("ok").equals(false)).toList();
        assertEquals(1, bad.size());
        assertEquals("logits", obj(bad.getFirst()).get("tensor"));
        assertTrue(Json.asDouble(obj(bad.getFirst()).get("of_tolerance"), "of_tolerance") > 100);
    }

    @Test
    void aJvmThatDies_failsItsBackendAndSaysWhere() {
        Run r = conformance("--backend", "jvm", "--parity", "org.glm4j.tests.conformance.planted.PlantedCrash", "--no-shipped-golden");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("jvm: its test JVM ended with exit status 3 while running parity"), r.out());
        assertTrue(r.out().matches("(?s).*\\njvm +parity +FAIL +run stopped.*"), r.out());
    }

    @Test
    void quick_runsOnlyTheRealShapeCases(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("report.json");
        Run r = conformance("--backend", "jvm", "--parity", "RmsNormParityTest", "--no-shipped-golden", "--quick", "--json", json.toString());
        assertEquals(0, r.status(), r.out());
        Map<String, Object> parity = obj(list(obj(list(Json.parseObject(Files.readString(json), "report"), "backends").getFirst()), "suites").getFirst());
        assertEquals(3L, parity.get("passed"), "RmsNormParityTest has three real-shape cases: " + parity);
        assertTrue((Long) parity.get("not_run") > 10, parity::toString);
        assertTrue(r.out().contains("not in --quick"), r.out());
    }

    @Test
    void badUsage_isExitStatusTwoWithAMessage(@TempDir Path tmp) {
        Run unknown = conformance("--bogus");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown option --bogus"), unknown.err());

        Run backend = conformance("--backend", "nosuch");
        assertEquals(2, backend.status());
        assertTrue(backend.err().contains("no backend named 'nosuch'; registered: ["), backend.err());

        Run folder = conformance("--backend", "jvm", "--golden", tmp.toString());
        assertEquals(2, folder.status());
        assertTrue(folder.err().contains("--golden " + tmp + ": no config.json"), folder.err());

        Run cls = conformance("--parity", "NoSuchParityTest");
        assertEquals(2, cls.status());
        assertTrue(cls.err().contains("--parity NoSuchParityTest: no such test class (looked for org.glm4j.tests.ops.NoSuchParityTest"), cls.err());

        Run nothing = conformance("--no-parity", "--no-shipped-golden");
        assertEquals(2, nothing.status());
        assertTrue(nothing.err().contains("nothing to check"), nothing.err());

        Run timeout = conformance("--timeout", "0");
        assertEquals(2, timeout.status());
        assertTrue(timeout.err().contains("--timeout must be a positive number of seconds, got 0"), timeout.err());
    }

    @Test
    void aNamedBackendThatCannotOpen_isAnErrorBeforeAnythingRuns() {
        String name = null;
        for (BackendProvider p : Backends.providers()) {
            try (Backend b = p.open()) {
                continue;
            } catch (BackendUnavailableException e) {
                name = p.name();
                break;
            }
        }
        assumeTrue(name != null, "every registered backend opens here");
        Run r = conformance("--backend", name);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--backend " + name + " cannot run here: " + name + " unavailable: "), r.err());
        assertEquals("", r.out(), "nothing ran");
    }

    @Test
    void report_verdictTableAndJsonRoundTrip() {
        ParityResult parity = new ParityResult(List.of("org.glm4j.tests.ops"), 40, 1, 2, 0,
                List.of(new Failure("MatmulParityTest.matmul_matchesJvm [onednn real text q_proj]", "matmul on onednn: element [0, 3]\nexpected 1 got 2")),
                List.of("onednn has no ATTENTION for F16"), 12.5);
        GoldenResult golden = new GoldenResult("glm4v-tiny", "/g/glm4v-tiny", "f32", null, null, List.of(
                new TensorRow("pixel_values", "[392, 1176]", 1e-7, 2e-6, 0.01, "1e-05 abs", true),
                new TensorRow("logits", "[33, 1024]", 3e-5, 4e-4, 0.25, "1e-04 abs + 1e-03 rel", true),
                new TensorRow("generated_ids", "[8]", Double.NaN, Double.NaN, Double.NaN, "exact", true)), 8.0);
        GoldenResult skipped = new GoldenResult("glm4v-tiny-video", "/g/v", "bf16", "no bf16-weights reference", null, List.of(), 0);
        BackendResult onednn = new BackendResult("onednn", null, null, null, "/tmp/onednn.log", 30, List.of(parity, golden, skipped));
        BackendResult cuda = BackendResult.unavailable("cuda", "cuda unavailable: libcuda.so.1 not found");

        Report failing = new Report("2025-01-01T00:00:00Z", false, 42, List.of(onednn, cuda));
        assertFalse(failing.passed());
        assertEquals(1, failing.exitStatus());
        String text = failing.text();
        assertTrue(text.matches("(?s).*\\nonednn +parity +FAIL +40 passed, 1 failed, 2 skipped.*"), text);
        assertTrue(text.matches("(?s).*\\nonednn +golden glm4v-tiny f32 +PASS +3 tensors +3\\.00e-05 +4\\.00e-04 +0\\.25× logits +8\\.0 s\\n.*"), text);
        assertTrue(text.matches("(?s).*\\ncuda +- +SKIP +cuda unavailable: libcuda.so.1 not found\\n.*"), text);
        assertTrue(text.contains("onednn parity: MatmulParityTest.matmul_matchesJvm [onednn real text q_proj]: matmul on onednn: element [0, 3]\n"
                + "      expected 1 got 2"), text);
        assertTrue(text.contains("onednn parity: onednn has no ATTENTION for F16"), text);
        assertTrue(text.contains("\nFAIL: 1 backend checked, 1 unavailable, 1 failed, in 42 s"), text);

        BackendResult back = BackendResult.fromJson(JsonWriter.write(onednn.json()), "round trip");
        assertEquals(onednn, back);

        BackendResult passing = new BackendResult("onednn", null, null, null, null, 30,
                List.of(new ParityResult(List.of("x"), 40, 0, 2, 0, List.of(), List.of(), 1), golden, skipped));
        Report ok = new Report("2025-01-01T00:00:00Z", false, 42, List.of(passing, cuda));
        assertTrue(ok.passed(), "skips keep the verdict");
        assertEquals(0, ok.exitStatus());
        assertTrue(ok.text().contains("\nPASS: 1 backend checked, 1 unavailable, in 42 s"), ok.text());

        Report nothingRan = new Report("2025-01-01T00:00:00Z", false, 1, List.of(cuda));
        assertEquals(1, nothingRan.exitStatus(), "a run where nothing ran is not a pass");

        ParityResult empty = new ParityResult(List.of("x"), 0, 0, 5, 0, List.of(), List.of("no device"), 1);
        assertEquals(Report.Status.FAIL, empty.status(), "a parity run where nothing passed is not a pass");
        assertEquals(List.of("no test ran (all 5 skipped)"), empty.failureLines());
    }

    /** A copy of the video case whose expected logits have their first value moved by 0.5 (a wrong reference). */
    private static Path alteredVideoCase(Path dir) throws IOException {
        Path source = GoldenCases.dir(GoldenCases.VIDEO);
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(source)) {
            for (Path f : s.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        Path outputs = dir.resolve("outputs.safetensors");
        try (FileChannel ch = FileChannel.open(outputs, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SafetensorsHeader h = SafetensorsHeader.read(outputs, ch);
            SafetensorsHeader.Entry logits = h.entries().stream().filter(e -> e.name().equals("logits")).findFirst().orElseThrow();
            long at = h.dataStart() + logits.begin();
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, at);
            float v = b.flip().getFloat();
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v + 0.5f), at);
        }
        return dir;
    }
}
