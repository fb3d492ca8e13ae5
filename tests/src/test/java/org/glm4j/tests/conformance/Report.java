package org.glm4j.tests.conformance;

import org.glm4j.model.json.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.glm4j.model.golden.GoldenCheck;
import org.glm4j.model.json.Json;

/**
 * What {@code ./glm4j conformance} found: for each backend, the parity suite's counts and failures and each golden
 * case's errors against its tolerances. It renders the table the command prints and the JSON report that
 * {@code --json} writes (format in the README, section "Conformance"); the per-backend JSON is also how a backend's
 * test JVM hands its results to the command.
 *
 * @param started ISO-8601 start time
 * @param quick   whether the run was {@code --quick}
 * @param wallS   seconds the whole run took
 * @param backends one entry per registered backend that was asked for, available or not
 */
record Report(String started, boolean quick, double wallS, List<BackendResult> backends) {
    /** The {@code format} member of the JSON report. */
    static final String FORMAT = "glm4j-conformance/1";

    /** The outcome of a check: PASS and SKIP (with a reason) keep the exit status 0, FAIL makes it 1. */
    enum Status { PASS, FAIL, SKIP }

    /** Every backend that ran passed (skipped ones aside), and at least one ran. */
    boolean passed() {
        return backends.stream().noneMatch(b -> b.status() == Status.FAIL) && backends.stream().anyMatch(b -> b.status() == Status.PASS);
    }

    /** The command's exit status: 0 when {@link #passed()}, else 1. */
    int exitStatus() { return passed() ? 0 : 1; }

    // ---------------------------------------------------------------- results

    /** One result row of the table. */
    sealed interface Suite permits ParityResult, GoldenResult {
        /** {@code parity}, or {@code golden CASE WEIGHTS}. */
        String name();

        Status status();

        double wallS();

        /** What was checked, or the skip reason (table column "checked"). */
        String checked();

        /** The failures, one entry each (test or tensor, then the message). */
        List<String> failureLines();

        Map<String, Object> json();
    }

    /** A failed test and its message. */
    record Failure(String test, String message) {}

    /**
     * The parity suite on one backend.
     *
     * @param selection   the packages and classes that were run
     * @param passed      tests that passed
     * @param failed      tests and containers that failed (a failing method source counts once)
     * @param skipped     tests skipped with a reason (unsupported op and dtype, for instance)
     * @param notRun      tests left out by {@code --quick}
     * @param failures    each failure with its message
     * @param skipReasons the distinct skip reasons
     */
    record ParityResult(List<String> selection, int passed, int failed, int skipped, int notRun, List<Failure> failures,
                        List<String> skipReasons, double wallS) implements Suite {
        @Override public String name() { return "parity"; }

        /** FAIL when a test failed, or when no test passed (nothing that ran can vouch for the backend). */
        @Override public Status status() { return failed > 0 || passed == 0 ? Status.FAIL : Status.PASS; }

        @Override public String checked() {
            return passed + " passed, " + failed + " failed, " + skipped + " skipped" + (notRun > 0 ? ", " + notRun + " not in --quick" : "");
        }

        @Override public List<String> failureLines() {
            List<String> lines = new ArrayList<>();
            for (Failure f : failures) lines.add(f.test() + ": " + f.message());
            if (failed == 0 && passed == 0) lines.add("no test ran" + (skipped > 0 ? " (all " + skipped + " skipped)" : ""));
            return lines;
        }

        @Override public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("suite", name());
            m.put("status", status().name());
            m.put("selection", selection);
            m.put("passed", passed);
            m.put("failed", failed);
            m.put("skipped", skipped);
            m.put("not_run", notRun);
            m.put("wall_s", millis(wallS));
            List<Object> fs = new ArrayList<>();
            for (Failure f : failures) fs.add(ordered("test", f.test(), "message", f.message()));
            m.put("failures", fs);
            m.put("skip_reasons", skipReasons);
            return m;
        }
    }

    /** One compared tensor of a golden case (a {@link GoldenCheck.Row}). */
    record TensorRow(String tensor, String shape, double maxAbs, double maxRel, double ofTolerance, String tolerance, boolean ok) {
        static TensorRow of(GoldenCheck.Row r) {
            return new TensorRow(r.tensor(), r.detail(), r.maxAbs(), r.maxRel(), r.ofTolerance(), r.tolerance(), r.ok());
        }

        String describe() {
            return tensor + " " + shape + ": " + (Double.isNaN(maxAbs) ? "mismatch" : "max abs " + num(maxAbs) + ", max rel " + num(maxRel)
                    + (Double.isNaN(ofTolerance) ? "" : ", " + ratio(ofTolerance) + " of the tolerance")) + " (" + tolerance + ")";
        }
    }

    /**
     * One golden folder with one weight dtype on one backend, through {@link GoldenCheck}, the code of
     * {@code ./glm4j golden-check}.
     *
     * @param caseName the folder's name
     * @param weights  {@code f32} or {@code bf16}
     * @param skipped  why it did not run, or null
     * @param error    the exception that stopped the check, or null
     * @param tensors  every compared tensor
     */
    record GoldenResult(String caseName, String dir, String weights, String skipped, String error, List<TensorRow> tensors,
                        double wallS) implements Suite {
        @Override public String name() { return "golden " + caseName + " " + weights; }

        @Override public Status status() {
            if (skipped != null) return Status.SKIP;
            return error == null && !tensors.isEmpty() && tensors.stream().allMatch(TensorRow::ok) ? Status.PASS : Status.FAIL;
        }

        @Override public String checked() {
            if (skipped != null) return skipped;
            long bad = tensors.stream().filter(t -> !t.ok()).count();
            return (bad == 0 ? "" : bad + " of ") + tensors.size() + " tensors" + (bad == 0 ? "" : " failed") + (error == null ? "" : ", stopped");
        }

        /** The largest absolute error over every float tensor (NaN when there is none). */
        double maxAbs() { return tensors.stream().mapToDouble(TensorRow::maxAbs).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN); }

        double maxRel() { return tensors.stream().mapToDouble(TensorRow::maxRel).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN); }

        /** The float tensor that used most of its tolerance, or null. */
        TensorRow worst() {
            TensorRow w = null;
            for (TensorRow t : tensors)
                if (!Double.isNaN(t.ofTolerance()) && (w == null || t.ofTolerance() > w.ofTolerance())) w = t;
            return w;
        }

        @Override public List<String> failureLines() {
            List<String> lines = new ArrayList<>();
            if (error != null) lines.add(error);
            for (TensorRow t : tensors) if (!t.ok()) lines.add(t.describe());
            if (error == null && skipped == null && tensors.isEmpty()) lines.add("the folder has no tensor to compare");
            return lines;
        }

        @Override public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("suite", "golden");
            m.put("status", status().name());
            m.put("case", caseName);
            m.put("dir", dir);
            m.put("weights", weights);
            m.put("skipped", skipped);
            m.put("error", error);
            m.put("max_abs", maxAbs());
            m.put("max_rel", maxRel());
            TensorRow w = worst();
            m.put("worst", w == null ? null : ordered("tensor", w.tensor(), "of_tolerance", w.ofTolerance(), "tolerance", w.tolerance()));
            m.put("wall_s", millis(wallS));
            List<Object> ts = new ArrayList<>();
            for (TensorRow t : tensors) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("tensor", t.tensor());
                r.put("shape", t.shape());
                r.put("max_abs", t.maxAbs());
                r.put("max_rel", t.maxRel());
                r.put("of_tolerance", t.ofTolerance());
                r.put("tolerance", t.tolerance());
                r.put("ok", t.ok());
                ts.add(r);
            }
            m.put("tensors", ts);
            return m;
        }
    }

    /**
     * One backend.
     *
     * @param unavailable why it does not open here (then nothing ran), or null
     * @param error       why its run stopped early (test JVM crashed, timed out, backend did not open there), or null
     * @param running     the suite that was running when the run stopped, or null
     * @param log         the test JVM's output, or null when it was not kept
     */
    record BackendResult(String backend, String unavailable, String error, String running, String log, double wallS, List<Suite> suites) {
        static BackendResult unavailable(String backend, String reason) {
            return new BackendResult(backend, reason, null, null, null, 0, List.of());
        }

        Status status() {
            if (unavailable != null) return Status.SKIP;
            return error == null && suites.stream().noneMatch(s -> s.status() == Status.FAIL) ? Status.PASS : Status.FAIL;
        }

        BackendResult withError(String why, String logFile, double seconds) {
            return new BackendResult(backend, unavailable, why, running, logFile, seconds, suites);
        }

        BackendResult withLog(String logFile, double seconds) {
            return new BackendResult(backend, unavailable, error, running, logFile, seconds, suites);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend);
            m.put("status", status().name());
            m.put("unavailable", unavailable);
            m.put("error", error);
            m.put("running", running);
            m.put("log", log);
            m.put("wall_s", millis(wallS));
            List<Object> ss = new ArrayList<>();
            for (Suite s : suites) ss.add(s.json());
            m.put("suites", ss);
            return m;
        }

        /** Reads what {@link #json()} wrote ({@code source} names the file in errors). */
        static BackendResult fromJson(String text, String source) {
            Map<String, Object> m = Json.parseObject(text, source);
            List<Suite> suites = new ArrayList<>();
            for (Object o : Json.array(m, "suites", source)) {
                if (!(o instanceof Map<?, ?>)) throw new IllegalArgumentException(source + ": a suite is not an object");
                @SuppressWarnings("unchecked") Map<String, Object> s = (Map<String, Object>) o;
                String kind = str(s, "suite", source);
                if (kind.equals("parity")) {
                    List<Failure> failures = new ArrayList<>();
                    for (Object f : Json.array(s, "failures", source)) {
                        @SuppressWarnings("unchecked") Map<String, Object> fm = (Map<String, Object>) f;
                        failures.add(new Failure(str(fm, "test", source), str(fm, "message", source)));
                    }
                    List<String> selection = strings(Json.array(s, "selection", source), source);
                    List<String> reasons = strings(Json.array(s, "skip_reasons", source), source);
                    suites.add(new ParityResult(selection, integer(s, "passed", source), integer(s, "failed", source),
                            integer(s, "skipped", source), integer(s, "not_run", source), failures, reasons, number(s, "wall_s", source)));
                } else if (kind.equals("golden")) {
                    List<TensorRow> tensors = new ArrayList<>();
                    for (Object t : Json.array(s, "tensors", source)) {
                        @SuppressWarnings("unchecked") Map<String, Object> tm = (Map<String, Object>) t;
                        tensors.add(new TensorRow(str(tm, "tensor", source), str(tm, "shape", source), number(tm, "max_abs", source),
                                number(tm, "max_rel", source), number(tm, "of_tolerance", source), str(tm, "tolerance", source),
                                Boolean.TRUE.equals(tm.get("ok"))));
                    }
                    suites.add(new GoldenResult(str(s, "case", source), str(s, "dir", source), str(s, "weights", source),
                            str(s, "skipped", source), str(s, "error", source), tensors, number(s, "wall_s", source)));
                } else throw new IllegalArgumentException(source + ": unknown suite kind '" + kind + "'");
            }
            return new BackendResult(str(m, "backend", source), str(m, "unavailable", source), str(m, "error", source),
                    str(m, "running", source), str(m, "log", source), number(m, "wall_s", source), suites);
        }
    }

    // ---------------------------------------------------------------- output

    /** The JSON report. */
    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("passed", passed());
        m.put("exit_status", exitStatus());
        m.put("started", started);
        m.put("wall_s", millis(wallS));
        m.put("quick", quick);
        m.put("java", Runtime.version().toString());
        List<Object> bs = new ArrayList<>();
        for (BackendResult b : backends) bs.add(b.json());
        m.put("backends", bs);
        return JsonWriter.write(m) + "\n";
    }

    /** Skip reasons listed per backend in the text output; the JSON report has all of them. */
    static final int SKIP_REASONS_SHOWN = 8;
    /** Lines of one failure message shown in the text output; the JSON report has all of them. */
    static final int MESSAGE_LINES_SHOWN = 4;

    /** The table, then the failures, the skip reasons and a one-line verdict. */
    String text() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "backend", "suite", "result", "checked", "max abs", "max rel", "worst of tolerance", "time" });
        for (BackendResult b : backends) {
            if (b.unavailable() != null) rows.add(new String[] { b.backend(), "-", "SKIP", b.unavailable(), "", "", "", "" });
            for (Suite s : b.suites()) {
                String abs = "-", rel = "-", worst = "-";
                if (s instanceof GoldenResult g && g.skipped() == null) {
                    abs = num(g.maxAbs());
                    rel = num(g.maxRel());
                    TensorRow w = g.worst();
                    if (w != null) worst = ratio(w.ofTolerance()) + " " + w.tensor();
                }
                boolean skip = s.status() == Status.SKIP;
                rows.add(new String[] { b.backend(), s.name(), s.status().name(), s.checked(), skip ? "" : abs, skip ? "" : rel,
                        skip ? "" : worst, skip ? "" : String.format(Locale.ROOT, "%.1f s", s.wallS()) });
            }
            if (b.error() != null)
                rows.add(new String[] { b.backend(), b.running() == null ? "-" : b.running(), "FAIL", "run stopped (see failures)", "", "", "", "" });
        }
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows)
            for (int i = 0; i < r.length; i++)
                if (!(r[2].equals("SKIP") && i == 3)) width[i] = Math.max(width[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean right = i == 4 || i == 5 || i == 7;
                String cell = right ? " ".repeat(Math.max(0, width[i] - r[i].length())) + r[i] : r[i] + " ".repeat(Math.max(0, width[i] - r[i].length()));
                line.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }

        List<String> failures = new ArrayList<>();
        for (BackendResult b : backends) {
            for (Suite s : b.suites())
                for (String f : s.failureLines()) failures.add(b.backend() + " " + s.name() + ": " + shorten(f));
            if (b.error() != null) failures.add(b.backend() + ": " + b.error());
        }
        if (!failures.isEmpty()) {
            sb.append("\nFailures (").append(failures.size()).append("):\n");
            for (String f : failures) sb.append("  ").append(f.replace("\n", "\n      ")).append('\n');
        }
        List<String> skips = new ArrayList<>();
        for (BackendResult b : backends)
            for (Suite s : b.suites())
                if (s instanceof ParityResult p && !p.skipReasons().isEmpty()) {
                    List<String> reasons = p.skipReasons();
                    for (String r : reasons.subList(0, Math.min(SKIP_REASONS_SHOWN, reasons.size())))
                        skips.add(b.backend() + " parity: " + firstLine(r));
                    if (reasons.size() > SKIP_REASONS_SHOWN)
                        skips.add(b.backend() + " parity: ... and " + (reasons.size() - SKIP_REASONS_SHOWN) + " more (all of them in --json)");
                }
        if (!skips.isEmpty()) {
            sb.append("\nSkip reasons:\n");
            for (String s : skips) sb.append("  ").append(s).append('\n');
        }
        long ran = backends.stream().filter(b -> b.status() != Status.SKIP).count();
        long failedSuites = backends.stream().flatMap(b -> b.suites().stream()).filter(s -> s.status() == Status.FAIL).count()
                + backends.stream().filter(b -> b.error() != null).count();
        sb.append('\n').append(passed() ? "PASS" : "FAIL").append(quick ? " (--quick)" : "")
                .append(String.format(Locale.ROOT, ": %d backend%s checked", ran, ran == 1 ? "" : "s"));
        long unavailable = backends.size() - ran;
        if (unavailable > 0) sb.append(", ").append(unavailable).append(" unavailable");
        if (failedSuites > 0) sb.append(", ").append(failedSuites).append(" failed");
        sb.append(String.format(Locale.ROOT, ", in %.0f s%n", wallS));
        return sb.toString();
    }

    // ---------------------------------------------------------------- helpers

    /** Seconds rounded to milliseconds, for the JSON report. */
    static double millis(double seconds) { return Math.round(seconds * 1000) / 1000.0; }

    static String num(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return "inf";
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
    }

    static String ratio(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return "inf";
        return String.format(Locale.ROOT, v >= 100 ? "%.3g×" : "%.2f×", v);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    /** At most {@link #MESSAGE_LINES_SHOWN} lines of a message. */
    private static String shorten(String s) {
        String[] lines = s.strip().split("\n", -1);
        if (lines.length <= MESSAGE_LINES_SHOWN) return s.strip();
        return String.join("\n", java.util.Arrays.copyOf(lines, MESSAGE_LINES_SHOWN)) + "\n... (" + (lines.length - MESSAGE_LINES_SHOWN)
                + " more lines in --json)";
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static String str(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        return v == null ? null : Json.asString(v, source + ": " + key);
    }

    private static int integer(Map<String, Object> m, String key, String source) {
        return Math.toIntExact(Json.asLong(m.get(key), source + ": " + key));
    }

    /** A number, or NaN for {@code null} (how {@link JsonWriter} writes a non-finite value). */
    private static double number(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        return v == null ? Double.NaN : Json.asDouble(v, source + ": " + key);
    }

    private static List<String> strings(List<Object> list, String source) {
        List<String> out = new ArrayList<>();
        for (Object o : list) out.add(Json.asString(o, source + ": list entry"));
        return List.copyOf(out);
    }
}
