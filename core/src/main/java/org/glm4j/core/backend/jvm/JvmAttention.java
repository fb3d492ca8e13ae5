package org.glm4j.core.backend.jvm;

import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.tensor.Tensor;

/** Scaled dot-product attention on the host, f32 scores and softmax, GQA by index (no K/V copies). */
final class JvmAttention {
    private JvmAttention() {}

    static void attention(Parallel parallel, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        int lq = q.dim(0), hq = q.dim(1), d = q.dim(2), lk = k.dim(0);
        int[] seg = spec.segments();
        parallel.forRange(lq * hq, 1, (from, to) -> {
            float[] qr = RowIO.Buffers.get(0, d), kr = RowIO.Buffers.get(1, d), acc = RowIO.Buffers.get(2, d);
            float[] scores = RowIO.Buffers.get(3, lk);
            for (int task = from; task < to; task++) {
                int i = task / hq, h = task % hq, kvh = h / spec.groupSize();
                int lo = 0, hi = lk;
                if (spec.causal()) hi = spec.queryOffset() + i + 1;
                if (seg != null) {
                    int s = 0;
                    while (seg[s + 1] <= i) s++;
                    lo = seg[s];
                    hi = seg[s + 1];
                }
                RowIO.load(q.data(), off(q, i, h), q.dtype(), qr, 0, d);
                for (int j = lo; j < hi; j++) {
                    RowIO.load(k.data(), off(k, j, kvh), k.dtype(), kr, 0, d);
                    scores[j - lo] = JvmMatmul.dot(qr, 0, kr, d) * spec.scale();
                }
                JvmBackend.Kernels.softmaxInPlace(scores, hi - lo);
                java.util.Arrays.fill(acc, 0, d, 0f);
                for (int j = lo; j < hi; j++) {
                    RowIO.load(v.data(), off(v, j, kvh), v.dtype(), kr, 0, d);
                    float p = scores[j - lo];
                    for (int c = 0; c < d; c++) acc[c] += p * kr[c];
                }
                RowIO.store(out.data(), off(out, i, h), out.dtype(), acc, 0, d);
            }
        });
    }

    private static long off(Tensor t, int token, int head) {
        return t.byteOffset() + (token * t.stride(0) + head * t.stride(1)) * t.dtype().byteSize();
    }
}
