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

/** {@code swiglu}: {@code silu(gate) ⊙ up} over a fused {@code [rows, 2·I]} gate/up row. */
class SwigluParityTest {

    /** Operand layouts: plain, gateUp a column slice of a wider buffer, out a column slice. */
    enum Layout { PLAIN, IN_COLUMNS, OUT_COLUMNS }

    /** One case: {@code out [rows, inner]}, inputs uniform in {@code [−range, range)}. */
    record Case(String name, int rows, int inner, DType in, DType out, Layout layout, double range) {
        @Override public String toString() { return name; }
    }

    private static Case plain(String name, int rows, int inner, DType in, DType out, double range) {
        return new Case(name, rows, inner, in, out, Layout.PLAIN, range);
    }

    static List<Case> cases() {
        return List.of(
                plain("odd 3x37 f32", 3, 37, F32, F32, 4),
                plain("odd 3x37 bf16", 3, 37, BF16, BF16, 4),
                plain("odd 5x21 f16", 5, 21, F16, F16, 4),
                plain("odd 4x19 f32 in, bf16 out", 4, 19, F32, BF16, 4),
                plain("single row 1x1 f32", 1, 1, F32, F32, 4),
                plain("large gates +-90 f32 (exp overflow)", 3, 40, F32, F32, 90),
                plain("large gates +-90 bf16", 2, 40, BF16, BF16, 90),
                new Case("gateUp column slice 3x24 bf16", 3, 24, BF16, BF16, Layout.IN_COLUMNS, 4),
                new Case("out column slice 4x30 f32", 4, 30, F32, F32, Layout.OUT_COLUMNS, 4),
                plain("real text mlp 2x13696 bf16", 2, 13696, BF16, BF16, 4),
                plain("real vision mlp 3x4096 bf16", 3, 4096, BF16, BF16, 4),
                plain("real merger 1x13696 f32", 1, 13696, F32, F32, 4));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static final int PAD = 7;

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        double r = c.range();
        Tensor gateUp = c.layout() == Layout.IN_COLUMNS
                ? f.random(c.in(), Shape.of(c.rows(), 2 * c.inner() + 2 * PAD), -r, r).columns(PAD, 2 * c.inner())
                : f.random(c.in(), Shape.of(c.rows(), 2 * c.inner()), -r, r);
        Tensor buffer = c.layout() == Layout.OUT_COLUMNS ? f.random(c.out(), Shape.of(c.rows(), c.inner() + 2 * PAD)) : null;
        Tensor out = buffer != null ? buffer.columns(PAD, c.inner()) : f.zeros(c.out(), Shape.of(c.rows(), c.inner()));
        double[] expected = f.reference(() -> Reference.swiglu(f.host(gateUp)));
        float[] before = buffer == null ? null : f.download(buffer);
        ops.swiglu(out, gateUp);
        if (buffer != null)
            Approx.assertUnchangedOutsideColumns(before, f.download(buffer), buffer.shape(), PAD, c.inner(),
                    "swiglu on " + f.backend().name() + ", case '" + c + "', buffer around out");
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void swiglu_jvmMatchesReference(Case c) {
        Parity.againstReference("swiglu", Op.SWIGLU, c.out(), c.name(), c.name().hashCode(), Tolerance.of(c.out()), 1,
                (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void swiglu_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "swiglu", Op.SWIGLU, c.out(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.out(), c.in()), 1, (f, ops) -> run(c, f, ops));
    }
}
