package org.glm4j.tests.onednn;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attention on {@code onednn} (oneDNN blocks from 16 query rows, the Vector API kernel below) against {@code jvm}:
 * causal with and without a query offset, full, per-segment, GQA, block-edge lengths, f32 and bf16, and q/k/v as
 * strided column views of one fused qkv tensor.
 *
 * <p>Tolerance: f32 1e-5 absolute + 1e-4 relative (online vs two-pass softmax, different summation order); bf16
 * 1e-2 absolute + 2e-2 relative, the project's bf16 tolerance: the oneDNN path rounds the probabilities to bf16 at
 * the second matmul's input (|P| ≤ 1, so the absolute error stays below 2⁻⁸·max|v|).
 */
class OneDnnAttentionParityTest {
    private static OneDnnBackend onednn;
    private static JvmBackend jvm;

    @BeforeAll static void open() {
        onednn = OneDnnTesting.open();
        jvm = new JvmBackend(2);
    }

    @AfterAll static void close() {
        if (onednn != null) onednn.close();
        if (jvm != null) jvm.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (DType dt : new DType[] { DType.F32, DType.BF16 }) {
            // lq, lk, heads, kvHeads, headDim, kind (causal, full, segments, offset)
            list.add(Arguments.of(dt, 1, 1, 2, 1, 8, "causal"));
            list.add(Arguments.of(dt, 5, 5, 4, 2, 16, "causal"));
            list.add(Arguments.of(dt, 16, 16, 2, 2, 32, "causal"));
            list.add(Arguments.of(dt, 129, 129, 4, 2, 64, "causal"));
            list.add(Arguments.of(dt, 300, 300, 4, 1, 128, "causal"));
            list.add(Arguments.of(dt, 40, 300, 4, 2, 128, "offset"));
            list.add(Arguments.of(dt, 200, 200, 2, 2, 80, "full"));
            list.add(Arguments.of(dt, 290, 290, 2, 2, 64, "segments"));
            list.add(Arguments.of(dt, 130, 130, 4, 2, 64, "fused"));
            // 16 query heads per kv head (the text model's GQA): stacked rows, partial query and key blocks
            list.add(Arguments.of(dt, 300, 300, 32, 2, 128, "causal"));
            list.add(Arguments.of(dt, 70, 330, 32, 2, 128, "offset"));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} lq={1} lk={2} H={3} Hkv={4} D={5} {6}")
    @MethodSource("cases")
    void attention_matchesJvm(DType dt, int lq, int lk, int h, int hkv, int d, String kind) {
        try (Arena arena = Arena.ofShared()) {
            var rng = new SplittableRandom(lq * 131L + lk * 7L + h + d);
            Tensor q, k, v;
            if (kind.equals("fused")) {
                Tensor qkv = OneDnnTesting.random(dt, Shape.of(lq, (h + 2 * hkv) * d), rng, arena);
                q = qkv.columns(0, h * d).unflatten(1, h, d);
                k = qkv.columns(h * d, hkv * d).unflatten(1, hkv, d);
                v = qkv.columns((h + hkv) * d, hkv * d).unflatten(1, hkv, d);
            } else {
                q = scaled(OneDnnTesting.random(dt, Shape.of(lq, h, d), rng, arena), 2f);
                k = scaled(OneDnnTesting.random(dt, Shape.of(lk, hkv, d), rng, arena), 2f);
                v = OneDnnTesting.random(dt, Shape.of(lk, hkv, d), rng, arena);
            }
            AttentionSpec spec = switch (kind) {
                case "full" -> AttentionSpec.full(d, h / hkv, null);
                case "segments" -> AttentionSpec.full(d, h / hkv, new int[] { 0, 7, 150, 290 });
                case "offset" -> AttentionSpec.causal(d, h / hkv, lk - lq);
                default -> AttentionSpec.causal(d, h / hkv, 0);
            };
            Tensor e = Tensor.allocate(dt, Shape.of(lq, h, d), arena), a = Tensor.allocate(dt, Shape.of(lq, h, d), arena);
            new Ops(jvm, null).attention(e, q, k, v, spec);
            new Ops(onednn, null).attention(a, q, k, v, spec);
            boolean bf16 = dt == DType.BF16;
            OneDnnTesting.assertClose(e, a, bf16 ? 1e-2 : 1e-5, bf16 ? 2e-2 : 1e-4, null, "attention " + kind + " q=" + q + " k=" + k);
        }
    }

    private static Tensor scaled(Tensor t, float s) {
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, t.getFloat(i) * s);
        return t;
    }
}
