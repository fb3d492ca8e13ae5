package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Binary;
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

/** {@code binary} ADD and MUL: same shapes, one row broadcast over rows, in place on either operand, strided a. */
class BinaryParityTest {

    /** How b relates to a, and where out is. */
    enum Layout { SAME_SHAPE, BROADCAST_VECTOR, BROADCAST_ROW, OUT_IS_A, OUT_IS_B, A_COLUMNS }

    record Case(String name, Binary fn, int rows, int cols, DType a, DType b, DType out, Layout layout) {
        @Override public String toString() { return fn + " " + name; }
    }

    static List<Case> cases() {
        List<Case> list = new ArrayList<>();
        for (Binary fn : Binary.values()) {
            list.add(new Case("odd 5x37 f32", fn, 5, 37, F32, F32, F32, Layout.SAME_SHAPE));
            list.add(new Case("odd 5x37 bf16", fn, 5, 37, BF16, BF16, BF16, Layout.SAME_SHAPE));
            list.add(new Case("odd 3x29 f16", fn, 3, 29, F16, F16, F16, Layout.SAME_SHAPE));
            list.add(new Case("odd 4x23 bf16 a, f32 b, bf16 out", fn, 4, 23, BF16, F32, BF16, Layout.SAME_SHAPE));
            list.add(new Case("single element f32", fn, 1, 1, F32, F32, F32, Layout.SAME_SHAPE));
            list.add(new Case("broadcast b[cols] 6x19 f32", fn, 6, 19, F32, F32, F32, Layout.BROADCAST_VECTOR));
            list.add(new Case("broadcast b[1,cols] 4x33 bf16", fn, 4, 33, BF16, BF16, BF16, Layout.BROADCAST_ROW));
            list.add(new Case("out is a 3x40 bf16", fn, 3, 40, BF16, BF16, BF16, Layout.OUT_IS_A));
            list.add(new Case("out is b 3x40 f32", fn, 3, 40, F32, F32, F32, Layout.OUT_IS_B));
            list.add(new Case("a column slice 4x24 f32", fn, 4, 24, F32, F32, F32, Layout.A_COLUMNS));
        }
        list.add(new Case("real text residual 3x4096 bf16", Binary.ADD, 3, 4096, BF16, BF16, BF16, Layout.SAME_SHAPE));
        list.add(new Case("real vision 2x1536 f32, broadcast", Binary.ADD, 2, 1536, F32, F32, F32, Layout.BROADCAST_VECTOR));
        return list;
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Shape shape = Shape.of(c.rows(), c.cols());
        Tensor a = c.layout() == Layout.A_COLUMNS
                ? f.random(c.a(), Shape.of(c.rows(), c.cols() + 8), -3, 3).columns(5, c.cols())
                : f.random(c.a(), shape, -3, 3);
        Tensor b = switch (c.layout()) {
            case BROADCAST_VECTOR -> f.random(c.b(), Shape.of(c.cols()), -3, 3);
            case BROADCAST_ROW -> f.random(c.b(), Shape.of(1, c.cols()), -3, 3);
            default -> f.random(c.b(), shape, -3, 3);
        };
        Tensor out = switch (c.layout()) {
            case OUT_IS_A -> a;
            case OUT_IS_B -> b;
            default -> f.zeros(c.out(), shape);
        };
        double[] expected = f.reference(() -> Reference.binary(f.host(a), f.host(b), c.fn()));
        ops.binary(out, a, b, c.fn());
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void binary_jvmMatchesReference(Case c) {
        Parity.againstReference("binary " + c.fn(), Op.BINARY, c.out(), c.name(), c.toString().hashCode(),
                Tolerance.of(c.out()), 1, (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void binary_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "binary " + c.fn(), Op.BINARY, c.out(), c.name(), c.toString().hashCode(),
                Tolerance.widest(c.out(), c.a(), c.b()), 1, (f, ops) -> run(c, f, ops));
    }
}
