package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Unary;
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

/** {@code unary}: exact (erf) GELU, SiLU and NEG, over a wide input range, in place and on strided views. */
class UnaryParityTest {

    /** Operand layouts: plain, x a column slice of a wider buffer, in place. */
    enum Layout { PLAIN, X_COLUMNS, IN_PLACE }

    /** One case: inputs uniform in {@code [−range, range)}. */
    record Case(String name, Unary fn, int rows, int cols, DType x, DType out, Layout layout, double range) {
        @Override public String toString() { return fn + " " + name; }
    }

    static List<Case> cases() {
        List<Case> list = new ArrayList<>();
        for (Unary fn : Unary.values()) {
            list.add(new Case("odd 5x37 f32", fn, 5, 37, F32, F32, Layout.PLAIN, 4));
            list.add(new Case("odd 5x37 bf16", fn, 5, 37, BF16, BF16, Layout.PLAIN, 4));
            list.add(new Case("odd 3x29 f16", fn, 3, 29, F16, F16, Layout.PLAIN, 4));
            list.add(new Case("odd 3x29 bf16 x, f32 out", fn, 3, 29, BF16, F32, Layout.PLAIN, 4));
            list.add(new Case("single row 1x1 f32", fn, 1, 1, F32, F32, Layout.PLAIN, 4));
            list.add(new Case("wide range +-12 f32", fn, 4, 250, F32, F32, Layout.PLAIN, 12));
            list.add(new Case("x column slice 3x40 bf16", fn, 3, 40, BF16, BF16, Layout.X_COLUMNS, 4));
            list.add(new Case("in place 4x33 f32", fn, 4, 33, F32, F32, Layout.IN_PLACE, 4));
        }
        list.add(new Case("real merger 2x4096 bf16", Unary.GELU, 2, 4096, BF16, BF16, Layout.PLAIN, 4));
        list.add(new Case("real merger 2x4096 f32", Unary.GELU, 2, 4096, F32, F32, Layout.PLAIN, 4));
        return list;
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        double r = c.range();
        Tensor x = c.layout() == Layout.X_COLUMNS
                ? f.random(c.x(), Shape.of(c.rows(), c.cols() + 10), -r, r).columns(3, c.cols())
                : f.random(c.x(), Shape.of(c.rows(), c.cols()), -r, r);
        Tensor out = c.layout() == Layout.IN_PLACE ? x : f.zeros(c.out(), Shape.of(c.rows(), c.cols()));
        double[] expected = f.reference(() -> Reference.unary(f.host(x), c.fn()));
        ops.unary(out, x, c.fn());
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unary_jvmMatchesReference(Case c) {
        Parity.againstReference("unary " + c.fn(), Op.UNARY, c.out(), c.name(), c.toString().hashCode(),
                Tolerance.of(c.out()), 1, (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void unary_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "unary " + c.fn(), Op.UNARY, c.out(), c.name(), c.toString().hashCode(),
                Tolerance.widest(c.out(), c.x()), 1, (f, ops) -> run(c, f, ops));
    }
}
