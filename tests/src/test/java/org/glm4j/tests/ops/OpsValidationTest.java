package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F32;
import static org.glm4j.core.tensor.DType.I32;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.OpException;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.TestBackends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid call is rejected by {@link Ops} with an {@link IllegalArgumentException} whose message starts with the
 * op and names the operands, and never reaches the backend: the calls run against a backend that fails the test if
 * any op gets to it. Valid edge cases (exact aliasing, row broadcast) are accepted.
 */
class OpsValidationTest {
    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void closeArena() { ARENA.close(); }

    /** A backend on {@code device} whose ops fail the test: validation must stop every invalid call before it. */
    static class RefusingBackend implements Backend {
        private final String name;
        private final Device device;

        RefusingBackend(String name, Device device) {
            this.name = name;
            this.device = device;
        }

        void reached(String op) { throw new AssertionError("an invalid " + op + " call reached backend " + name); }

        @Override public String name() { return name; }
        @Override public Device device() { return device; }
        @Override public Tensor allocate(DType dtype, Shape shape, Arena owner) {
            return device.isHost() ? Tensor.allocate(dtype, shape, owner)
                    : Tensor.onDevice(device, dtype, shape, MemorySegment.NULL, 0);
        }
        @Override public boolean supports(Op op, DType dtype) { return true; }
        @Override public void copy(Tensor dst, Tensor src) { reached("copy"); }
        @Override public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) { reached("matmul"); }
        @Override public void rmsNorm(Tensor out, Tensor x, Tensor weight, float eps) { reached("rmsNorm"); }
        @Override public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) { reached("layerNorm"); }
        @Override public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) { reached("rope"); }
        @Override public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) { reached("attention"); }
        @Override public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) { reached("conv"); }
        @Override public void swiglu(Tensor out, Tensor gateUp) { reached("swiglu"); }
        @Override public void unary(Tensor out, Tensor x, Unary fn) { reached("unary"); }
        @Override public void binary(Tensor out, Tensor a, Tensor b, Binary fn) { reached("binary"); }
        @Override public void softmax(Tensor out, Tensor x) { reached("softmax"); }
        @Override public void embedding(Tensor out, Tensor table, Tensor ids) { reached("embedding"); }
        @Override public void resamplePositions(Tensor out, Tensor table, Tensor points, int h, int w) {
            reached("resamplePositions");
        }
        @Override public void sample(Tensor ids, Tensor logits, SamplingSpec spec) { reached("sample"); }
        @Override public void convert(Tensor out, Tensor x) { reached("convert"); }
        @Override public void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor weight, float eps) {
            reached("addRmsNorm");
        }
        @Override public void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
            reached("attentionAt");
        }
        @Override public void copyRowsAt(Tensor dst, Tensor src, Tensor at) { reached("copyRowsAt"); }
        @Override public void synchronize() {}
        @Override public void close() {}
    }

    private static final Ops HOST = new Ops(new RefusingBackend("refusing", Device.CPU), null);
    private static final Ops CUDA = new Ops(new RefusingBackend("refusing-cuda", Device.cuda(0)), null);

    /** A host tensor. */
    private static Tensor t(DType dtype, int... dims) { return Tensor.allocate(dtype, Shape.of(dims), ARENA); }

    /** A tensor on cuda:0 (a null device pointer: nothing may dereference it). */
    private static Tensor cuda(DType dtype, int... dims) {
        return Tensor.onDevice(Device.cuda(0), dtype, Shape.of(dims), MemorySegment.NULL, 0);
    }

    /** An invalid call on {@code ops} and fragments its message must contain, the first being its start. */
    record Invalid(String name, Ops ops, OpCall call, String... fragments) {
        @Override public String toString() { return name; }
    }

    @FunctionalInterface
    interface OpCall { void run(Ops ops); }

    private static Invalid host(String name, OpCall call, String... fragments) {
        return new Invalid(name, HOST, call, fragments);
    }

    static Stream<Invalid> invalidCalls() {
        List<Invalid> l = new ArrayList<>();
        AttentionSpec gqa = AttentionSpec.causal(8, 2, 2);
        ConvSpec first = new ConvSpec(3, new int[] { 2, 2 }, ConvSpec.Layout.CHANNELS_FIRST);
        ConvSpec last = new ConvSpec(3, new int[] { 2, 2 }, ConvSpec.Layout.CHANNELS_LAST);

        // matmul: x f32[3,8], w f32[5,8], out f32[3,5]
        l.add(host("matmul in-features mismatch", o -> o.matmul(t(F32, 3, 5), t(F32, 3, 8), t(F32, 5, 7), null),
                "matmul: w f32[5,7] does not match x f32[3,8] (in features 7 vs 8)"));
        l.add(host("matmul out shape", o -> o.matmul(t(F32, 3, 4), t(F32, 3, 8), t(F32, 5, 8), null),
                "matmul: out f32[3,4] must be [3,5] for x f32[3,8] and w f32[5,8]"));
        l.add(host("matmul bias length", o -> o.matmul(t(F32, 3, 5), t(F32, 3, 8), t(F32, 5, 8), t(F32, 4)),
                "matmul: bias f32[4] does not match w f32[5,8]"));
        l.add(host("matmul integer x", o -> o.matmul(t(F32, 3, 5), t(I32, 3, 8), t(F32, 5, 8), null),
                "matmul: x i32[3,8] must be f32, bf16 or f16"));
        l.add(host("matmul rank-3 w", o -> o.matmul(t(F32, 3, 5), t(F32, 3, 8), t(F32, 5, 2, 4), null),
                "matmul: w f32[5,2,4] must be [out, in]"));
        l.add(host("matmul empty x", o -> o.matmul(t(F32, 0, 5), t(F32, 0, 8), t(F32, 5, 8), null),
                "matmul: x f32[0,8] is empty"));
        l.add(host("matmul empty w", o -> o.matmul(t(F32, 3, 0), t(F32, 3, 8), t(F32, 0, 8), null),
                "matmul: w f32[0,8] is empty"));
        l.add(host("matmul out overlaps x", o -> {
            Tensor buf = t(F32, 3, 8);
            o.matmul(buf.columns(0, 5), buf, t(F32, 5, 8), null);
        }, "matmul: out f32[3,5]{strides=[8, 1]} overlaps x f32[3,8]"));
        l.add(host("matmul out overlaps bias", o -> {
            Tensor out = t(F32, 3, 5);
            o.matmul(out, t(F32, 3, 8), t(F32, 5, 8), out.rows(0, 1).view(5));
        }, "matmul: out f32[3,5] overlaps bias f32[5]"));
        l.add(host("matmul x on another device", o -> o.matmul(t(F32, 3, 5), cuda(F32, 3, 8), t(F32, 5, 8), null),
                "matmul: x f32[3,8]@cuda:0 is on cuda:0, backend refusing runs on cpu"));
        l.add(host("matmul null x", o -> o.matmul(t(F32, 3, 5), null, t(F32, 5, 8), null), "matmul: x is null"));
        l.add(host("matmul transposed w", o -> {
            Tensor w = new Tensor(F32, Shape.of(5, 8), Device.CPU, ARENA.allocate(160, 64), 0, new long[] { 1, 5 });
            o.matmul(t(F32, 3, 5), t(F32, 3, 8), w, null);
        }, "matmul: w f32[5,8]{strides=[1, 5]} must be rows of one stride with a contiguous last dimension"));
        l.add(new Invalid("matmul host tensors on a cuda backend",
                CUDA, o -> o.matmul(t(F32, 3, 5), t(F32, 3, 8), t(F32, 5, 8), null),
                "matmul: out f32[3,5] is on cpu, backend refusing-cuda runs on cuda:0"));

        // rmsNorm and layerNorm
        l.add(host("rmsNorm weight length", o -> o.rmsNorm(t(BF16, 7, 1536), t(BF16, 7, 1536), t(BF16, 1535), 1e-5f),
                "rmsNorm: weight bf16[1535] does not match x bf16[7,1536]"));
        l.add(host("rmsNorm out shape", o -> o.rmsNorm(t(F32, 7, 1535), t(BF16, 7, 1536), t(BF16, 1536), 1e-5f),
                "rmsNorm: out f32[7,1535] does not match x bf16[7,1536]"));
        l.add(host("rmsNorm negative eps", o -> o.rmsNorm(t(F32, 3, 8), t(F32, 3, 8), t(F32, 8), -1f),
                "rmsNorm: eps must be >= 0 and finite, got -1.0"));
        l.add(host("rmsNorm NaN eps", o -> o.rmsNorm(t(F32, 3, 8), t(F32, 3, 8), t(F32, 8), Float.NaN),
                "rmsNorm: eps must be >= 0 and finite, got NaN"));
        l.add(host("rmsNorm out partially overlaps x", o -> {
            Tensor buf = t(F32, 4, 8);
            o.rmsNorm(buf.rows(1, 3), buf.rows(0, 3), t(F32, 8), 1e-5f);
        }, "rmsNorm: out f32[3,8] partially overlaps x f32[3,8]; use the same tensor or a separate one"));
        l.add(host("rmsNorm empty x", o -> o.rmsNorm(t(F32, 0, 16), t(F32, 0, 16), t(F32, 16), 1e-5f),
                "rmsNorm: x f32[0,16] is empty"));
        l.add(host("rmsNorm weight on another device", o -> o.rmsNorm(t(F32, 3, 8), t(F32, 3, 8), cuda(F32, 8), 1e-5f),
                "rmsNorm: weight f32[8]@cuda:0 is on cuda:0, backend refusing runs on cpu"));
        l.add(new Invalid("rmsNorm host out on a cuda backend",
                CUDA, o -> o.rmsNorm(t(F32, 3, 8), cuda(F32, 3, 8), cuda(F32, 8), 1e-5f),
                "rmsNorm: out f32[3,8] is on cpu, backend refusing-cuda runs on cuda:0"));
        l.add(host("layerNorm bias length", o -> o.layerNorm(t(F32, 3, 8), t(F32, 3, 8), t(F32, 8), t(F32, 7), 1e-5f),
                "layerNorm: bias f32[7] does not match x f32[3,8]"));
        l.add(host("layerNorm weight rank", o -> o.layerNorm(t(F32, 3, 8), t(F32, 3, 8), t(F32, 1, 8), t(F32, 8), 1e-5f),
                "layerNorm: weight f32[1,8] does not match x f32[3,8]"));

        // addRmsNorm: out, sum, x, residual f32[3,8]
        l.add(host("addRmsNorm residual shape", o -> o.addRmsNorm(t(F32, 3, 8), t(F32, 3, 8), t(F32, 3, 8), t(F32, 2, 8), t(F32, 8), 1e-5f),
                "addRmsNorm: residual f32[2,8] does not match out f32[3,8]"));
        l.add(host("addRmsNorm sum partially overlaps x", o -> {
            Tensor buf = t(F32, 4, 8);
            o.addRmsNorm(t(F32, 3, 8), buf.rows(1, 3), buf.rows(0, 3), t(F32, 3, 8), t(F32, 8), 1e-5f);
        }, "addRmsNorm: sum f32[3,8] partially overlaps x f32[3,8]; use the same tensor or a separate one"));
        l.add(host("addRmsNorm weight length", o -> o.addRmsNorm(t(F32, 3, 8), t(F32, 3, 8), t(F32, 3, 8), t(F32, 3, 8), t(F32, 7), 1e-5f),
                "addRmsNorm: weight f32[7] does not match x f32[3,8]"));

        // copyRowsAt: dst f32[4,8], src f32[1,8], at i32[1]
        l.add(host("copyRowsAt index outside dst", o -> {
            Tensor at = t(I32, 1);
            at.setLong(0, 4);
            o.copyRowsAt(t(F32, 4, 8), t(F32, 1, 8), at);
        }, "copyRowsAt: at 4 puts the 1 rows of src outside the 4 rows of dst"));
        l.add(host("copyRowsAt i64 index", o -> o.copyRowsAt(t(F32, 4, 8), t(F32, 1, 8), t(DType.I64, 1)),
                "copyRowsAt: at i64[1] must be i32[1]"));
        l.add(host("copyRowsAt dtype mismatch", o -> o.copyRowsAt(t(F32, 4, 8), t(BF16, 1, 8), t(I32, 1)),
                "copyRowsAt: dst f32[4,8] and src bf16[1,8] differ in dtype"));
        l.add(host("copyRowsAt width mismatch", o -> o.copyRowsAt(t(F32, 4, 8), t(F32, 1, 7), t(I32, 1)),
                "copyRowsAt: src f32[1,7] must be at most 4 rows of dst's width 8"));
        l.add(new Invalid("copyRowsAt host index on a cuda backend", CUDA,
                o -> o.copyRowsAt(cuda(F32, 4, 8), cuda(F32, 1, 8), t(I32, 1)),
                "copyRowsAt: at i32[1] is on cpu, backend refusing-cuda runs on cuda:0"));

        // attentionAt: q f32[1,4,8], k/v f32[6,2,8], position i32[1]
        l.add(host("attentionAt full spec", o -> o.attentionAt(t(F32, 1, 4, 8), t(F32, 1, 4, 8), t(F32, 6, 2, 8), t(F32, 6, 2, 8),
                AttentionSpec.full(8, 2, null), t(I32, 1)), "attentionAt: spec must be causal, without segments and at queryOffset 0"));
        l.add(host("attentionAt offset in the spec", o -> o.attentionAt(t(F32, 1, 4, 8), t(F32, 1, 4, 8), t(F32, 6, 2, 8), t(F32, 6, 2, 8),
                AttentionSpec.causal(8, 2, 3), t(I32, 1)), "attentionAt: spec must be causal, without segments and at queryOffset 0"));
        l.add(host("attentionAt position past the keys", o -> {
            Tensor p = t(I32, 1);
            p.setLong(0, 6);
            o.attentionAt(t(F32, 1, 4, 8), t(F32, 1, 4, 8), t(F32, 6, 2, 8), t(F32, 6, 2, 8), AttentionSpec.causal(8, 2, 0), p);
        }, "attentionAt: position 6 puts the 1 queries outside the 6 keys of k f32[6,2,8]"));

        // rope: qk f32[4,2,16], cos/sin f32[4,4], interleaved(8)
        RopeSpec rope8 = RopeSpec.interleaved(8);
        l.add(host("rope rotaryDims past headDim",
                o -> o.rope(t(F32, 4, 2, 16), t(F32, 4, 16), t(F32, 4, 16), RopeSpec.interleaved(32)),
                "rope: rotaryDims 32 exceeds headDim 16 of qk f32[4,2,16]"));
        l.add(host("rope cos shape", o -> o.rope(t(F32, 4, 2, 16), t(F32, 4, 5), t(F32, 4, 4), rope8),
                "rope: cos f32[4,5] must be [4,4] for qk f32[4,2,16] and RopeSpec[rotaryDims=8, pairing=INTERLEAVED]"));
        l.add(host("rope sin rows", o -> o.rope(t(F32, 4, 2, 16), t(F32, 4, 4), t(F32, 3, 4), rope8),
                "rope: sin f32[3,4] must be [4,4] for qk f32[4,2,16]"));
        l.add(host("rope rank-2 qk", o -> o.rope(t(F32, 4, 32), t(F32, 4, 4), t(F32, 4, 4), rope8),
                "rope: qk f32[4,32] must be [tokens, heads, headDim]"));
        l.add(host("rope integer sin", o -> o.rope(t(F32, 4, 2, 16), t(F32, 4, 4), t(I32, 4, 4), rope8),
                "rope: sin i32[4,4] must be f32, bf16 or f16"));
        l.add(host("rope strided last dim", o -> {
            Tensor qk = new Tensor(F32, Shape.of(4, 2, 16), Device.CPU, ARENA.allocate(4 * 4 * 2 * 32, 64), 0,
                    new long[] { 64, 32, 2 });
            o.rope(qk, t(F32, 4, 4), t(F32, 4, 4), rope8);
        }, "rope: qk f32[4,2,16]{strides=[64, 32, 2]} must be contiguous in its last dimension"));
        l.add(host("rope cos inside qk", o -> {
            Tensor qk = t(F32, 4, 2, 16);
            o.rope(qk, qk.view(128).slice(0, 0, 16).view(4, 4), t(F32, 4, 4), rope8);
        }, "rope: ", "overlaps cos f32[4,4]"));

        // attention: q f32[3,4,8], k, v f32[5,2,8], GQA 2, causal at 2
        l.add(host("attention k and v shapes", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8), t(F32, 5, 2, 8),
                t(F32, 6, 2, 8), gqa), "attention: k f32[5,2,8] and v f32[6,2,8] must have one shape"));
        l.add(host("attention out shape", o -> o.attention(t(F32, 3, 4, 7), t(F32, 3, 4, 8), t(F32, 5, 2, 8),
                t(F32, 5, 2, 8), gqa), "attention: out f32[3,4,7] must have q's shape [3,4,8]"));
        l.add(host("attention headDim", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8), t(F32, 5, 2, 4),
                t(F32, 5, 2, 4), gqa), "attention: q f32[3,4,8] and k f32[5,2,4] differ in headDim"));
        l.add(host("attention group size", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8), t(F32, 5, 2, 8),
                t(F32, 5, 2, 8), AttentionSpec.causal(8, 1, 2)),
                "attention: q f32[3,4,8] has 4 heads, k f32[5,2,8] has 2 kv heads; groupSize 1 needs 2 query heads"));
        l.add(host("attention too few keys for causal offset", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8),
                t(F32, 5, 2, 8), t(F32, 5, 2, 8), AttentionSpec.causal(8, 2, 3)),
                "attention: causal queries at positions 3..5 need at least 6 keys, k has 5"));
        l.add(host("attention segments end", o -> o.attention(t(F32, 5, 2, 8), t(F32, 5, 2, 8), t(F32, 5, 2, 8),
                t(F32, 5, 2, 8), AttentionSpec.full(8, 1, new int[] { 0, 2, 4 })),
                "attention: segments end at 4 but q has 5 and k 5 tokens"));
        l.add(host("attention segments with Lq != Lk", o -> o.attention(t(F32, 3, 2, 8), t(F32, 3, 2, 8),
                t(F32, 5, 2, 8), t(F32, 5, 2, 8), AttentionSpec.full(8, 1, new int[] { 0, 3 })),
                "attention: segments end at 3 but q has 3 and k 5 tokens"));
        l.add(host("attention offset without causal", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8),
                t(F32, 5, 2, 8), t(F32, 5, 2, 8), new AttentionSpec(0.3f, false, 2, 2, null)),
                "attention: queryOffset applies to causal attention only"));
        l.add(host("attention out is q", o -> {
            Tensor q = t(F32, 3, 4, 8);
            o.attention(q, q, t(F32, 5, 2, 8), t(F32, 5, 2, 8), gqa);
        }, "attention: out f32[3,4,8] overlaps q f32[3,4,8]"));
        l.add(host("attention rank-2 q", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 32), t(F32, 5, 2, 8),
                t(F32, 5, 2, 8), gqa), "attention: q f32[3,32] must be [tokens, heads, headDim]"));
        l.add(host("attention empty k", o -> o.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8), t(F32, 0, 2, 8),
                t(F32, 0, 2, 8), AttentionSpec.full(8, 2, null)), "attention: k f32[0,2,8] is empty"));

        // conv: 3 channels, kernel 2x2
        l.add(host("conv weight rank", o -> o.conv(t(F32, 5, 4), t(F32, 5, 12), t(F32, 4, 3, 4), null, first),
                "conv: w f32[4,3,4] must be [out, 3, 2,2] for ConvSpec[inChannels=3, kernel=[2, 2], layout=CHANNELS_FIRST]"));
        l.add(host("conv weight channels", o -> o.conv(t(F32, 5, 4), t(F32, 5, 12), t(F32, 4, 2, 2, 2), null, first),
                "conv: w f32[4,2,2,2] has 2 input channels, spec says 3"));
        l.add(host("conv weight kernel", o -> o.conv(t(F32, 5, 4), t(F32, 5, 12), t(F32, 4, 3, 2, 3), null, first),
                "conv: w f32[4,3,2,3] does not match kernel [2,2]"));
        l.add(host("conv channels-first window", o -> o.conv(t(F32, 5, 4), t(F32, 5, 11), t(F32, 4, 3, 2, 2), null, first),
                "conv: x f32[5,11] rows must hold one window of 12 values for ConvSpec"));
        l.add(host("conv channels-last row count", o -> o.conv(t(F32, 1, 4), t(F32, 6, 3), t(F32, 4, 3, 2, 2), null, last),
                "conv: x f32[6,3] row count must be a multiple of the window's 4 positions"));
        l.add(host("conv channels-last width", o -> o.conv(t(F32, 2, 4), t(F32, 8, 4), t(F32, 4, 3, 2, 2), null, last),
                "conv: x f32[8,4] rows must hold 3 channels for ConvSpec"));
        l.add(host("conv out shape", o -> o.conv(t(F32, 5, 3), t(F32, 5, 12), t(F32, 4, 3, 2, 2), null, first),
                "conv: out f32[5,3] must be [5,4]"));
        l.add(host("conv strided weight", o -> o.conv(t(F32, 5, 4), t(F32, 5, 12), t(F32, 4, 3, 2, 4).slice(3, 0, 2),
                null, first), "conv: w f32[4,3,2,2]{strides=[24, 8, 4, 1]} must be contiguous"));
        l.add(host("conv bias length", o -> o.conv(t(F32, 5, 4), t(F32, 5, 12), t(F32, 4, 3, 2, 2), t(F32, 3), first),
                "conv: bias f32[3] does not match w f32[4,3,2,2]"));

        // element-wise
        l.add(host("swiglu odd width", o -> o.swiglu(t(F32, 3, 3), t(F32, 3, 7)),
                "swiglu: gateUp f32[3,7] must have an even last dimension"));
        l.add(host("swiglu out width", o -> o.swiglu(t(F32, 3, 4), t(F32, 3, 6)),
                "swiglu: out f32[3,4] must be gateUp f32[3,6] with half the last dimension"));
        l.add(host("swiglu out inside gateUp", o -> {
            Tensor gu = t(F32, 3, 6);
            o.swiglu(gu.columns(0, 3), gu);
        }, "swiglu: out f32[3,3]{strides=[6, 1]} overlaps gateUp f32[3,6]"));
        l.add(host("unary shape", o -> o.unary(t(F32, 3, 7), t(F32, 3, 8), Unary.GELU),
                "unary GELU: out f32[3,7] does not match x f32[3,8]"));
        l.add(host("unary partial overlap", o -> {
            Tensor buf = t(F32, 4, 8);
            o.unary(buf.rows(0, 3), buf.rows(1, 3), Unary.SILU);
        }, "unary SILU: out f32[3,8] partially overlaps x f32[3,8]"));
        l.add(host("unary integer out", o -> o.unary(t(I32, 3, 8), t(F32, 3, 8), Unary.NEG),
                "unary NEG: out i32[3,8] must be f32, bf16 or f16"));
        l.add(host("binary b rows", o -> o.binary(t(F32, 3, 8), t(F32, 3, 8), t(F32, 2, 8), Binary.ADD),
                "binary ADD: b f32[2,8] must have a's shape [3,8] or be one row of 8"));
        l.add(host("binary b width", o -> o.binary(t(F32, 3, 8), t(F32, 3, 8), t(F32, 7), Binary.MUL),
                "binary MUL: b f32[7] must have a's shape [3,8] or be one row of 8"));
        l.add(host("binary b partially overlaps out", o -> {
            Tensor buf = t(F32, 4, 8);
            o.binary(buf.rows(0, 3), t(F32, 3, 8), buf.rows(1, 3), Binary.ADD);
        }, "binary ADD: out f32[3,8] partially overlaps b f32[3,8]"));
        l.add(host("softmax shape", o -> o.softmax(t(F32, 3, 9), t(F32, 3, 8)),
                "softmax: out f32[3,9] does not match x f32[3,8]"));
        l.add(host("softmax empty rows", o -> o.softmax(t(F32, 2, 0), t(F32, 2, 0)), "softmax: x f32[2,0] is empty"));

        // lookups
        l.add(host("embedding id past the table", o -> {
            Tensor ids = t(I32, 3);
            ids.setLong(1, 10);
            o.embedding(t(F32, 3, 4), t(F32, 10, 4), ids);
        }, "embedding: ids[1] = 10 is outside the table's 10 rows"));
        l.add(host("embedding negative id", o -> {
            Tensor ids = t(DType.I64, 3);
            ids.setLong(2, -1);
            o.embedding(t(F32, 3, 4), t(F32, 10, 4), ids);
        }, "embedding: ids[2] = -1 is outside the table's 10 rows"));
        l.add(host("embedding float ids", o -> o.embedding(t(F32, 3, 4), t(F32, 10, 4), t(F32, 3)),
                "embedding: ids f32[3] must be i32 or i64"));
        l.add(host("embedding rank-2 ids", o -> o.embedding(t(F32, 3, 4), t(F32, 10, 4), t(I32, 3, 1)),
                "embedding: ids i32[3,1] must be [n]"));
        l.add(host("embedding out width", o -> o.embedding(t(F32, 3, 5), t(F32, 10, 4), t(I32, 3)),
                "embedding: out f32[3,5] must be [3,4]"));
        l.add(host("embedding table rank", o -> o.embedding(t(F32, 3, 2), t(F32, 10, 2, 2), t(I32, 3)),
                "embedding: table f32[10,2,2] must be [rows, width]"));
        l.add(host("embedding no ids", o -> o.embedding(t(F32, 0, 4), t(F32, 10, 4), t(I32, 0)),
                "embedding: ids i32[0] is empty"));
        l.add(host("resamplePositions bf16 points", o -> o.resamplePositions(t(F32, 5, 4), t(F32, 9, 4), t(BF16, 5, 2), 3, 3),
                "resamplePositions: points bf16[5,2] must be f32"));
        l.add(host("resamplePositions points width", o -> o.resamplePositions(t(F32, 5, 4), t(F32, 9, 4), t(F32, 5, 3), 3, 3),
                "resamplePositions: points f32[5,3] must be [n, 2] of (x, y)"));
        l.add(host("resamplePositions table rows", o -> o.resamplePositions(t(F32, 5, 4), t(F32, 9, 4), t(F32, 5, 2), 2, 4),
                "resamplePositions: table f32[9,4] must have 2x4 rows"));
        l.add(host("resamplePositions empty grid", o -> o.resamplePositions(t(F32, 5, 4), t(F32, 9, 4), t(F32, 5, 2), 0, 9),
                "resamplePositions: table grid 0x9 must be positive"));
        l.add(host("resamplePositions out shape", o -> o.resamplePositions(t(F32, 5, 3), t(F32, 9, 4), t(F32, 5, 2), 3, 3),
                "resamplePositions: out f32[5,3] must be [5,4]"));
        l.add(host("sample float ids", o -> o.sample(t(F32, 2), t(F32, 2, 10), SamplingSpec.greedy()),
                "sample: ids f32[2] must be i32[2] for logits f32[2,10]"));
        l.add(host("sample ids count", o -> o.sample(t(I32, 3), t(F32, 2, 10), SamplingSpec.greedy()),
                "sample: ids i32[3] must be i32[2] for logits f32[2,10]"));
        l.add(host("sample penalized id past the vocabulary", o -> o.sample(t(I32, 2), t(F32, 2, 10),
                new SamplingSpec(1, 0, 1, 1.2f, new int[] { 3, 10 }, 0.5)),
                "sample: penalized id 10 is outside the vocabulary of 10"));
        l.add(host("sample empty logits", o -> o.sample(t(I32, 2), t(F32, 2, 0), SamplingSpec.greedy()),
                "sample: logits f32[2,0] is empty"));
        l.add(host("sample integer logits", o -> o.sample(t(I32, 2), t(I32, 2, 10), SamplingSpec.greedy()),
                "sample: logits i32[2,10] must be f32, bf16 or f16"));

        // convert and copy
        l.add(host("convert integer out", o -> o.convert(t(I32, 4), t(F32, 4)), "convert: out i32[4] must be f32, bf16 or f16"));
        l.add(host("convert u8 x", o -> o.convert(t(F32, 4), t(DType.U8, 4)),
                "convert: x u8[4] must be a floating dtype, i32 or i64"));
        l.add(host("convert integer to bf16", o -> o.convert(t(BF16, 4), t(I32, 4)),
                "convert: integer x i32[4] converts to f32 only (one rounding), not to bf16"));
        l.add(host("convert shape", o -> o.convert(t(F32, 5), t(BF16, 4)), "convert: out f32[5] does not match x bf16[4]"));
        l.add(host("convert partial overlap", o -> {
            Tensor buf = t(BF16, 8);
            o.convert(buf.slice(0, 2, 4), buf.slice(0, 0, 4));
        }, "convert: out bf16[4] partially overlaps x bf16[4]"));
        l.add(host("copy dtypes", o -> o.copy(t(F32, 4), t(BF16, 4)),
                "copy: dst f32[4] and src bf16[4] differ in dtype; use convert"));
        l.add(host("copy shape", o -> o.copy(t(F32, 5), t(F32, 4)), "copy: dst f32[5] does not match src f32[4]"));
        l.add(host("copy partial overlap", o -> {
            Tensor buf = t(F32, 8);
            o.copy(buf.slice(0, 2, 4), buf.slice(0, 0, 4));
        }, "copy: dst f32[4] overlaps src f32[4]"));
        l.add(host("copy empty", o -> o.copy(t(F32, 0), t(F32, 0)), "copy: src f32[0] is empty"));
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCalls")
    void invalidCall_isRejectedBeforeTheBackendWithAClearMessage(Invalid c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.call().run(c.ops()), c.name());
        String m = e.getMessage();
        assertTrue(m.startsWith(c.fragments()[0].substring(0, c.fragments()[0].indexOf(':') + 1)),
                () -> "message must start with the op: " + m);
        for (String fragment : c.fragments())
            assertTrue(m.contains(fragment), () -> "message\n  " + m + "\nlacks\n  " + fragment);
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                Arguments.of("attention scale 0", (Executable) () -> new AttentionSpec(0, false, 0, 1, null),
                        "attention: scale must be positive and finite, got 0.0"),
                Arguments.of("attention scale ∞", (Executable) () -> new AttentionSpec(Float.POSITIVE_INFINITY, false, 0, 1, null),
                        "attention: scale must be positive and finite, got Infinity"),
                Arguments.of("attention groupSize 0", (Executable) () -> AttentionSpec.causal(8, 0, 0),
                        "attention: groupSize must be >= 1, got 0"),
                Arguments.of("attention negative offset", (Executable) () -> AttentionSpec.causal(8, 1, -1),
                        "attention: queryOffset must be >= 0, got -1"),
                Arguments.of("attention causal segments", (Executable) () -> new AttentionSpec(1, true, 0, 1, new int[] { 0, 2 }),
                        "attention: segments are for full (non-causal) attention"),
                Arguments.of("attention segments from 1", (Executable) () -> AttentionSpec.full(8, 1, new int[] { 1, 3 }),
                        "attention: segments must start at 0 and have >= 2 boundaries, got [1, 3]"),
                Arguments.of("attention one boundary", (Executable) () -> AttentionSpec.full(8, 1, new int[] { 0 }),
                        "attention: segments must start at 0 and have >= 2 boundaries, got [0]"),
                Arguments.of("attention empty segment", (Executable) () -> AttentionSpec.full(8, 1, new int[] { 0, 3, 3 }),
                        "attention: segment boundaries must increase, got [0, 3, 3]"),
                Arguments.of("rope odd rotaryDims", (Executable) () -> RopeSpec.interleaved(7),
                        "rope: rotaryDims must be positive and even, got 7"),
                Arguments.of("rope zero rotaryDims", (Executable) () -> RopeSpec.halfSplit(0),
                        "rope: rotaryDims must be positive and even, got 0"),
                Arguments.of("rope no pairing", (Executable) () -> new RopeSpec(8, null), "rope: pairing is required"),
                Arguments.of("conv 1-D kernel", (Executable) () -> new ConvSpec(3, new int[] { 2 }, ConvSpec.Layout.CHANNELS_FIRST),
                        "conv: 2-D or 3-D kernels only, got [2]"),
                Arguments.of("conv 4-D kernel", (Executable) () -> new ConvSpec(3, new int[] { 2, 2, 2, 2 }, ConvSpec.Layout.CHANNELS_LAST),
                        "conv: 2-D or 3-D kernels only, got [2, 2, 2, 2]"),
                Arguments.of("conv no channels", (Executable) () -> new ConvSpec(0, new int[] { 2, 2 }, ConvSpec.Layout.CHANNELS_FIRST),
                        "conv: inChannels must be >= 1, got 0"),
                Arguments.of("conv zero kernel", (Executable) () -> new ConvSpec(3, new int[] { 2, 0 }, ConvSpec.Layout.CHANNELS_FIRST),
                        "conv: kernel sizes must be >= 1, got [2, 0]"),
                Arguments.of("conv no layout", (Executable) () -> new ConvSpec(3, new int[] { 2, 2 }, null),
                        "conv: layout is required"),
                Arguments.of("sample negative temperature", (Executable) () -> new SamplingSpec(-1, 0, 1, 1, null, 0),
                        "sample: temperature must be >= 0 and finite, got -1.0"),
                Arguments.of("sample NaN temperature", (Executable) () -> new SamplingSpec(Float.NaN, 0, 1, 1, null, 0),
                        "sample: temperature must be >= 0 and finite, got NaN"),
                Arguments.of("sample negative topK", (Executable) () -> new SamplingSpec(1, -1, 1, 1, null, 0),
                        "sample: topK must be >= 0, got -1"),
                Arguments.of("sample topP 0", (Executable) () -> new SamplingSpec(1, 0, 0, 1, null, 0),
                        "sample: topP must be in (0, 1], got 0.0"),
                Arguments.of("sample topP 1.5", (Executable) () -> new SamplingSpec(1, 0, 1.5f, 1, null, 0),
                        "sample: topP must be in (0, 1], got 1.5"),
                Arguments.of("sample penalty 0", (Executable) () -> new SamplingSpec(1, 0, 1, 0, null, 0),
                        "sample: repetitionPenalty must be > 0, got 0.0"),
                Arguments.of("sample uniform 1", (Executable) () -> new SamplingSpec(1, 0, 1, 1, null, 1),
                        "sample: uniform must be in [0, 1), got 1.0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void invalidSpec_isRejectedWithAClearMessage(String name, Executable make, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make, name);
        assertTrue(e.getMessage().equals(message), () -> "expected\n  " + message + "\ngot\n  " + e.getMessage());
    }

    // ---------------------------------------------------------------- valid edge cases are accepted

    @Test
    void validEdgeCases_areAccepted() {
        Ops ops = new Ops(TestBackends.jvm(), null);
        Tensor x = t(F32, 3, 8);
        assertDoesNotThrow(() -> ops.rmsNorm(x, x, t(F32, 8), 1e-5f), "rmsNorm in place");
        assertDoesNotThrow(() -> ops.unary(x.rows(0, 3), x.view(3, 8), Unary.GELU), "unary on an equal view of x");
        assertDoesNotThrow(() -> ops.binary(x, x, t(F32, 8), Binary.ADD), "binary, b one row [8]");
        assertDoesNotThrow(() -> ops.binary(x, x, t(F32, 1, 8), Binary.MUL), "binary, b one row [1,8]");
        Tensor b = t(F32, 3, 8);
        assertDoesNotThrow(() -> ops.binary(b, t(F32, 3, 8), b, Binary.ADD), "binary, out is b");
        assertDoesNotThrow(() -> ops.copy(x, x), "copy onto itself");
        assertDoesNotThrow(() -> ops.attention(t(F32, 5, 2, 8), t(F32, 5, 2, 8), t(F32, 5, 2, 8), t(F32, 5, 2, 8),
                AttentionSpec.full(8, 1, new int[] { 0, 2, 5 })), "attention with segments");
        assertDoesNotThrow(() -> ops.attention(t(F32, 3, 4, 8), t(F32, 3, 4, 8), t(F32, 5, 2, 8), t(F32, 5, 2, 8),
                AttentionSpec.causal(8, 2, 2)), "causal queries with exactly enough keys");
        assertDoesNotThrow(() -> ops.softmax(t(F32, 2, 1), t(F32, 2, 1)), "softmax over one column");
    }

    // ---------------------------------------------------------------- backend failures are wrapped

    @Test
    void backendFailure_isWrappedWithOpOperandsAndBackend() {
        Backend throwing = new RefusingBackend("throwing", Device.CPU) {
            @Override void reached(String op) { throw new IllegalStateException("boom"); }
        };
        Ops ops = new Ops(throwing, null);
        OpException e = assertThrows(OpException.class,
                () -> ops.matmul(t(F32, 3, 5), t(F32, 3, 8), t(F32, 5, 8), null));
        assertTrue(e.getMessage().contains("IllegalStateException in matmul(out=f32[3,5], x=f32[3,8], w=f32[5,8]) on throwing: boom"),
                e::getMessage);
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }
}
