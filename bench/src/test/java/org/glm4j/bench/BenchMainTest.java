package org.glm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.glm4j.bench.report.BenchReport;
import org.glm4j.bench.report.ResultRow;
import org.glm4j.bench.report.TargetCheck;
import org.junit.jupiter.api.Test;

class BenchMainTest {
    private static final BenchCatalog CATALOG = BenchCatalog.load();

    @Test
    void row_computesAchievedAndFractionFromTheMedian() {
        BenchReport report = new BenchReport().probe("read_gbps", 20.0).probe("fma_gflops", 200.0);
        BenchCase decode = CATALOG.find("matmul-decode");
        ResultRow r = BenchMain.row(decode, "jvm", 10.0, report);          // 112 MB in 10 ms
        assertEquals(decode.work() / 0.010 / 1e9, r.achieved(), 1e-9);
        assertEquals(r.achieved() / 20.0, r.fraction(), 1e-12);
        assertEquals("GB/s", r.unit());
        ResultRow p = BenchMain.row(CATALOG.find("matmul-prefill"), "jvm", 1000.0, report);
        assertEquals(2.0 * 512 * 4096 * 4096 / 1e9, p.achieved(), 1e-9);
        assertEquals("GFLOP/s", p.unit());
        assertEquals(p.achieved() / 200.0, p.fraction(), 1e-12);
    }

    @Test
    void row_hasNoFractionWithoutItsProbe() {
        assertNull(BenchMain.row(CATALOG.find("rmsnorm"), "jvm", 1.0, new BenchReport()).fraction());
    }

    @Test
    void withTargets_checksProbeTargetsOnHostBackendsOnly() {
        ResultRow host = new ResultRow("jvm", "matmul-decode", "s", 1, 14, "GB/s", 0.7, List.of());
        ResultRow device = new ResultRow("cuda", "matmul-decode", "s", 1, 14, "GB/s", 0.1, List.of());
        List<ResultRow> out = BenchMain.withTargets(List.of(host, device), CATALOG.targets(), name -> !name.equals("cuda"));
        assertEquals(List.of(new TargetCheck(0.70, "read_gbps", true, 0.7)), out.get(0).targets());
        assertEquals(List.of(), out.get(1).targets());
    }

    @Test
    void withTargets_relatesACaseToItsReferenceOnTheSameBackend() {
        Target t = Target.ofCase("matmul-prefill", "onednn", 0.9, "matmul-prefill-primitive");
        ResultRow op = new ResultRow("onednn", "matmul-prefill", "s", 1, 95, "GFLOP/s", 0.5, List.of());
        ResultRow prim = new ResultRow("onednn", "matmul-prefill-primitive", "s", 1, 100, "GFLOP/s", 0.6, List.of());
        ResultRow jvm = new ResultRow("jvm", "matmul-prefill", "s", 1, 10, "GFLOP/s", 0.05, List.of());
        List<ResultRow> out = BenchMain.withTargets(List.of(op, prim, jvm), List.of(t), name -> true);
        assertEquals(List.of(new TargetCheck(0.9, "matmul-prefill-primitive", false, 0.95)), out.get(0).targets());
        assertEquals("PASS", out.get(0).targets().get(0).verdict());
        assertEquals(List.of(), out.get(2).targets());
        List<ResultRow> alone = BenchMain.withTargets(List.of(op), List.of(t), name -> true);
        assertEquals("n/a", alone.get(0).targets().get(0).verdict());
    }

    @Test
    void withTargets_takesASameRunRatioFromTheReferencesOwnRun() {
        Target t = Target.ofCaseSameRun("matmul-prefill", "onednn", 0.9, "onednn-matmul-prefill-primitive");
        ResultRow op = new ResultRow("onednn", "matmul-prefill", "s", 1, 50, "GFLOP/s", 0.5, List.of());
        ResultRow prim = new ResultRow("onednn", "onednn-matmul-prefill-primitive", "s", 1, 100, "GFLOP/s", 0.6, List.of());
        List<ResultRow> out = BenchMain.withTargets(List.of(op, prim), List.of(t), name -> true,
                java.util.Map.of("onednn/onednn-matmul-prefill-primitive", 0.97));
        assertEquals(List.of(new TargetCheck(0.9, "onednn-matmul-prefill-primitive (same run)", false, 0.97)), out.get(0).targets());
        assertEquals("n/a", BenchMain.withTargets(List.of(op, prim), List.of(t), name -> true).get(0).targets().get(0).verdict(),
                "no ratio from the reference's run: not checked across forks instead");
    }

    @Test
    void pairedTimes_givesTheReferencesTimePerCallAndTheMedianRatio() {
        var run = new JmhRunner.Run(new double[] { 9, 9, 9 }, java.util.Map.of(
                org.glm4j.bench.ops.PairedTimings.Names.REFERENCE, new double[] { 4e6, 6e6, 5e6 },
                org.glm4j.bench.ops.PairedTimings.Names.PAIRED, new double[] { 5e6, 5e6, 5e6 },
                org.glm4j.bench.ops.PairedTimings.Names.PAIRS, new double[] { 2, 2, 2 }));
        double[] p = BenchMain.pairedTimes(run);
        assertEquals(2.5, p[0], 1e-12);                                     // 5e6 ns over 2 calls, median
        assertEquals(1.0, p[1], 1e-12);                                     // ratios 0.8, 1.2, 1.0
        assertNull(BenchMain.pairedTimes(new JmhRunner.Run(new double[] { 1 }, java.util.Map.of())));
    }

    @Test
    void withTargets_relatesACaseToTheSameCaseOnAnotherBackend() {
        Target t = Target.ofBackend("matmul-prefill", "onednn", 3.0, "jvm");
        ResultRow op = new ResultRow("onednn", "matmul-prefill", "s", 1, 95, "GFLOP/s", 0.5, List.of());
        ResultRow jvm = new ResultRow("jvm", "matmul-prefill", "s", 1, 38, "GFLOP/s", 0.2, List.of());
        List<ResultRow> out = BenchMain.withTargets(List.of(op, jvm), List.of(t), name -> true);
        assertEquals(List.of(new TargetCheck(3.0, "jvm/matmul-prefill", false, 2.5)), out.get(0).targets());
        assertEquals("MISS", out.get(0).targets().get(0).verdict());
        assertEquals(List.of(), out.get(1).targets());
        assertEquals("n/a", BenchMain.withTargets(List.of(op), List.of(t), name -> true).get(0).targets().get(0).verdict());
    }

    @Test
    void select_keepsCatalogOrderAndRejectsUnknownNames() {
        assertEquals(List.of("matmul-decode", "rmsnorm"),
                BenchMain.select(CATALOG, List.of("rmsnorm", "matmul-decode")).stream().map(BenchCase::name).toList());
        assertEquals(CATALOG.cases().size(), BenchMain.select(CATALOG, List.of()).size());
        assertEquals("onednn-matmul-prefill-primitive", CATALOG.cases().get(5).name());   // the bench module's own contributor
        assertThrows(IllegalArgumentException.class, () -> BenchMain.select(CATALOG, List.of("matmul")));
    }

    @Test
    void run_rejectsBadOptionsWithStatus2() {
        assertEquals(2, BenchMain.run("--no-such-option"));
        assertEquals(2, BenchMain.run("--case", "nope"));
        assertEquals(2, BenchMain.run("--backend", "no-such-backend"));
        assertEquals(0, BenchMain.run("--help"));
    }

    @Test
    void median_ofOddAndEvenCounts() {
        assertEquals(3.0, JmhRunner.median(new double[] { 9, 1, 3 }));
        assertEquals(2.5, JmhRunner.median(new double[] { 4, 1, 3, 2 }));
        assertThrows(IllegalArgumentException.class, () -> JmhRunner.median(new double[0]));
    }
}
