package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.Fixtures;
import org.glm4j.tests.support.Parity;
import org.glm4j.tests.support.Parity.Outcome;
import org.glm4j.tests.support.Reference;
import org.glm4j.tests.support.TestBackends;
import org.glm4j.tests.support.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code layerNorm} with biased variance (the merger's LayerNorm over 4096). */
class LayerNormParityTest {

    /** Operand layouts: plain, x a column slice, in place. */
    enum Layout { PLAIN, X_COLUMNS, IN_PLACE }

    /**
     * One case; {@code offset} is added to every input value (a mean far from zero catches a one-pass
     * {@code E[x²] − E[x]²} variance).
     */
    record Case(String name, int rows, int cols, DType x, DType params, DType out, Layout layout, double offset) {
        @Override public String toString() { return name; }
    }

    private static Case plain(String name, int rows, int cols, DType x, DType params, DType out) {
        return new Case(name, rows, cols, x, params, out, Layout.PLAIN, 0);
    }

    static List<Case> cases() {
        return List.of(
                plain("odd 7x37 f32", 7, 37, F32, F32, F32),
                plain("odd 7x37 bf16", 7, 37, BF16, BF16, BF16),
                plain("odd 5x37 f16", 5, 37, F16, F16, F16),
                plain("odd 3x129 bf16 x, f32 params", 3, 129, BF16, F32, BF16),
                plain("single row 1x2 f32", 1, 2, F32, F32, F32),
                plain("single row 1x4096 bf16", 1, 4096, BF16, BF16, BF16),
                new Case("x column slice 4x96 f32", 4, 96, F32, F32, F32, Layout.X_COLUMNS, 0),
                new Case("in place 5x128 bf16", 5, 128, BF16, BF16, BF16, Layout.IN_PLACE, 0),
                new Case("mean offset 10, 4x4096 f32", 4, 4096, F32, F32, F32, Layout.PLAIN, 10),
                plain("real merger 3x4096 bf16", 3, 4096, BF16, BF16, BF16),
                plain("real merger 2x4096 f32", 2, 4096, F32, F32, F32));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static final int PAD = 5;

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Tensor x = c.layout() == Layout.X_COLUMNS
                ? f.random(c.x(), Shape.of(c.rows(), c.cols() + 2 * PAD)).columns(PAD, c.cols())
                : f.random(c.x(), Shape.of(c.rows(), c.cols()), c.offset() - 1, c.offset() + 1);
        Tensor w = f.random(c.params(), Shape.of(c.cols()), 0.5, 1.5);
        Tensor b = f.random(c.params(), Shape.of(c.cols()), -0.5, 0.5);
        Tensor out = c.layout() == Layout.IN_PLACE ? x : f.zeros(c.out(), Shape.of(c.rows(), c.cols()));
        double[] expected = f.reference(() -> Reference.layerNorm(f.host(x), f.host(w), f.host(b), 1e-5f));
        ops.layerNorm(out, x, w, b, 1e-5f);
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void layerNorm_jvmMatchesReference(Case c) {
        Parity.againstReference("layerNorm", Op.LAYER_NORM, c.out(), c.name(), c.name().hashCode(),
                Tolerance.of(c.out()), c.cols(), (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void layerNorm_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "layerNorm", Op.LAYER_NORM, c.out(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.out(), c.x()), c.cols(), (f, ops) -> run(c, f, ops));
    }
}
