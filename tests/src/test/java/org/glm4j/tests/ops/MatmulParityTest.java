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

/** {@code matmul}: {@code out = x·wᵀ + bias} with f32, bf16 and f16 weights, odd and real sizes, strided views. */
class MatmulParityTest {

    /** Where the operands live: plain tensors, x a column slice of a wider buffer, out written into one, x rank 3. */
    enum Layout { PLAIN, X_COLUMNS, OUT_COLUMNS, X_RANK3 }

    /** One case: {@code x [m, k]}, {@code w [n, k]}, optional bias, {@code out [m, n]} with their dtypes. */
    record Case(String name, int m, int k, int n, DType x, DType w, DType bias, DType out, Layout layout) {
        @Override public String toString() { return name; }
    }

    private static Case plain(String name, int m, int k, int n, DType x, DType w, DType bias, DType out) {
        return new Case(name, m, k, n, x, w, bias, out, Layout.PLAIN);
    }

    static List<Case> cases() {
        return List.of(
                plain("odd 3x67->33 f32 +bias", 3, 67, 33, F32, F32, F32, F32),
                plain("odd 5x67->33 bf16 +bias", 5, 67, 33, BF16, BF16, BF16, BF16),
                plain("odd 3x67->33 f16 +bias", 3, 67, 33, F16, F16, F16, F16),
                plain("odd 4x131->19 f32 x, bf16 w", 4, 131, 19, F32, BF16, null, F32),
                plain("odd 3x37->29 f32 x, f16 w, f32 bias, bf16 out", 3, 37, 29, F32, F16, F32, BF16),
                plain("odd 7x45->3 bf16 x, f32 w, f32 out", 7, 45, 3, BF16, F32, null, F32),
                plain("odd 67x64->48 f32 many rows", 67, 64, 48, F32, F32, F32, F32),
                plain("single row 1x1->1 f32", 1, 1, 1, F32, F32, null, F32),
                plain("single row 1x255->257 bf16 +bias", 1, 255, 257, BF16, BF16, BF16, BF16),
                new Case("x column slice 5x96->40 f32 +bias", 5, 96, 40, F32, F32, F32, F32, Layout.X_COLUMNS),
                new Case("x column slice 3x200->17 bf16", 3, 200, 17, BF16, BF16, null, BF16, Layout.X_COLUMNS),
                new Case("out column slice 4x64->24 bf16 +bias", 4, 64, 24, BF16, BF16, BF16, BF16, Layout.OUT_COLUMNS),
                new Case("out column slice 2x33->9 f32", 2, 33, 9, F32, F32, null, F32, Layout.OUT_COLUMNS),
                new Case("x rank 3 [2,3,64]->16 f32", 6, 64, 16, F32, F32, F32, F32, Layout.X_RANK3),
                plain("real text q_proj 4096->4096 bf16, 1 row", 1, 4096, 4096, BF16, BF16, BF16, BF16),
                plain("real text qkv 4096->4608 bf16 +bias, 3 rows", 3, 4096, 4608, BF16, BF16, BF16, BF16),
                plain("real text o_proj 4096->4096 f32, 2 rows", 2, 4096, 4096, F32, F32, null, F32),
                plain("real text gate_up 4096->27392 bf16, 2 rows", 2, 4096, 27392, BF16, BF16, null, BF16),
                plain("real text down 13696->4096 bf16, 2 rows", 2, 13696, 4096, BF16, BF16, null, BF16),
                plain("real text down 13696->4096 f32 x, bf16 w, f32 out, 1 row", 1, 13696, 4096, F32, BF16, null, F32),
                plain("real vision qkv 1536->4608 bf16, 4 rows", 4, 1536, 4608, BF16, BF16, null, BF16),
                plain("real vision mlp down 4096->1536 f32, 3 rows", 3, 4096, 1536, F32, F32, null, F32));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static final int PAD = 17;

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Tensor x = switch (c.layout()) {
            case X_COLUMNS -> f.random(c.x(), Shape.of(c.m(), c.k() + 2 * PAD)).columns(PAD, c.k());
            case X_RANK3 -> f.random(c.x(), Shape.of(2, c.m() / 2, c.k()));
            default -> f.random(c.x(), Shape.of(c.m(), c.k()));
        };
        double scale = 1 / Math.sqrt(c.k());                 // keeps outputs O(1) at every k
        Tensor w = f.random(c.w(), Shape.of(c.n(), c.k()), -scale, scale);
        Tensor bias = c.bias() == null ? null : f.random(c.bias(), Shape.of(c.n()), -0.5, 0.5);
        Tensor buffer = null, out;
        if (c.layout() == Layout.OUT_COLUMNS) {
            buffer = f.random(c.out(), Shape.of(c.m(), c.n() + 2 * PAD));
            out = buffer.columns(PAD, c.n());
        } else {
            out = f.zeros(c.out(), c.layout() == Layout.X_RANK3 ? Shape.of(2, c.m() / 2, c.n()) : Shape.of(c.m(), c.n()));
        }
        double[] expected = f.reference(() -> Reference.matmul(f.host(x), f.host(w), bias == null ? null : f.host(bias)));
        float[] before = buffer == null ? null : f.download(buffer);
        ops.matmul(out, x, w, bias);
        if (buffer != null)
            Approx.assertUnchangedOutsideColumns(before, f.download(buffer), buffer.shape(), PAD, c.n(),
                    "matmul on " + f.backend().name() + ", case '" + c + "', buffer around out");
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matmul_jvmMatchesReference(Case c) {
        Parity.againstReference("matmul", Op.MATMUL, c.w(), c.name(), c.name().hashCode(), Tolerance.of(c.out()),
                c.k(), (f, ops) -> run(c, f, ops));
    }

    /** A backend may round f32 activations to its weights' dtype on its fast path (architecture.md, precision). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void matmul_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "matmul", Op.MATMUL, c.w(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.out(), c.x(), c.w()), c.k(), (f, ops) -> run(c, f, ops));
    }
}
