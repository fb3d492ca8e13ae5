package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.Approx;
import org.glm4j.tests.support.Fixtures;
import org.glm4j.tests.support.Parity;
import org.glm4j.tests.support.Parity.Outcome;
import org.glm4j.tests.support.Reference;
import org.glm4j.tests.support.TestBackends;
import org.glm4j.tests.support.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code resamplePositions}: bicubic {@code grid_sample} of the learned position table at the patch centres of an
 * image grid (glm4v-model.md §3.3–3.4), plus the document's worked examples written out by hand.
 */
class ResamplePositionsParityTest {

    /**
     * One case: a {@code tableH × tableW} table of {@code channels}; sampled at the centres of a {@code gridH × gridW}
     * patch grid in merge-window order, or (when {@code randomPoints > 0}) at that many random points in
     * {@code [−1.3, 1.3]²}.
     */
    record Case(String name, int tableH, int tableW, int channels, int gridH, int gridW, int randomPoints, DType table,
                DType out) {
        @Override public String toString() { return name; }
    }

    static List<Case> cases() {
        return List.of(
                new Case("odd table 5x7 x 3, grid 9x4 (upsample)", 5, 7, 3, 9, 4, 0, F32, F32),
                new Case("odd table 6x6 x 5, grid 2x3 (downsample), bf16 table, f32 out", 6, 6, 5, 2, 3, 0, BF16, F32),
                new Case("odd table 4x5 x 2, random points beyond [-1, 1]", 4, 5, 2, 0, 0, 50, F32, F32),
                new Case("odd table 3x3 x 4 f16", 3, 3, 4, 4, 6, 0, F16, F16),
                new Case("single entry table 1x1 x 3", 1, 1, 3, 2, 2, 0, F32, F32),
                new Case("real 24x24 x 1536, grid 34x46 (1564 patches) f32", 24, 24, 1536, 34, 46, 0, F32, F32),
                new Case("real 24x24 x 1536, grid 20x28 bf16 table and out", 24, 24, 1536, 20, 28, 0, BF16, BF16),
                new Case("real 24x24 x 1536, grid 24x24 f32", 24, 24, 1536, 24, 24, 0, F32, F32));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    /**
     * Normalised sampling points of the patch centres of an {@code h × w} grid, in merge-window order
     * ({@code bh, bw, mh, mw}; plain row-major when a side is odd), computed in f32 as the model does.
     */
    static float[] gridPoints(int h, int w) {
        float[] pts = new float[2 * h * w];
        int i = 0;
        boolean windows = h % 2 == 0 && w % 2 == 0;
        for (int bh = 0; bh < (windows ? h / 2 : h); bh++)
            for (int bw = 0; bw < (windows ? w / 2 : w); bw++)
                for (int mh = 0; mh < (windows ? 2 : 1); mh++)
                    for (int mw = 0; mw < (windows ? 2 : 1); mw++) {
                        int row = windows ? 2 * bh + mh : bh, col = windows ? 2 * bw + mw : bw;
                        pts[i++] = ((col + 0.5f) / w) * 2 - 1;
                        pts[i++] = ((row + 0.5f) / h) * 2 - 1;
                    }
        return pts;
    }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Tensor table = f.random(c.table(), Shape.of(c.tableH() * c.tableW(), c.channels()), -1, 1);
        Tensor points;
        if (c.randomPoints() > 0) {
            points = f.random(F32, Shape.of(c.randomPoints(), 2), -1.3, 1.3);
        } else {
            float[] pts = gridPoints(c.gridH(), c.gridW());
            points = f.of(F32, Shape.of(pts.length / 2, 2), pts);
        }
        Tensor out = f.zeros(c.out(), Shape.of(points.dim(0), c.channels()));
        double[] expected = f.reference(
                () -> Reference.resamplePositions(f.host(table), f.host(points), c.tableH(), c.tableW()));
        ops.resamplePositions(out, table, points, c.tableH(), c.tableW());
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resamplePositions_jvmMatchesReference(Case c) {
        Parity.againstReference("resamplePositions", Op.RESAMPLE_POSITIONS, c.out(), c.name(), c.name().hashCode(),
                Tolerance.of(c.out()), 16, (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void resamplePositions_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "resamplePositions", Op.RESAMPLE_POSITIONS, c.out(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.out(), c.table()), 16, (f, ops) -> run(c, f, ops));
    }

    // ---------------------------------------------------------------- worked examples of glm4v-model.md §3.4

    /** The weights of the document's table: t = 0.5 → [−0.09375, 0.59375, 0.59375, −0.09375]. */
    private static final double[] HALF = { -0.09375, 0.59375, 0.59375, -0.09375 };
    /** t = 0.75, the mirror of t = 0.25 → [−0.105469, 0.878906, 0.261719, −0.035156]. */
    private static final double[] THREE_QUARTERS = { -0.03515625, 0.26171875, 0.87890625, -0.10546875 };

    /** Table entry at (gy, gx) of a separable-sum table: weights summing to 1 per axis keep the axes apart. */
    private static double g(int gx) { return Math.sin(0.7 * gx) + 0.1 * gx; }

    private static double h(int gy) { return Math.cos(0.45 * gy) - 0.05 * gy; }

    static Stream<Arguments> everyBackend() { return TestBackends.all().stream().map(b -> Arguments.of(b.name())); }

    /** Samples a 24×24 single-channel table {@code g(gx) + h(gy)} at the patch centres of an {@code h × w} grid. */
    private static double[][] sampleWorkedExample(String backendName, int gridH, int gridW) {
        Backend backend = TestBackends.all().stream().filter(b -> b.name().equals(backendName)).findFirst().orElseThrow();
        Parity.requireSupport(backend, Op.RESAMPLE_POSITIONS, F32);
        try (Arena arena = Arena.ofShared()) {
            Fixtures f = Fixtures.on(backend, arena, 0, false);
            Tensor table = f.filled(F32, Shape.of(24 * 24, 1), i -> g((int) (i % 24)) + h((int) (i / 24)));
            float[] rowMajor = new float[2 * gridH * gridW];
            for (int r = 0, i = 0; r < gridH; r++)
                for (int c = 0; c < gridW; c++) {
                    rowMajor[i++] = ((c + 0.5f) / gridW) * 2 - 1;
                    rowMajor[i++] = ((r + 0.5f) / gridH) * 2 - 1;
                }
            Tensor points = f.of(F32, Shape.of(gridH * gridW, 2), rowMajor);
            Tensor out = f.zeros(F32, Shape.of(gridH * gridW, 1));
            new Ops(backend, null).resamplePositions(out, table, points, 24, 24);
            float[] got = f.download(out);
            double[] ref = Reference.resamplePositions(f.host(table), f.host(points), 24, 24);
            double[] actual = new double[got.length];
            for (int i = 0; i < got.length; i++) actual[i] = got[i];
            return new double[][] { actual, ref };
        }
    }

    private static void check(double[][] results, int gridH, int gridW, IntToDoubleFunction expectedAt, String what) {
        double[] expected = new double[gridH * gridW];
        for (int i = 0; i < expected.length; i++) expected[i] = expectedAt.applyAsDouble(i);
        // f32 un-normalisation can land an ulp off an integer (doc: "same value to ~1e-7"); 1e-5 allows for it.
        Tolerance tol = Tolerance.of(F32);
        Shape shape = Shape.of(gridH, gridW);
        float[] backend = new float[expected.length], reference = new float[expected.length];
        for (int i = 0; i < expected.length; i++) {
            backend[i] = (float) results[0][i];
            reference[i] = (float) results[1][i];
        }
        Approx.assertClose(expected, backend, shape, tol, what + ": backend");
        Approx.assertClose(expected, reference, shape, tol, what + ": Reference");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void resamplePositions_grid24x24ReproducesTheTable(String backend) {
        check(sampleWorkedExample(backend, 24, 24), 24, 24, i -> g(i % 24) + h(i / 24),
                "24x24 grid on " + backend);
    }

    /** A 4×6 grid samples {@code ix = 4·col + 1.5}, {@code iy = 6·row + 2.5}: t = 0.5 on both axes, no clamping. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void resamplePositions_grid4x6UsesHalfWeights(String backend) {
        check(sampleWorkedExample(backend, 4, 6), 4, 6, i -> {
            int row = i / 6, col = i % 6;
            double x = 0, y = 0;
            for (int k = 0; k < 4; k++) {
                x += HALF[k] * g(4 * col + k);
                y += HALF[k] * h(6 * row + 1 + k);
            }
            return x + y;
        }, "4x6 grid on " + backend);
    }

    /**
     * A 48-wide grid at col 0 has {@code ix = −0.25}: x0 = −1, t = 0.75, taps {−2, −1, 0, 1} clamped to
     * {0, 0, 0, 1}; col 47 mirrors it at the other border. Rows of a 24-high grid land on table rows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void resamplePositions_borderClampsEachTap(String backend) {
        double[][] all = sampleWorkedExample(backend, 24, 48);
        int[] cols = { 0, 47 };
        double[][] picked = new double[2][24 * 2];
        for (int r = 0; r < 24; r++)
            for (int j = 0; j < 2; j++) {
                picked[0][r * 2 + j] = all[0][r * 48 + cols[j]];
                picked[1][r * 2 + j] = all[1][r * 48 + cols[j]];
            }
        check(picked, 24, 2, i -> {
            int row = i / 2;
            double[] w = THREE_QUARTERS;
            double x = i % 2 == 0
                    ? (w[0] + w[1] + w[2]) * g(0) + w[3] * g(1)
                    : w[3] * g(22) + (w[0] + w[1] + w[2]) * g(23);     // mirrored: taps {22, 23, 23, 23}
            return x + h(row);
        }, "48-wide grid borders on " + backend);
    }
}
