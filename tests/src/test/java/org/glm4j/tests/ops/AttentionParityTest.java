package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.cuda.CudaBackend;
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
                        AttentionSpec.full(128, 1, null), F32, fused),
                c("real vision 18 tokens, 3 equal segments, 12 x 128 bf16, fused qkv", 18, 18, 12, 12, 128,
                        AttentionSpec.full(128, 1, new int[] { 0, 6, 12, 18 }), BF16, fused),
                c("full 5 queries x 9 keys, GQA 8/2 x 64 bf16", 5, 9, 8, 2, 64, AttentionSpec.full(64, 4, null), BF16, plain),
                c("unequal segments [0,5,13], 4 x 64 f16", 13, 13, 4, 4, 64, AttentionSpec.full(64, 1, new int[] { 0, 5, 13 }), F16,
                        plain),
                c("causal prefill 65 tokens (two key tiles), 32/2 x 128 bf16", 65, 65, 32, 2, 128, AttentionSpec.causal(128, 16, 0),
                        BF16, plain));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    /** A check on the operands just before the op runs (a case's eligibility for one path). */
    @FunctionalInterface
    private interface BeforeOp { void check(Tensor out, Tensor q, Tensor k, Tensor v); }

    private static Outcome run(Case c, Fixtures f, Ops ops) { return run(c, f, ops, (out, q, k, v) -> { }); }

    private static Outcome run(Case c, Fixtures f, Ops ops, BeforeOp beforeOp) {
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
        beforeOp.check(out, q, k, v);
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

    // ---------------------------------------------------------------- attentionAt: the query offset in device data

    /**
     * Queries at {@code position} of a KV cache of {@code capacity} rows, the offset held in an I32 [1] tensor; the
     * rows past {@code position + lq} hold NaN, so reading one would show in the output.
     */
    record AtCase(String name, int lq, int position, int capacity, int hq, int hkv, int d, DType dtype) {
        @Override public String toString() { return name; }
    }

    static List<AtCase> atCases() {
        return List.of(
                new AtCase("decode at 0 of 4, 2/1 heads x 16 f32", 1, 0, 4, 2, 1, 16, F32),
                new AtCase("decode at 8 of 16, 32/2 x 128 bf16", 1, 8, 16, 32, 2, 128, BF16),
                new AtCase("decode at 40 of 64, 32/2 x 128 f16", 1, 40, 64, 32, 2, 128, F16),
                new AtCase("chunk of 3 at 7 of 16, 4/2 x 33 f32", 3, 7, 16, 4, 2, 33, F32),
                new AtCase("decode at the last row of 300, 6/2 x 256 f32", 1, 299, 300, 6, 2, 256, F32),
                new AtCase("real decode at 2999 of 4096 (keys split), 32/2 x 128 bf16", 1, 2999, 4096, 32, 2, 128, BF16));
    }

    static Stream<Arguments> atBackendCases() { return TestBackends.othersCrossed(atCases()); }

    private static Outcome runAt(AtCase c, Fixtures f, Ops ops) {
        int used = c.position() + c.lq(), width = c.hkv() * c.d();
        SplittableRandom rng = f.rng();
        Tensor q = f.random(c.dtype(), Shape.of(c.lq(), c.hq(), c.d()));
        Tensor k = f.filled(c.dtype(), Shape.of(c.capacity(), c.hkv(), c.d()), i -> i / width < used ? rng.nextDouble(-1, 1) : Double.NaN);
        Tensor v = f.filled(c.dtype(), Shape.of(c.capacity(), c.hkv(), c.d()), i -> i / width < used ? rng.nextDouble(-1, 1) : Double.NaN);
        Tensor out = f.zeros(c.dtype(), q.shape());
        Tensor position = f.ids(DType.I32, c.position());
        AttentionSpec causal = AttentionSpec.causal(c.d(), c.hq() / c.hkv(), c.position());
        double[] expected = f.reference(() -> Reference.attention(f.host(q), f.host(k).rows(0, used), f.host(v).rows(0, used), causal));
        ops.attentionAt(out, q, k, v, AttentionSpec.causal(c.d(), c.hq() / c.hkv(), 0), position);
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("atCases")
    void attentionAt_jvmMatchesReference(AtCase c) {
        Parity.againstReference("attentionAt", Op.ATTENTION, c.dtype(), c.name(), c.name().hashCode(), Tolerance.of(c.dtype()), c.d(),
                (f, ops) -> runAt(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("atBackendCases")
    void attentionAt_matchesJvm(TestBackends.Candidate backend, AtCase c) {
        Parity.againstJvm(backend, "attentionAt", Op.ATTENTION, c.dtype(), c.name(), c.name().hashCode(), Tolerance.of(c.dtype()), c.d(),
                (f, ops) -> runAt(c, f, ops));
    }

    // ---------------------------------------------------------------- the cuda backend's two paths, each pinned

    static Stream<Arguments> cudaCases() {
        TestBackends.Candidate cuda = TestBackends.named(CudaBackend.NAME);
        if (cuda.backend() == null) return Stream.of(Arguments.of(cuda, cases().getFirst()));
        return cases().stream().map(c -> Arguments.of(cuda, c));
    }

    /** Runs {@code body} against jvm with the cuda backend's attention pinned to {@code path} on this thread. */
    private static void pinned(TestBackends.Candidate cuda, CudaBackend.AttentionPath path, Case c, Parity.Body body) {
        assumeTrue(cuda.backend() != null, cuda::unavailable);
        CudaBackend backend = (CudaBackend) cuda.backend();
        CudaBackend.AttentionPath before = backend.attentionPath(path);
        try {
            Parity.againstJvm(cuda, "attention (" + path + ")", Op.ATTENTION, c.dtype(), c.name(), c.name().hashCode(),
                    Tolerance.of(c.dtype()), c.d(), body);
        } finally {
            backend.attentionPath(before);
        }
    }

    /** cuDNN's fused SDPA (cuDNN ≥ 9.13; causal prefill ≥ 9.21), on the cases it can serve. */
    @Tag("cuda")
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cudaCases")
    void attention_cudnnSdpaMatchesJvm(TestBackends.Candidate cuda, Case c) {
        if (cuda.backend() instanceof CudaBackend b) assumeTrue(b.sdpaAvailable(), b::sdpaStatus);
        pinned(cuda, CudaBackend.AttentionPath.SDPA, c, (f, ops) -> run(c, f, ops, (out, q, k, v) -> {
            if (f.backend() instanceof CudaBackend b) {                  // skip (visibly) a case cuDNN cannot take here
                String why = b.sdpaIneligible(out, q, k, v, c.spec());
                assumeTrue(why == null, () -> "cuDNN SDPA does not take case '" + c + "' here: " + why);
            }
        }));
    }

    /** Our kernels alone (the prefill kernel, the general one, split-K). */
    @Tag("cuda")
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cudaCases")
    void attention_glmkKernelsMatchJvm(TestBackends.Candidate cuda, Case c) {
        pinned(cuda, CudaBackend.AttentionPath.KERNEL, c, (f, ops) -> run(c, f, ops));
    }
}
