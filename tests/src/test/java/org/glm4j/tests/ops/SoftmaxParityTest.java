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

/** {@code softmax} over the last dimension: large magnitudes, −∞ (masked) entries, a full vocabulary row. */
class SoftmaxParityTest {

    /** Operand layouts: plain, every third entry −∞, x a column slice, in place. */
    enum Layout { PLAIN, MASKED, X_COLUMNS, IN_PLACE }

    /** One case: inputs uniform in {@code [−range, range)}. */
    record Case(String name, int rows, int cols, DType x, DType out, Layout layout, double range) {
        @Override public String toString() { return name; }
    }

    private static Case plain(String name, int rows, int cols, DType x, DType out, double range) {
        return new Case(name, rows, cols, x, out, Layout.PLAIN, range);
    }

    static List<Case> cases() {
        return List.of(
                plain("odd 5x37 f32", 5, 37, F32, F32, 4),
                plain("odd 5x37 bf16", 5, 37, BF16, BF16, 4),
                plain("odd 3x29 f16", 3, 29, F16, F16, 4),
                plain("odd 3x29 bf16 x, f32 out", 3, 29, BF16, F32, 4),
                plain("single element f32", 1, 1, F32, F32, 4),
                plain("large magnitudes +-1000 f32", 4, 50, F32, F32, 1000),
                new Case("masked -inf entries 4x31 f32", 4, 31, F32, F32, Layout.MASKED, 8),
                new Case("masked -inf entries 3x17 bf16", 3, 17, BF16, BF16, Layout.MASKED, 8),
                new Case("x column slice 3x40 f32", 3, 40, F32, F32, Layout.X_COLUMNS, 4),
                new Case("in place 4x64 bf16", 4, 64, BF16, BF16, Layout.IN_PLACE, 4),
                plain("real vocabulary row 1x151552 f32", 1, 151552, F32, F32, 20),
                plain("real attention rows 32x4096 bf16", 32, 4096, BF16, BF16, 10));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        double r = c.range();
        Shape shape = Shape.of(c.rows(), c.cols());
        Tensor x = switch (c.layout()) {
            case X_COLUMNS -> f.random(c.x(), Shape.of(c.rows(), c.cols() + 6), -r, r).columns(2, c.cols());
            case MASKED -> {
                Tensor values = f.random(c.x(), shape, -r, r);
                yield f.filled(c.x(), shape, i -> i % 3 == 1 ? Double.NEGATIVE_INFINITY : f.host(values).getFloat(i));
            }
            default -> f.random(c.x(), shape, -r, r);
        };
        Tensor out = c.layout() == Layout.IN_PLACE ? x : f.zeros(c.out(), shape);
        double[] expected = f.reference(() -> Reference.softmax(f.host(x)));
        ops.softmax(out, x);
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void softmax_jvmMatchesReference(Case c) {
        Parity.againstReference("softmax", Op.SOFTMAX, c.out(), c.name(), c.name().hashCode(), Tolerance.of(c.out()),
                c.cols(), (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void softmax_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "softmax", Op.SOFTMAX, c.out(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.out(), c.x()), c.cols(), (f, ops) -> run(c, f, ops));
    }
}
