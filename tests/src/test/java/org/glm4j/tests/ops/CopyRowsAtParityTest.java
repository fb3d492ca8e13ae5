package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code copyRowsAt}: rows written at a row index held in an I32 [1] tensor on the backend (the KV-cache append of a
 * decode step); every other element of dst is unchanged, bit for bit.
 */
class CopyRowsAtParityTest {

    record Case(String name, int dstRows, int rows, int cols, int at, DType dtype, boolean columns) {
        @Override public String toString() { return name; }
    }

    static List<Case> cases() {
        return List.of(
                new Case("one row at 0 of 4, f32", 4, 1, 9, 0, F32, false),
                new Case("one row at the last of 7, bf16", 7, 1, 33, 6, BF16, false),
                new Case("three rows at 2 of 9, f16", 9, 3, 17, 2, F16, false),
                new Case("column slices (a cache row of fused qkv), bf16", 5, 1, 40, 3, BF16, true),
                new Case("real kv cache append at 1000 of 4096 (2 x 128) bf16", 4096, 1, 256, 1000, BF16, false));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static final int PAD = 4;

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Tensor dst = c.columns() ? f.random(c.dtype(), Shape.of(c.dstRows(), c.cols() + 2 * PAD)).columns(PAD, c.cols())
                : f.random(c.dtype(), Shape.of(c.dstRows(), c.cols()));
        Tensor src = c.columns() ? f.random(c.dtype(), Shape.of(c.rows(), 3 * c.cols())).columns(c.cols(), c.cols())
                : f.random(c.dtype(), Shape.of(c.rows(), c.cols()));
        Tensor at = f.ids(DType.I32, c.at());
        double[] expected = null;
        if (f.computesReference()) {
            expected = Reference.values(f.host(dst));
            double[] s = Reference.values(f.host(src));
            System.arraycopy(s, 0, expected, c.at() * c.cols(), s.length);
        }
        ops.copyRowsAt(dst, src, at);
        return new Outcome(dst, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void copyRowsAt_jvmMatchesReference(Case c) {
        Parity.againstReference("copyRowsAt", Op.COPY, c.dtype(), c.name(), c.name().hashCode(), Tolerance.EXACT, 1,
                (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void copyRowsAt_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "copyRowsAt", Op.COPY, c.dtype(), c.name(), c.name().hashCode(), Tolerance.EXACT, 1,
                (f, ops) -> run(c, f, ops));
    }

    static Stream<Arguments> backends() { return TestBackends.others().stream().map(Arguments::of); }

    /**
     * On a device backend the index is device data, checked when the op runs: one that puts the rows outside dst
     * writes nothing and fails at the next synchronise (host backends check it in {@code Ops}, see OpsValidationTest).
     */
    @Tag("cuda")
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void copyRowsAt_deviceIndexOutsideDst_writesNothingAndFails(TestBackends.Candidate candidate) {
        assumeTrue(candidate.backend() != null, candidate::unavailable);
        Backend backend = candidate.backend();
        assumeFalse(backend.device().isHost(), () -> backend.name() + " is a host backend: Ops checks its indices before it runs");
        try (Arena arena = Arena.ofShared()) {
            Fixtures f = Fixtures.on(backend, arena, 3, false);
            Tensor dst = f.random(F32, Shape.of(4, 8)), src = f.random(F32, Shape.of(2, 8)), at = f.ids(DType.I32, 3);
            float[] before = f.download(dst);
            Ops ops = new Ops(backend, null);
            ops.copyRowsAt(dst, src, at);
            RuntimeException e = assertThrows(RuntimeException.class, ops::synchronize);
            assertTrue(String.valueOf(e.getMessage()).contains("GLMK_ERR_INDEX") && e.getMessage().contains("copyRowsAt"), e::getMessage);
            Approx.assertSameBits(before, f.download(dst), dst.shape(), "dst after a refused copyRowsAt on " + backend.name());
        }
    }
}
