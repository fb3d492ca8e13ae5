package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Binary;
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
 * {@code addRmsNorm}: {@code sum = round_sum(x + residual)}, {@code out = rmsNorm(sum)}, in place (the decoder's
 * {@code x += h} with sum = x), into separate tensors, with the residual as the sum, and on column slices. Both
 * outputs are checked: the reference rounds the sum to its dtype and then takes {@link Reference#rmsNorm} of it.
 */
class AddRmsNormParityTest {

    /** Where the sum goes: into x (the decoder), into the residual, into its own tensor, or a column slice of a wider one. */
    enum Layout { SUM_IN_X, SUM_IN_RESIDUAL, SEPARATE, COLUMNS }

    record Case(String name, int rows, int cols, DType x, DType residual, DType sum, DType out, Layout layout) {
        @Override public String toString() { return name; }
    }

    static List<Case> cases() {
        return List.of(
                new Case("odd 7x37 f32 in place", 7, 37, F32, F32, F32, F32, Layout.SUM_IN_X),
                new Case("odd 5x37 bf16 in place", 5, 37, BF16, BF16, BF16, BF16, Layout.SUM_IN_X),
                new Case("odd 3x45 f16, sum in the residual", 3, 45, F16, F16, F16, F16, Layout.SUM_IN_RESIDUAL),
                new Case("mixed: bf16 x, f32 residual, bf16 sum, f32 out", 4, 64, BF16, F32, BF16, F32, Layout.SEPARATE),
                new Case("mixed: f32 x and residual, bf16 sum and out", 3, 96, F32, F32, BF16, BF16, Layout.SEPARATE),
                new Case("column slices 4x96 bf16", 4, 96, BF16, BF16, BF16, BF16, Layout.COLUMNS),
                new Case("single row 1x1 f32", 1, 1, F32, F32, F32, F32, Layout.SUM_IN_X),
                new Case("real text decode 1x4096 bf16", 1, 4096, BF16, BF16, BF16, BF16, Layout.SUM_IN_X),
                new Case("real text prefill 3x4096 f32", 3, 4096, F32, F32, F32, F32, Layout.SUM_IN_X));
    }

    record Checked(Case c, boolean sum) {
        @Override public String toString() { return c + (sum ? ", the sum" : ", the norm"); }
    }

    static List<Checked> checked() {
        return cases().stream().flatMap(c -> Stream.of(new Checked(c, true), new Checked(c, false))).toList();
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(checked()); }

    private static final int PAD = 5;

    private static Outcome run(Checked k, Fixtures f, Ops ops) {
        Case c = k.c();
        Shape shape = Shape.of(c.rows(), c.cols());
        Tensor x, residual;
        if (c.layout() == Layout.COLUMNS) {
            x = f.random(c.x(), Shape.of(c.rows(), c.cols() + 2 * PAD), -2, 2).columns(PAD, c.cols());
            residual = f.random(c.residual(), Shape.of(c.rows(), c.cols() + PAD), -2, 2).columns(PAD, c.cols());
        } else {
            x = f.random(c.x(), shape, -2, 2);
            residual = f.random(c.residual(), shape, -2, 2);
        }
        Tensor w = f.random(c.out(), Shape.of(c.cols()), 0.5, 1.5);
        // reference, from the operands before the op overwrites one of them
        double[] expected = null;
        if (f.computesReference()) {
            double[] xs = Reference.values(f.host(x)), rs = Reference.values(f.host(residual));
            try (Arena a = Arena.ofConfined()) {
                Tensor sumRef = Fixtures.filledHost(c.sum(), shape, i -> xs[(int) i] + rs[(int) i], a);   // rounded to sum's dtype
                expected = k.sum() ? Reference.values(sumRef) : Reference.rmsNorm(sumRef, f.host(w), 1e-5f, c.sum());
            }
        }
        Tensor sum = switch (c.layout()) {
            case SUM_IN_X -> x;
            case SUM_IN_RESIDUAL -> residual;
            case SEPARATE -> f.zeros(c.sum(), shape);
            case COLUMNS -> f.zeros(c.sum(), Shape.of(c.rows(), c.cols() + PAD)).columns(PAD, c.cols());
        };
        Tensor out = c.layout() == Layout.COLUMNS ? f.zeros(c.out(), Shape.of(c.rows(), c.cols() + PAD)).columns(0, c.cols())
                : f.zeros(c.out(), shape);
        ops.addRmsNorm(out, sum, x, residual, w, 1e-5f);
        return new Outcome(k.sum() ? sum : out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checked")
    void addRmsNorm_jvmMatchesReference(Checked k) {
        Parity.againstReference("addRmsNorm", Op.RMS_NORM, k.c().out(), k.toString(), k.c().name().hashCode(),
                Tolerance.widest(k.c().out(), k.c().sum()), k.c().cols(), (f, ops) -> run(k, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void addRmsNorm_matchesJvm(TestBackends.Candidate backend, Checked k) {
        Parity.againstJvm(backend, "addRmsNorm", Op.RMS_NORM, k.c().out(), k.toString(), k.c().name().hashCode(),
                Tolerance.widest(k.c().out(), k.c().sum(), k.c().x()), k.c().cols(), (f, ops) -> run(k, f, ops));
    }

    /** The fused op is the unfused pair exactly: binary ADD into the sum, then rmsNorm of it (the jvm backend, bit for bit). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void addRmsNorm_equalsAddThenRmsNormBitForBit(Case c) {
        Shape shape = Shape.of(c.rows(), c.cols());
        try (Arena arena = Arena.ofShared()) {
            Fixtures f = Fixtures.on(TestBackends.jvm(), arena, c.name().hashCode(), false);
            Ops ops = new Ops(TestBackends.jvm(), null);
            Tensor x = f.random(c.x(), shape, -2, 2), residual = f.random(c.residual(), shape, -2, 2);
            Tensor w = f.random(c.out(), Shape.of(c.cols()), 0.5, 1.5);
            Tensor sum1 = f.zeros(c.sum(), shape), out1 = f.zeros(c.out(), shape);
            Tensor sum2 = f.zeros(c.sum(), shape), out2 = f.zeros(c.out(), shape);
            ops.binary(sum1, x, residual, Binary.ADD);
            ops.rmsNorm(out1, sum1, w, 1e-5f);
            ops.addRmsNorm(out2, sum2, x, residual, w, 1e-5f);
            Approx.assertSameBits(f.download(sum1), f.download(sum2), shape, "addRmsNorm sum vs binary ADD, case '" + c + "'");
            Approx.assertSameBits(f.download(out1), f.download(out2), shape, "addRmsNorm out vs rmsNorm, case '" + c + "'");
        }
    }
}
