package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
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

/** {@code rmsNorm}, including the rounding of the normalised value to the output dtype before the weight product. */
class RmsNormParityTest {

    /**
     * Operand layouts: plain, x a column slice, out a column slice, in place, rank 3, one all-zero row, x and out one
     * head ({@code [rows, 1, cols]}, the second) out of four.
     */
    enum Layout { PLAIN, X_COLUMNS, OUT_COLUMNS, IN_PLACE, RANK3, ZERO_ROW, ONE_HEAD }

    record Case(String name, int rows, int cols, DType x, DType w, DType out, Layout layout, float eps) {
        @Override public String toString() { return name; }
    }

    private static Case plain(String name, int rows, int cols, DType x, DType w, DType out) {
        return new Case(name, rows, cols, x, w, out, Layout.PLAIN, 1e-5f);
    }

    static List<Case> cases() {
        return List.of(
                plain("odd 7x37 f32", 7, 37, F32, F32, F32),
                plain("odd 7x37 bf16", 7, 37, BF16, BF16, BF16),
                plain("odd 5x37 f16", 5, 37, F16, F16, F16),
                plain("odd 3x129 bf16 x, f32 w", 3, 129, BF16, F32, BF16),
                plain("odd 3x45 f32 x, bf16 out", 3, 45, F32, BF16, BF16),
                plain("single row 1x1 f32", 1, 1, F32, F32, F32),
                plain("single row 1x4096 bf16", 1, 4096, BF16, BF16, BF16),
                new Case("zero row 3x64 f32 eps 1e-6", 3, 64, F32, F32, F32, Layout.ZERO_ROW, 1e-6f),
                new Case("large eps 4x16 f32", 4, 16, F32, F32, F32, Layout.PLAIN, 0.5f),
                new Case("x column slice 4x96 bf16", 4, 96, BF16, BF16, BF16, Layout.X_COLUMNS, 1e-5f),
                new Case("out column slice 3x100 f32", 3, 100, F32, F32, F32, Layout.OUT_COLUMNS, 1e-5f),
                new Case("in place 5x128 bf16", 5, 128, BF16, BF16, BF16, Layout.IN_PLACE, 1e-5f),
                new Case("rank 3 [2,3,64] f32", 6, 64, F32, F32, F32, Layout.RANK3, 1e-5f),
                new Case("one head of four [5,1,64] bf16", 5, 64, BF16, BF16, BF16, Layout.ONE_HEAD, 1e-5f),
                plain("real text 3x4096 bf16", 3, 4096, BF16, BF16, BF16),
                plain("real text 2x4096 f32", 2, 4096, F32, F32, F32),
                plain("real vision 5x1536 bf16", 5, 1536, BF16, BF16, BF16));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static final int PAD = 9;

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Shape shape = switch (c.layout()) {
            case RANK3 -> Shape.of(2, c.rows() / 2, c.cols());
            case ONE_HEAD -> Shape.of(c.rows(), 1, c.cols());
            default -> Shape.of(c.rows(), c.cols());
        };
        Tensor x = switch (c.layout()) {
            case ONE_HEAD -> f.random(c.x(), Shape.of(c.rows(), 4, c.cols()), -2, 2).slice(1, 1, 1);
            case X_COLUMNS -> f.random(c.x(), Shape.of(c.rows(), c.cols() + 2 * PAD)).columns(PAD, c.cols());
            case ZERO_ROW -> f.filled(c.x(), shape, i -> i / c.cols() == 1 ? 0 : Math.sin(i * 0.7) * 3);
            default -> f.random(c.x(), shape, -2, 2);
        };
        Tensor w = f.random(c.w(), Shape.of(c.cols()), 0.5, 1.5);
        Tensor buffer = c.layout() == Layout.OUT_COLUMNS ? f.random(c.out(), Shape.of(c.rows(), c.cols() + 2 * PAD)) : null;
        Tensor out = switch (c.layout()) {
            case OUT_COLUMNS -> buffer.columns(PAD, c.cols());
            case ONE_HEAD -> f.zeros(c.out(), Shape.of(c.rows(), 4, c.cols())).slice(1, 1, 1);
            case IN_PLACE -> x;
            default -> f.zeros(c.out(), shape);
        };
        double[] expected = f.reference(() -> Reference.rmsNorm(f.host(x), f.host(w), c.eps(), c.x()));
        float[] before = buffer == null ? null : f.download(buffer);
        ops.rmsNorm(out, x, w, c.eps());
        if (buffer != null)
            Approx.assertUnchangedOutsideColumns(before, f.download(buffer), buffer.shape(), PAD, c.cols(),
                    "rmsNorm on " + f.backend().name() + ", case '" + c + "', buffer around out");
        return new Outcome(out, expected);
    }

    static Stream<Arguments> everyBackend() { return TestBackends.all().stream().map(b -> Arguments.of(b.name())); }

    /**
     * The normalised value is rounded to x's dtype before the weight product (HF's {@code weight * x.to(input_dtype)}):
     * for bf16 x = [1, 1, 1.015625, 1.03125] and w = 1.9921875 the normalised values round to bf16 first, giving
     * [1.96875, 1.96875, 1.9921875, 2.015625]; rounding only once would give 2.0 and 2.03125 in the last two.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void rmsNorm_roundsTheNormalisedValueBeforeTheWeight(String name) {
        Backend backend = TestBackends.all().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
        Parity.requireSupport(backend, Op.RMS_NORM, BF16);
        double[] xs = { 1, 1, 1.015625, 1.03125 };
        try (Arena arena = Arena.ofShared()) {
            Fixtures f = Fixtures.on(backend, arena, 0, false);
            Tensor x = f.filled(BF16, Shape.of(1, 4), i -> xs[(int) i]);
            Tensor w = f.filled(BF16, Shape.of(4), i -> 1.9921875);
            Tensor out = f.zeros(BF16, Shape.of(1, 4));
            new Ops(backend, null).rmsNorm(out, x, w, 0f);
            Approx.assertClose(new double[] { 1.96875, 1.96875, 1.9921875, 2.015625 }, f.download(out), out.shape(), Tolerance.EXACT,
                    "rmsNorm on " + name + ", intermediate rounding to bf16");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rmsNorm_jvmMatchesReference(Case c) {
        Parity.againstReference("rmsNorm", Op.RMS_NORM, c.out(), c.name(), c.name().hashCode(), Tolerance.of(c.out()),
                c.cols(), (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void rmsNorm_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "rmsNorm", Op.RMS_NORM, c.out(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.out(), c.x()), c.cols(), (f, ops) -> run(c, f, ops));
    }
}
