package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.RopeSpec;
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
 * {@code rope} in place, both pairings, partial rotary, on q or k heads that are strided views of a fused qkv
 * buffer. Every run also checks that dims past {@code rotaryDims} and the rest of the fused buffer keep their bits.
 */
class RopeParityTest {

    /**
     * One case: {@code qk [tokens, heads, headDim]} with {@code rotaryDims} rotating; when {@code fusedWidth > 0} the
     * heads are columns {@code [column, column + heads·headDim)} of a {@code [tokens, fusedWidth]} buffer.
     */
    record Case(String name, int tokens, int heads, int headDim, RopeSpec spec, DType qk, DType table, int position0,
                int fusedWidth, int column) {
        @Override public String toString() { return name; }
    }

    private static Case plain(String name, int tokens, int heads, int headDim, RopeSpec spec, DType qk, DType table) {
        return new Case(name, tokens, heads, headDim, spec, qk, table, 0, 0, 0);
    }

    static List<Case> cases() {
        RopeSpec text = RopeSpec.interleaved(64), vision = RopeSpec.halfSplit(128);
        return List.of(
                plain("odd interleaved 6 of 10, 5 tokens x 3 heads f32", 5, 3, 10, RopeSpec.interleaved(6), F32, F32),
                plain("odd half-split 6 of 10, 5 tokens x 3 heads f32", 5, 3, 10, RopeSpec.halfSplit(6), F32, F32),
                plain("odd interleaved 10 of 10, 4 x 2 bf16", 4, 2, 10, RopeSpec.interleaved(10), BF16, BF16),
                plain("odd half-split 18 of 18, 3 x 5 f16", 3, 5, 18, RopeSpec.halfSplit(18), F16, F32),
                plain("odd half-split 2 of 34, 2 x 3 bf16, f32 tables", 2, 3, 34, RopeSpec.halfSplit(2), BF16, F32),
                plain("single token, single head, 2 dims f32", 1, 1, 2, RopeSpec.interleaved(2), F32, F32),
                new Case("real text q from fused qkv, 7 tokens bf16", 7, 32, 128, text, BF16, BF16, 0, 4608, 0),
                new Case("real text k from fused qkv, 7 tokens bf16", 7, 2, 128, text, BF16, BF16, 0, 4608, 4096),
                new Case("real text one q head (5 of 32), 3 tokens bf16", 3, 1, 128, text, BF16, BF16, 0, 4608, 640),
                new Case("real vision one k head (11 of 12), 4 tokens f32", 4, 1, 128, vision, F32, F32, 0, 4608, 1536 + 1408),
                new Case("real text q decode at 5000, 1 token bf16", 1, 32, 128, text, BF16, BF16, 5000, 4608, 0),
                new Case("real text k chunk at 300, 3 tokens f32", 3, 2, 128, text, F32, F32, 300, 4608, 4096),
                new Case("real vision q from fused qkv, 16 tokens bf16", 16, 12, 128, vision, BF16, F32, 0, 4608, 0),
                new Case("real vision k from fused qkv, 9 tokens f32", 9, 12, 128, vision, F32, F32, 0, 4608, 1536),
                plain("real text q contiguous, 4 tokens f16", 4, 32, 128, text, F16, F32));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        int half = c.spec().rotaryDims() / 2, width = c.heads() * c.headDim();
        Tensor buffer = c.fusedWidth() > 0 ? f.random(c.qk(), Shape.of(c.tokens(), c.fusedWidth())) : null;
        Tensor qk = buffer != null
                ? buffer.columns(c.column(), width).unflatten(1, c.heads(), c.headDim())
                : f.random(c.qk(), Shape.of(c.tokens(), c.heads(), c.headDim()));
        Shape table = Shape.of(c.tokens(), half);
        Tensor cos = f.filled(c.table(), table, i -> Math.cos(angle(c, i, half)));
        Tensor sin = f.filled(c.table(), table, i -> Math.sin(angle(c, i, half)));
        double[] expected = f.reference(() -> Reference.rope(f.host(qk), f.host(cos), f.host(sin), c.spec()));
        float[] before = f.download(qk);
        float[] bufferBefore = buffer == null ? null : f.download(buffer);
        ops.rope(qk, cos, sin, c.spec());
        String what = "rope on " + f.backend().name() + ", case '" + c + "'";
        float[] after = f.download(qk);
        Approx.assertUnchanged(before, after, qk.shape(), i -> i % c.headDim() >= c.spec().rotaryDims(),
                what + ", dims past rotaryDims");
        if (buffer != null)
            Approx.assertUnchangedOutsideColumns(bufferBefore, f.download(buffer), buffer.shape(), c.column(), width,
                    what + ", fused buffer around qk");
        return new Outcome(qk, expected);
    }

    /** Angle of pair {@code j} at token {@code t}: position times the 10000-based inverse frequency. */
    private static double angle(Case c, long flat, int half) {
        long t = flat / half, j = flat % half;
        return (c.position0() + t) * Math.pow(10000, -(double) j / half);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rope_jvmMatchesReference(Case c) {
        Parity.againstReference("rope", Op.ROPE, c.qk(), c.name(), c.name().hashCode(), Tolerance.of(c.qk()),
                c.headDim(), (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void rope_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "rope", Op.ROPE, c.qk(), c.name(), c.name().hashCode(), Tolerance.of(c.qk()),
                c.headDim(), (f, ops) -> run(c, f, ops));
    }
}
