package org.glm4j.bench.report;

import org.glm4j.model.json.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark run's findings: machine probes, run settings, result rows and skipped cases, rendered as an aligned
 * table for people and as JSON for tools. Used by {@code ./glm4j bench}; other modes (end-to-end runs) fill the
 * same rows. Not thread-safe.
 *
 * <p>The JSON is {@code {"probes": {...}, "results": [...], "skipped": [...], "run": {...}}}; each result has
 * {@code backend, case, shape, median_ms, achieved, unit, fraction, targets}, each target {@code minimum, of,
 * value, pass}. A number that is unknown or not finite is {@code null}.
 */
public final class BenchReport {
    private final Map<String, Object> probes = new LinkedHashMap<>();
    private final Map<String, Object> run = new LinkedHashMap<>();
    private final List<ResultRow> rows = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();

    /** Records a probe figure under {@code key} ({@code read_gbps}, {@code fma_gflops}). */
    public BenchReport probe(String key, double value) {
        probes.put(key, value);
        return this;
    }

    /** The probe figure under {@code key}, or null. */
    public Double probe(String key) {
        return probes.get(key) instanceof Double d ? d : null;
    }

    /** Records a run setting or machine fact (a string, number or boolean). */
    public BenchReport run(String key, Object value) {
        run.put(key, value);
        return this;
    }

    public BenchReport add(ResultRow row) {
        rows.add(row);
        return this;
    }

    public BenchReport skip(Skipped s) {
        skipped.add(s);
        return this;
    }

    public List<ResultRow> rows() { return List.copyOf(rows); }

    public List<Skipped> skipped() { return List.copyOf(skipped); }

    /** Replaces the rows (for example with targets filled in once every row is known). */
    public void replaceRows(List<ResultRow> newRows) {
        rows.clear();
        rows.addAll(newRows);
    }

    // ---------------------------------------------------------------- text

    /** The results as an aligned table, followed by one line per skipped case. */
    public String table() {
        Table t = new Table(
                List.of("backend", "case", "shape", "median ms", "achieved", "unit", "fraction", "target", "check"),
                List.of(Table.Align.LEFT, Table.Align.LEFT, Table.Align.LEFT, Table.Align.RIGHT, Table.Align.RIGHT,
                        Table.Align.LEFT, Table.Align.RIGHT, Table.Align.LEFT, Table.Align.LEFT));
        for (ResultRow r : rows) {
            List<String> targets = new ArrayList<>(), verdicts = new ArrayList<>();
            for (TargetCheck c : r.targets()) {
                targets.add(c.probe()
                        ? ">=" + fixed(c.minimum(), 2)
                        : ">=" + fixed(c.minimum(), 2) + " of " + c.of() + " (" + (c.value() == null ? "n/a" : fixed(c.value(), 2)) + ")");
                verdicts.add(c.verdict());
            }
            t.add(List.of(r.backend(), r.caseName(), r.shape(), millis(r.medianMs()), figure(r.achieved()), r.unit(),
                    r.fraction() == null ? "-" : fixed(r.fraction(), 2), String.join("; ", targets), String.join("/", verdicts)));
        }
        StringBuilder sb = new StringBuilder(t.render());
        for (Skipped s : skipped) sb.append("skipped: ").append(s.backend()).append(' ').append(s.caseName()).append(": ")
                .append(s.reason()).append('\n');
        return sb.toString();
    }

    /** Milliseconds with about four significant digits. */
    public static String millis(double ms) {
        if (!Double.isFinite(ms)) return "-";
        if (ms < 1) return fixed(ms, 4);
        if (ms < 10) return fixed(ms, 3);
        if (ms < 100) return fixed(ms, 2);
        return fixed(ms, 1);
    }

    /** A rate with one decimal (three significant digits below 10). */
    public static String figure(double v) {
        if (!Double.isFinite(v)) return "-";
        return v < 10 ? fixed(v, 2) : fixed(v, 1);
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    // ---------------------------------------------------------------- JSON

    /** The report as JSON text (with a final newline). */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("probes", probes);
        List<Object> results = new ArrayList<>();
        for (ResultRow r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("backend", r.backend());
            o.put("case", r.caseName());
            o.put("shape", r.shape());
            o.put("median_ms", r.medianMs());
            o.put("achieved", r.achieved());
            o.put("unit", r.unit());
            o.put("fraction", r.fraction());
            List<Object> targets = new ArrayList<>();
            for (TargetCheck c : r.targets()) {
                Map<String, Object> tc = new LinkedHashMap<>();
                tc.put("minimum", c.minimum());
                tc.put("of", c.of());
                tc.put("value", c.value());
                tc.put("pass", c.pass());
                targets.add(tc);
            }
            o.put("targets", targets);
            results.add(o);
        }
        root.put("results", results);
        List<Object> skips = new ArrayList<>();
        for (Skipped s : skipped) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("backend", s.backend());
            o.put("case", s.caseName());
            o.put("reason", s.reason());
            skips.add(o);
        }
        root.put("skipped", skips);
        root.put("run", run);
        return JsonWriter.write(root) + "\n";
    }
}
