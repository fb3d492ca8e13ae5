package org.glm4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.glm4j.bench.ops.PairedTimings;
import org.glm4j.bench.probe.FmaProbe;
import org.glm4j.bench.probe.MachineInfo;
import org.glm4j.bench.probe.ReadBandwidthProbe;
import org.glm4j.bench.report.BenchReport;
import org.glm4j.bench.report.ResultRow;
import org.glm4j.bench.report.Skipped;
import org.glm4j.bench.report.TargetCheck;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;

/**
 * {@code ./glm4j bench}: measures the machine with two probes, runs every selected case on every selected backend
 * through JMH (one forked JVM each), and prints a table, optionally also JSON. See {@code bench/README.md}.
 *
 * <p>Exit status: 0 when every case ran (targets missed or not), 1 when a probe or case failed, 2 for bad options
 * or a backend that was asked for and cannot open.
 */
public final class BenchMain {
    private static final long MIB = 1L << 20, GIB = 1L << 30;
    private static final String READ_PROBE = "org.glm4j.bench.probe.ReadBandwidthProbe.read";
    private static final String FMA_PROBE = "org.glm4j.bench.probe.FmaProbe.fma";
    private static final int FMA_ITERATIONS = 1 << 22;

    private BenchMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** What the bench needs to know of a backend, learnt by opening it once in this JVM. */
    private record BackendInfo(String name, boolean host, Map<String, Boolean> supports) {}

    /** A case's median time on a backend, before the second probe run gives its fraction. */
    private record Measured(BenchCase benchCase, String backend, double medianMs) {}

    static int run(String... argv) {
        if (java.util.Arrays.asList(argv).contains("--e2e")) return org.glm4j.bench.e2e.E2eBench.run(argv);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println("bench: the Vector API is missing; run with --add-modules jdk.incubator.vector (./glm4j does)");
            return 2;
        }
        BenchCatalog catalog;
        BenchArgs args;
        List<BenchCase> cases;
        try {
            catalog = BenchCatalog.load();
            args = BenchArgs.parse(argv);
            cases = select(catalog, args.cases());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchArgs.usage(BenchCatalog.load().names()));
            return 2;
        }
        if (args.help()) {
            System.out.print(BenchArgs.usage(catalog.names()));
            return 0;
        }
        List<BackendInfo> backends;
        try {
            backends = backends(args.backends(), cases);
        } catch (IllegalArgumentException | BackendUnavailableException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
        if (backends.isEmpty()) {
            System.err.println("bench: no backend opens here");
            return 1;
        }

        int cpus = MachineInfo.cpus();
        long llc = MachineInfo.lastLevelCacheBytes();
        long rotateBytes = args.warm() ? 0 : Math.max(256 * MIB, 2 * llc);
        long readBytes = roundUp(Math.max(GIB, 4 * llc), MIB);
        BenchReport report = new BenchReport()
                .run("mode", args.full() ? "full" : "quick")
                .run("cache", args.warm() ? "warm" : "cold")
                .run("rotate_bytes", rotateBytes)
                .run("cpu", MachineInfo.cpuModel())
                .run("cpus", cpus)
                .run("llc_bytes", llc)
                .run("read_probe_bytes", readBytes)
                .run("vector_bits", FmaProbe.lanes() * 32)
                .run("java", Runtime.version().toString());
        System.err.printf("bench: %s mode, backends %s, %s cache (rotating %d MiB past a %d MiB last-level cache)%n",
                args.full() ? "full" : "quick", backends.stream().map(BackendInfo::name).toList(),
                args.warm() ? "warm" : "cold", rotateBytes / MIB, llc / MIB);

        JmhRunner jmh = new JmhRunner(args.verbose());
        JmhRunner.Plan probePlan = args.full() ? new JmhRunner.Plan(5, 1000, 10, 1000) : new JmhRunner.Plan(2, 300, 5, 300);
        List<double[]> probeRuns = new ArrayList<>();      // {read_gbps, fma_gflops} before and after the cases
        double loadBefore = MachineInfo.loadAverage();
        try {
            probeRuns.add(probes(jmh, probePlan, readBytes, cpus));
        } catch (JmhRunner.Failure e) {
            System.err.println("bench: probe failed: " + e.getMessage());
            return 1;
        }

        int failures = 0;
        List<Measured> measured = new ArrayList<>();
        Map<String, Double> sameRun = new LinkedHashMap<>();           // "backend/case" -> paired op's rate over the case's
        for (BenchCase c : cases) {
            for (BackendInfo b : backends) {
                if (!c.appliesTo(b.name())) continue;
                if (!b.supports().get(c.name())) {
                    report.skip(new Skipped(b.name(), c.name(), b.name() + " has no " + c.op() + " for " + c.dtype()));
                    continue;
                }
                Map<String, String> params = new LinkedHashMap<>();
                params.put("backend", b.name());
                if (c.rotates()) params.put("rotateBytes", Long.toString(rotateBytes));
                try {
                    JmhRunner.Run run = jmh.measure(c.benchmark(), params, plan(c, args.full()));
                    double ms = JmhRunner.median(run.primary());
                    double[] paired = pairedTimes(run);
                    String note = "";
                    if (paired != null) {
                        ms = paired[0];
                        sameRun.put(b.name() + "/" + c.name(), paired[1]);
                        note = String.format(" (the op it is paired with: %.2f of it, same run)", paired[1]);
                    }
                    measured.add(new Measured(c, b.name(), ms));
                    System.err.printf("bench: %-18s %-8s %s ms, %s %s%s%n", c.name(), b.name(), BenchReport.millis(ms),
                            BenchReport.figure(c.metric().achieved(c.work(), ms)), c.metric().unit(), note);
                } catch (JmhRunner.Failure e) {
                    failures++;
                    System.err.println("bench: " + c.name() + " on " + b.name() + " failed: " + e.getMessage());
                    report.skip(new Skipped(b.name(), c.name(), "failed: " + firstLine(e.getMessage())));
                }
            }
        }

        try {
            probeRuns.add(probes(jmh, probePlan, readBytes, cpus));
        } catch (JmhRunner.Failure e) {
            System.err.println("bench: probe failed: " + e.getMessage());
            return 1;
        }
        double loadAfter = MachineInfo.loadAverage();
        // The probes measure the machine's limits; other load only lowers them, so the higher run is the better estimate.
        report.probe("read_gbps", probeRuns.stream().mapToDouble(p -> p[0]).max().orElseThrow());
        report.probe("fma_gflops", probeRuns.stream().mapToDouble(p -> p[1]).max().orElseThrow());
        report.run("read_gbps_runs", probeRuns.stream().map(p -> (Object) p[0]).toList());
        report.run("fma_gflops_runs", probeRuns.stream().map(p -> (Object) p[1]).toList());
        report.run("load_average", List.of(loadBefore, loadAfter));
        if (Math.max(loadBefore, loadAfter) > cpus)
            System.err.printf("bench: warning: load average %.1f / %.1f (before / after) on %d cpus: other work competed"
                    + " for the machine, so these figures are noisy%n", loadBefore, loadAfter, cpus);
        for (Measured m : measured) report.add(row(m.benchCase(), m.backend(), m.medianMs(), report));
        report.replaceRows(withTargets(report.rows(), catalog.targets(),
                name -> backends.stream().filter(b -> b.name().equals(name)).allMatch(BackendInfo::host), sameRun));

        System.out.printf("probes: read %.1f GB/s, f32 FMA %.1f GFLOP/s (%d threads)%n",
                report.probe("read_gbps"), report.probe("fma_gflops"), cpus);
        System.out.print(report.table());
        if (args.json() != null) {
            try {
                Files.writeString(args.json(), report.json());
                System.err.println("bench: wrote " + args.json());
            } catch (IOException e) {
                System.err.println("bench: cannot write " + args.json() + ": " + e.getMessage());
                return 1;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** Runs both probes once: {read GB/s, FMA GFLOP/s}. */
    private static double[] probes(JmhRunner jmh, JmhRunner.Plan plan, long readBytes, int cpus) throws JmhRunner.Failure {
        double ms = JmhRunner.median(jmh.run(READ_PROBE,
                Map.of("bytes", Long.toString(readBytes), "threads", Integer.toString(cpus)), plan));
        double gbps = Metric.BANDWIDTH.achieved(ReadBandwidthProbe.bytesRead(readBytes, cpus), ms);
        System.err.printf("bench: probe read bandwidth %.1f GB/s (%d MiB, %d threads)%n", gbps, readBytes / MIB, cpus);
        ms = JmhRunner.median(jmh.run(FMA_PROBE,
                Map.of("iterations", Integer.toString(FMA_ITERATIONS), "threads", Integer.toString(cpus)), plan));
        double gflops = Metric.COMPUTE.achieved(FmaProbe.flops(cpus, FMA_ITERATIONS), ms);
        System.err.printf("bench: probe f32 FMA %.1f GFLOP/s (%d threads, %d-bit vectors)%n", gflops, cpus, FmaProbe.lanes() * 32);
        return new double[] { gbps, gflops };
    }

    /** The cases named on the command line, in catalog order, or all. */
    static List<BenchCase> select(BenchCatalog catalog, List<String> names) {
        for (String n : names)
            if (catalog.find(n) == null)
                throw new IllegalArgumentException("no case named '" + n + "'; cases: " + String.join(", ", catalog.names()));
        return catalog.cases().stream().filter(c -> names.isEmpty() || names.contains(c.name())).toList();
    }

    /** Opens each named backend (or every available one) once, to learn its device and what it supports. */
    private static List<BackendInfo> backends(List<String> names, List<BenchCase> cases) {
        List<Backend> opened = new ArrayList<>();
        try {
            if (names.isEmpty()) {
                opened.addAll(Backends.openAvailable(reason -> System.err.println("bench: not running " + reason)));
            } else {
                for (String n : names) {
                    if (opened.stream().anyMatch(b -> b.name().equals(n))) continue;
                    opened.add(Backends.open(n));
                }
            }
            List<BackendInfo> infos = new ArrayList<>();
            for (Backend b : opened) {
                Map<String, Boolean> supports = new LinkedHashMap<>();
                for (BenchCase c : cases) supports.put(c.name(), b.supports(c.op(), c.dtype()));
                infos.add(new BackendInfo(b.name(), b.device().isHost(), supports));
            }
            return infos;
        } finally {
            for (Backend b : opened) b.close();
        }
    }

    private static JmhRunner.Plan plan(BenchCase c, boolean full) {
        if (full) return c.heavy() ? new JmhRunner.Plan(3, 1000, 5, 1000) : new JmhRunner.Plan(5, 1000, 10, 1000);
        // Heavy cases get a few seconds of warm-up so C2 has compiled the Vector API kernels before measuring.
        return c.heavy() ? new JmhRunner.Plan(4, 500, 3, 300) : new JmhRunner.Plan(3, 300, 5, 300);
    }

    /** A result row for {@code ms} per call of case {@code c}, its fraction taken against the report's probe. */
    static ResultRow row(BenchCase c, String backend, double ms, BenchReport report) {
        double achieved = c.metric().achieved(c.work(), ms);
        Double probe = report.probe(c.metric().probe());
        Double fraction = probe == null || !(probe > 0) ? null : achieved / probe;
        return new ResultRow(backend, c.name(), c.shape(), ms, achieved, c.metric().unit(), fraction, List.of());
    }

    /**
     * A paired benchmark's ({@link PairedTimings}) reference time per call, median over iterations, and the median
     * of its iterations' ratios reference time ÷ paired time (the paired op's rate over the reference's); null for
     * a benchmark without those counters.
     */
    static double[] pairedTimes(JmhRunner.Run run) {
        double[] ref = run.secondary().get(PairedTimings.Names.REFERENCE), paired = run.secondary().get(PairedTimings.Names.PAIRED),
                n = run.secondary().get(PairedTimings.Names.PAIRS);
        if (ref == null || paired == null || n == null) return null;
        double[] ms = new double[ref.length], ratio = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            ms[i] = ref[i] / Math.max(1, n[i]) / 1e6;
            ratio[i] = ref[i] / paired[i];
        }
        return new double[] { JmhRunner.median(ms), JmhRunner.median(ratio) };
    }

    /** Each row with the targets that apply to its case and backend evaluated (no same-run ratios). */
    static List<ResultRow> withTargets(List<ResultRow> rows, List<Target> targets, Predicate<String> isHostBackend) {
        return withTargets(rows, targets, isHostBackend, Map.of());
    }

    /**
     * Each row with the targets that apply to its case and backend evaluated; a same-run target takes its ratio
     * from {@code sameRun} ({@code "backend/reference case"} → the paired op's rate over the reference's).
     */
    static List<ResultRow> withTargets(List<ResultRow> rows, List<Target> targets, Predicate<String> isHostBackend,
                                       Map<String, Double> sameRun) {
        List<ResultRow> out = new ArrayList<>();
        for (ResultRow r : rows) {
            boolean host = isHostBackend.test(r.backend());
            List<TargetCheck> checks = new ArrayList<>();
            for (Target t : targets) {
                if (!t.caseName().equals(r.caseName()) || !t.appliesTo(r.backend(), host)) continue;
                if (t.reference() == null) {
                    checks.add(new TargetCheck(t.minimum(), probeOf(r.unit()), true, r.fraction()));
                } else if (t.sameRun()) {
                    checks.add(new TargetCheck(t.minimum(), t.referenceLabel(), false, sameRun.get(r.backend() + "/" + t.reference())));
                } else {
                    String refBackend = t.referenceBackend() == null ? r.backend() : t.referenceBackend();
                    Double value = rows.stream()
                            .filter(o -> o.backend().equals(refBackend) && o.caseName().equals(t.reference()))
                            .findFirst().map(o -> r.achieved() / o.achieved()).orElse(null);
                    checks.add(new TargetCheck(t.minimum(), t.referenceLabel(), false, value));
                }
            }
            out.add(r.withTargets(checks));
        }
        return out;
    }

    private static String probeOf(String unit) {
        for (Metric m : Metric.values()) if (m.unit().equals(unit)) return m.probe();
        throw new IllegalArgumentException("bench: no probe measures " + unit);
    }

    private static long roundUp(long v, long unit) {
        return (v + unit - 1) / unit * unit;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
