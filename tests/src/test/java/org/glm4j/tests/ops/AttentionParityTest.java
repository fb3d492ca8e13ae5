package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.AttentionSpec;
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
 * {@code attention}: GQA, causal with a query offset (prefill, decode, chunks, queries before the end of the keys),
 * full attention with and without segments, q/k/v as head views of one fused qkv buffer, out into a column slice.
 */
class AttentionParityTest {

    /**
     * Operand layouts: separate tensors, q/k/v columns of a fused {@code [L, (hq + 2·hkv)·d]} buffer, out a column
     * slice, or q, k, v and out each one head (the middle one) out of three.
     */
    enum Layout { PLAIN, FUSED_QKV, OUT_COLUMNS, ONE_HEAD }

    /** One case; {@code magnitude} scales q and k (large values give peaked softmax rows). */
    record Case(String name, int lq, int lk, int hq, int hkv, int d, AttentionSpec spec, DType dtype, Layout layout,
                double magnitude) {
        @Override public String toString() { return name; }
    }

    private static Case c(String name, int lq, int lk, int hq, int hkv, int d, AttentionSpec spec, DType dtype,
                          Layout layout) {
        return new Case(name, lq, lk, hq, hkv, d, spec, dtype, layout, 1);
    }

    static List<Case> cases() {
        Layout plain = Layout.PLAIN, fused = Layout.FUSED_QKV;
        return List.of(
                c("odd causal 5 tokens, 3 heads x 17 f32", 5, 5, 3, 3, 17, AttentionSpec.causal(17, 1, 0), F32, plain),
                c("odd GQA 4/2 heads, 6 tokens x 33 bf16 causal", 6, 6, 4, 2, 33, AttentionSpec.causal(33, 2, 0), BF16, plain),
                c("odd full 3 queries x 7 keys, 2 heads x 9 f32", 3, 7, 2, 2, 9, AttentionSpec.full(9, 1, null), F32, plain),
                c("odd segments [0,2,5,6], 3 heads x 9 f16", 6, 6, 3, 3, 9,
                        AttentionSpec.full(9, 1, new int[] { 0, 2, 5, 6 }), F16, plain),
                c("odd scale 0.3, GQA 6/3, causal at 4 of 7 keys f32", 3, 7, 6, 3, 12,
                        new AttentionSpec(0.3f, true, 4, 2, null), F32, plain),
                c("causal queries before the end: 3 at 2 of 10 keys f32", 3, 10, 2, 1, 16,
                        AttentionSpec.causal(16, 2, 2), F32, plain),
                c("single query, single key, 1 head x 1 f32", 1, 1, 1, 1, 1, AttentionSpec.causal(1, 1, 0), F32, plain),
                new Case("peaked scores (q, k x4), 4 tokens, 2 heads x 64 f32", 4, 4, 2, 2, 64,
                        AttentionSpec.causal(64, 1, 0), F32, plain, 4),
                c("out column slice, GQA 4/1, 5 tokens x 16 bf16", 5, 5, 4, 1, 16, AttentionSpec.causal(16, 4, 0), BF16,
                        Layout.OUT_COLUMNS),
                c("one head out of three, 6 tokens x 128 bf16 causal", 6, 6, 1, 1, 128, AttentionSpec.causal(128, 1, 0),
                        BF16, Layout.ONE_HEAD),
                c("one head out of three, 3 queries x 8 keys x 20 f32 full", 3, 8, 1, 1, 20, AttentionSpec.full(20, 1, null),
                        F32, Layout.ONE_HEAD),
                c("real text prefill 7 tokens, 32/2 heads x 128 bf16, fused qkv", 7, 7, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 0), BF16, fused),
                c("real text prefill 5 tokens, 32/2 heads x 128 f32, fused qkv", 5, 5, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 0), F32, fused),
                c("real text decode at 8 of 9 keys, 32/2 x 128 bf16", 1, 9, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 8), BF16, plain),
                c("real text decode at 40 of 41 keys, 32/2 x 128 f16", 1, 41, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 40), F16, plain),
                c("real text decode at 1030 of 1031 keys, 32/2 x 128 bf16", 1, 1031, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 1030), BF16, plain),
                new Case("decode peaked scores (q, k x4) at 699 of 700 keys, 32/2 x 128 bf16", 1, 700, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 699), BF16, plain, 4),
                c("decode GQA 24/3 at 300 of 301 keys x 64 f32", 1, 301, 24, 3, 64, AttentionSpec.causal(64, 8, 300), F32,
                        plain),
                c("real text chunk of 3 at 7 of 10 keys, 32/2 x 128 f32", 3, 10, 32, 2, 128,
                        AttentionSpec.causal(128, 16, 7), F32, plain),
                c("real vision 16 tokens, segments [0,4,9,16], 12 x 128 bf16, fused qkv", 16, 16, 12, 12, 128,
                        AttentionSpec.full(128, 1, new int[] { 0, 4, 9, 16 }), BF16, fused),
                c("real vision 64 tokens, one segment, 12 x 128 f32, fused qkv", 64, 64, 12, 12, 128,
                        AttentionSpec.full(128, 1, null), F32, fused));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        int qw = c.hq() * c.d(), kw = c.hkv() * c.d();
        double mag = c.magnitude();
        Tensor q, k, v;
        if (c.layout() == Layout.FUSED_QKV) {
            Tensor qkv = f.random(c.dtype(), Shape.of(c.lq(), qw + 2 * kw));
            q = qkv.columns(0, qw).unflatten(1, c.hq(), c.d());
            k = qkv.columns(qw, kw).unflatten(1, c.hkv(), c.d());
            v = qkv.columns(qw + kw, kw).unflatten(1, c.hkv(), c.d());
        } else if (c.layout() == Layout.ONE_HEAD) {
            q = f.random(c.dtype(), Shape.of(c.lq(), 3, c.d())).slice(1, 1, 1);
            k = f.random(c.dtype(), Shape.of(c.lk(), 3, c.d())).slice(1, 1, 1);
            v = f.random(c.dtype(), Shape.of(c.lk(), 3, c.d())).slice(1, 1, 1);
        } else {
            q = f.random(c.dtype(), Shape.of(c.lq(), c.hq(), c.d()), -mag, mag);
            k = f.random(c.dtype(), Shape.of(c.lk(), c.hkv(), c.d()), -mag, mag);
            v = f.random(c.dtype(), Shape.of(c.lk(), c.hkv(), c.d()));
        }
        Tensor buffer = switch (c.layout()) {
            case OUT_COLUMNS -> f.random(c.dtype(), Shape.of(c.lq(), 2 * qw));
            case ONE_HEAD -> f.random(c.dtype(), Shape.of(c.lq(), 3 * qw));
            default -> null;
        };
        int outColumn = c.layout() == Layout.ONE_HEAD ? qw : qw / 2;
        Tensor out = buffer != null
                ? buffer.columns(outColumn, qw).unflatten(1, c.hq(), c.d())
                : f.zeros(c.dtype(), Shape.of(c.lq(), c.hq(), c.d()));
        double[] expected = f.reference(() -> Reference.attention(f.host(q), f.host(k), f.host(v), c.spec()));
        float[] before = buffer == null ? null : f.download(buffer);
        ops.attention(out, q, k, v, c.spec());
        if (buffer != null)
            Approx.assertUnchangedOutsideColumns(before, f.download(buffer), buffer.shape(), outColumn, qw,
                    "attention on " + f.backend().name() + ", case '" + c + "', buffer around out");
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void attention_jvmMatchesReference(Case c) {
        Parity.againstReference("attention", Op.ATTENTION, c.dtype(), c.name(), c.name().hashCode(),
                Tolerance.of(c.dtype()), c.d(), (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void attention_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "attention", Op.ATTENTION, c.dtype(), c.name(), c.name().hashCode(),
                Tolerance.of(c.dtype()), c.d(), (f, ops) -> run(c, f, ops));
    }
}
