package org.glm4j.core.backend.onednn;

import org.glm4j.core.backend.jvm.JvmAttention;
import org.glm4j.core.backend.jvm.Parallel;
import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Flash-style attention for prefill: oneDNN matmuls over fixed-size blocks with an online softmax in between.
 *
 * <p>Algorithm (per kv head, the query heads that share it, and block of query tokens): the query rows of all
 * those heads are stacked into one matrix (row {@code i·g + h} = token {@code i} of head {@code h}; one copy per
 * task, since a token's heads are adjacent in q), so that grouped-query attention runs as few large matmuls. For
 * each block of up to {@value #BK} keys the rows may see, {@code S = Q·Kᵀ} (oneDNN matmul, f32 out); then the
 * running row maxima {@code m} are updated, the rescale factors {@code exp(m_old − m)} computed as vectors over
 * rows, {@code P = exp(scale·S − m)} is written in the matmul dtype, the sums {@code l} updated and the f32
 * accumulator rows rescaled where {@code m} grew (Vector API, inline exp); then {@code acc += P·V} (oneDNN matmul
 * with a sum post-op). Finally {@code out = acc / l}, rounded once. Causal masking skips key blocks past the
 * block's last query and masks the diagonal block per token; segments run as independent full attentions.
 *
 * <p>Threads: the tasks run on the {@link Parallel}, largest first, each worker running its primitives with an
 * OpenMP team of one, so the two kinds of threads never run at once. Layout: k, v and out are read and written in
 * place as strided matrices (one head's rows are {@code headDim} values every token stride); K and V are never
 * copied or transposed.
 *
 * <p>Dtypes: q, k, v all bf16 → bf16 matmuls on the AMX/AVX-512 BF16 kernels, with P rounded to bf16 at the second
 * matmul's input (the precision policy allows rounding activations at matmul inputs); all f32 → f32 throughout.
 * Scores, the softmax and the accumulator are f32 either way. Other mixes return {@code false}.
 *
 * <p>Block shapes are fixed per (rows, head dim), so primitives are acquired once per task and reused across
 * calls: only the last (partial) query and key blocks have other sizes. Decode (few query rows) is memory-bound
 * and left to the Vector API kernel by the caller.
 */
final class DnnlAttention implements AutoCloseable {
    /** Keys per block. */
    static final int BK = 256;
    /** Stacked query rows (tokens × heads) per task that the query block size aims at, and its bounds in tokens. */
    static final int ROWS = 1024, MIN_BQ = 16, MAX_BQ = 128;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SS = FS.length() == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    /** Buffer slots of a thread's state: scores, probabilities, accumulator, stacked q (slot 0 is the scratchpad). */
    private static final int S_SLOT = 4, P_SLOT = 5, ACC_SLOT = 6, Q_SLOT = 7;

    private final Dnnl dnnl;
    private final PrimitiveCache primitives;
    private final Parallel pool;
    private final MemorySegment sumAttr;

    DnnlAttention(Dnnl dnnl, PrimitiveCache primitives, Parallel pool) {
        this.dnnl = dnnl;
        this.primitives = primitives;
        this.pool = pool;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment slot = a.allocate(C_POINTER);
            Dnnl.check(dnnl_primitive_attr_create(slot), "dnnl_primitive_attr_create", "attention attributes");
            sumAttr = slot.get(C_POINTER, 0);
            Dnnl.check(dnnl_primitive_attr_set_scratchpad_mode(sumAttr, dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode", "attention attributes");
            Dnnl.check(dnnl_post_ops_create(slot), "dnnl_post_ops_create", "attention attributes");
            MemorySegment ops = slot.get(C_POINTER, 0);
            try {
                Dnnl.check(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_data_type_undef()), "dnnl_post_ops_append_sum",
                        "attention attributes");
                Dnnl.check(dnnl_primitive_attr_set_post_ops(sumAttr, ops), "dnnl_primitive_attr_set_post_ops", "attention attributes");
            } finally {
                dnnl_post_ops_destroy(ops);
            }
        }
    }

    /** Whether this op goes here: uniform bf16 or f32 inputs and enough query rows to fill matmul tiles. */
    static boolean handles(Tensor out, Tensor q, Tensor k, Tensor v, int minRows) {
        DType d = q.dtype();
        if (d != DType.BF16 && d != DType.F32) return false;
        if (k.dtype() != d || v.dtype() != d || out.dtype() == DType.F16) return false;
        for (Tensor t : new Tensor[] { out, q, k, v })
            if (!t.data().isNative() || t.stride(2) != 1 || t.stride(1) != t.dim(2) || t.stride(0) < (long) t.dim(1) * t.dim(2))
                return false;
        return q.dim(0) >= minRows;
    }

    /**
     * Query heads {@code [head0, head0 + heads)} (sharing one kv head) × query tokens {@code [q0, q1)} against keys
     * {@code [k0, k1)}; {@code diagonal} is the absolute position of query token 0 for causal masking (query
     * {@code i} sees keys {@code ≤ diagonal + i}), or {@code Integer.MIN_VALUE} for none.
     */
    private record Task(int head0, int heads, int q0, int q1, int k0, int k1, int diagonal) {
        long cost() { return (long) heads * (q1 - q0) * (k1 - k0); }
    }

    void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Supplier<String> context) {
        int lq = q.dim(0), hq = q.dim(1), g = spec.groupSize();
        int bq = Math.max(MIN_BQ, Math.min(MAX_BQ, ROWS / g));
        int[] seg = spec.segments();
        long blocks = 0;
        if (seg != null) for (int s = 0; s + 1 < seg.length; s++) blocks += (seg[s + 1] - seg[s] + bq - 1) / bq;
        else blocks = (lq + bq - 1) / bq;
        // Split a group's heads when whole groups give too few tasks to keep the workers busy.
        int heads = g;
        while (heads % 2 == 0 && blocks * (hq / heads) < 2L * pool.threads()) heads /= 2;
        List<Task> tasks = new ArrayList<>();
        for (int h = 0; h < hq; h += heads) {
            if (seg != null) {
                for (int s = 0; s + 1 < seg.length; s++)
                    for (int i = seg[s]; i < seg[s + 1]; i += bq)
                        tasks.add(new Task(h, heads, i, Math.min(i + bq, seg[s + 1]), seg[s], seg[s + 1], Integer.MIN_VALUE));
            } else {
                for (int i = 0; i < lq; i += bq) {
                    int i1 = Math.min(i + bq, lq);
                    int end = spec.causal() ? spec.queryOffset() + i1 : k.dim(0);
                    tasks.add(new Task(h, heads, i, i1, 0, end, spec.causal() ? spec.queryOffset() : Integer.MIN_VALUE));
                }
            }
        }
        tasks.sort((a, b) -> Long.compare(b.cost(), a.cost()));
        pool.forParts(tasks.size(), tasks.size(), (from, to) -> {
            for (int i = from; i < to; i++) block(out, q, k, v, spec, tasks.get(i), context);
        });
    }

    private void block(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Task t, Supplier<String> context) {
        int d = q.dim(2), g = t.heads, kvh = t.head0 / spec.groupSize();
        int bq = t.q1 - t.q0, rows = bq * g;
        DType cdt = q.dtype();
        int es = cdt.byteSize();
        Dnnl.ThreadState ts = dnnl.thread();
        MemorySegment qs = ts.buffer(Q_SLOT, (long) rows * d * es);
        MemorySegment s = ts.buffer(S_SLOT, (long) rows * BK * 4);
        MemorySegment p = ts.buffer(P_SLOT, (long) rows * BK * es);
        MemorySegment acc = ts.buffer(ACC_SLOT, (long) rows * d * 4);
        long qRow = q.stride(0), kRow = k.stride(0), vRow = v.stride(0);
        long qOff = q.byteOffset() + ((long) t.q0 * qRow + (long) t.head0 * d) * es;
        for (int i = 0; i < bq; i++)
            MemorySegment.copy(q.data(), qOff + i * qRow * es, qs, (long) i * g * d * es, (long) g * d * es);
        acc.asSlice(0, (long) rows * d * 4).fill((byte) 0);
        int padded = (rows + FS.length() - 1) / FS.length() * FS.length();
        float[] m = new float[padded], l = new float[padded], mNew = new float[padded], alpha = new float[padded];
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        float scale = spec.scale();
        boolean causal = t.diagonal != Integer.MIN_VALUE;

        Primitive qk = null, pv = null;
        try {
            for (int j0 = t.k0; j0 < t.k1; j0 += BK) {
                int bk = Math.min(BK, t.k1 - j0);
                if (causal && j0 > t.diagonal + t.q1 - 1) break;
                if (qk == null || bk != BK) {
                    if (qk != null) {
                        primitives.release(qk);
                        qk = null;
                        primitives.release(pv);
                        pv = null;
                    }
                    qk = scores(cdt, rows, bk, d, kRow, context);
                    pv = values(cdt, rows, bk, d, vRow, context);
                }
                long kAddr = k.data().address() + k.byteOffset() + ((long) j0 * kRow + (long) kvh * d) * es;
                long vAddr = v.data().address() + v.byteOffset() + ((long) j0 * vRow + (long) kvh * d) * es;
                dnnl.execute(qk, new int[] { DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST() },
                        new MemorySegment[] { qs, MemorySegment.ofAddress(kAddr), s }, 1, context);
                softmax(s, p, acc, bq, g, bk, d, j0, t, causal, scale, m, l, mNew, alpha, cdt);
                dnnl.execute(pv, new int[] { DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST() },
                        new MemorySegment[] { p, MemorySegment.ofAddress(vAddr), acc }, 1, context);
            }
        } finally {
            if (qk != null) primitives.release(qk);
            if (pv != null) primitives.release(pv);
        }
        int os = out.dtype().byteSize();
        long oRow = out.stride(0);
        long oOff = out.byteOffset() + ((long) t.q0 * oRow + (long) t.head0 * d) * os;
        for (int i = 0; i < bq; i++)
            for (int h = 0; h < g; h++) {
                int r = i * g + h;
                storeRow(acc, (long) r * d * 4, l[r] > 0 ? 1f / l[r] : 0f, out.data(), oOff + (i * oRow + (long) h * d) * os, d, out.dtype());
            }
    }

    /** Number of keys of block {@code j0} that token {@code i} of the task sees. */
    private static int visible(Task t, boolean causal, int i, int j0, int bk) {
        return causal ? Math.max(0, Math.min(bk, t.diagonal + t.q0 + i - j0 + 1)) : bk;
    }

    /**
     * One score block {@code s [rows, bk]}: updates the running maxima and sums, writes P and rescales the
     * accumulator rows. Row {@code r} is token {@code r / g}; keys it does not see get probability 0. The vector
     * loops are small methods of their own: inlined into one large method, C2 runs out of node budget and boxes
     * the vectors passed between the pieces.
     */
    private static void softmax(MemorySegment s, MemorySegment p, MemorySegment acc, int bq, int g, int bk, int d, int j0,
                                Task t, boolean causal, float scale, float[] m, float[] l, float[] mNew, float[] alpha, DType pdt) {
        int rows = bq * g;
        for (int i = 0; i < bq; i++) {
            int vis = visible(t, causal, i, j0, bk);
            for (int r = i * g; r < (i + 1) * g; r++)
                mNew[r] = vis > 0 ? Math.max(m[r], rowMax(s, (long) r * bk * 4, vis) * scale) : m[r];
        }
        factors(m, mNew, alpha, rows);
        for (int i = 0; i < bq; i++) {
            int vis = visible(t, causal, i, j0, bk);
            for (int r = i * g; r < (i + 1) * g; r++) {
                long sOff = (long) r * bk * 4, pOff = (long) r * bk;
                float sum = pdt == DType.F32 ? expRowF32(s, sOff, p, pOff, vis, bk, scale, m[r])
                        : expRowBf16(s, sOff, p, pOff, vis, bk, scale, m[r]);
                float a = alpha[r];
                l[r] = l[r] * a + sum;
                if (a != 1f) rescale(acc, (long) r * d * 4, d, a);
            }
        }
    }

    /** The maximum of {@code n ≥ 1} f32 values at byte {@code off}. */
    private static float rowMax(MemorySegment s, long off, int n) {
        int lanes = FS.length(), c = 0;
        FloatVector vmax = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        for (; c + lanes <= n; c += lanes) vmax = vmax.max(FloatVector.fromMemorySegment(FS, s, off + c * 4L, LE));
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; c < n; c++) max = Math.max(max, s.get(F32, off + c * 4L));
        return max;
    }

    /** {@code alpha = exp(m − mNew)} (0 where mNew is still −∞: nothing seen yet), then {@code m = mNew}. */
    private static void factors(float[] m, float[] mNew, float[] alpha, int rows) {
        for (int r = 0; r < rows; r += FS.length()) {
            FloatVector mo = FloatVector.fromArray(FS, m, r), mn = FloatVector.fromArray(FS, mNew, r);
            JvmAttention.expNonPositive(mo.sub(mn)).blend(0f, mn.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY)).intoArray(alpha, r);
            mn.intoArray(m, r);
        }
    }

    /** {@code p[0..vis) = exp(scale·s − max)} as f32, {@code p[vis..bk) = 0}; returns the sum of the f32 values. */
    private static float expRowF32(MemorySegment s, long sOff, MemorySegment p, long pOff, int vis, int bk, float scale, float max) {
        int lanes = FS.length(), c = 0;
        FloatVector vscale = FloatVector.broadcast(FS, scale), vneg = FloatVector.broadcast(FS, -max), vsum = FloatVector.zero(FS);
        for (; c + lanes <= vis; c += lanes) {
            FloatVector e = JvmAttention.expNonPositive(FloatVector.fromMemorySegment(FS, s, sOff + c * 4L, LE).fma(vscale, vneg));
            vsum = vsum.add(e);
            e.intoMemorySegment(p, (pOff + c) * 4, LE);
        }
        float sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; c < vis; c++) {
            float e = (float) Math.exp(s.get(F32, sOff + c * 4L) * scale - max);
            sum += e;
            p.set(F32, (pOff + c) * 4, e);
        }
        for (; c < bk; c++) p.set(F32, (pOff + c) * 4, 0f);
        return sum;
    }

    /** As {@link #expRowF32} with P rounded to bf16 (the sum is of the unrounded values). */
    private static float expRowBf16(MemorySegment s, long sOff, MemorySegment p, long pOff, int vis, int bk, float scale, float max) {
        int lanes = FS.length(), c = 0;
        FloatVector vscale = FloatVector.broadcast(FS, scale), vneg = FloatVector.broadcast(FS, -max), vsum = FloatVector.zero(FS);
        for (; c + lanes <= vis; c += lanes) {
            FloatVector e = JvmAttention.expNonPositive(FloatVector.fromMemorySegment(FS, s, sOff + c * 4L, LE).fma(vscale, vneg));
            vsum = vsum.add(e);
            IntVector bits = e.reinterpretAsInts();
            IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff)).lanewise(VectorOperators.LSHR, 16);
            ((ShortVector) rounded.convertShape(VectorOperators.I2S, SS, 0)).intoMemorySegment(p, (pOff + c) * 2, LE);
        }
        float sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; c < vis; c++) {
            float e = (float) Math.exp(s.get(F32, sOff + c * 4L) * scale - max);
            sum += e;
            p.set(I16, (pOff + c) * 2, DType.f32ToBf16(e));
        }
        for (; c < bk; c++) p.set(I16, (pOff + c) * 2, (short) 0);
        return sum;
    }

    /** {@code acc[0..d) *= a} for the f32 row at byte {@code off}. */
    private static void rescale(MemorySegment acc, long off, int d, float a) {
        int lanes = FS.length(), x = 0;
        FloatVector va = FloatVector.broadcast(FS, a);
        for (; x + lanes <= d; x += lanes)
            FloatVector.fromMemorySegment(FS, acc, off + x * 4L, LE).mul(va).intoMemorySegment(acc, off + x * 4L, LE);
        for (; x < d; x++) acc.set(F32, off + x * 4L, acc.get(F32, off + x * 4L) * a);
    }

    /** {@code out[0..d) = acc[0..d)·inv}, rounded to {@code dt}. */
    private static void storeRow(MemorySegment acc, long accOff, float inv, MemorySegment out, long off, int d, DType dt) {
        int lanes = FS.length(), i = 0;
        if (dt == DType.F32 || dt == DType.BF16) {
            FloatVector vi = FloatVector.broadcast(FS, inv);
            for (; i + lanes <= d; i += lanes) {
                FloatVector x = FloatVector.fromMemorySegment(FS, acc, accOff + 4L * i, LE).mul(vi);
                if (dt == DType.F32) x.intoMemorySegment(out, off + 4L * i, LE);
                else if (x.test(VectorOperators.IS_NAN).anyTrue()) break;
                else {
                    IntVector bits = x.reinterpretAsInts();
                    IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff)).lanewise(VectorOperators.LSHR, 16);
                    ((ShortVector) rounded.convertShape(VectorOperators.I2S, SS, 0)).intoMemorySegment(out, off + 2L * i, LE);
                }
            }
        }
        for (; i < d; i++) {
            float x = acc.get(F32, accOff + 4L * i) * inv;
            switch (dt) {
                case F32 -> out.set(F32, off + 4L * i, x);
                case BF16 -> out.set(I16, off + 2L * i, DType.f32ToBf16(x));
                default -> out.set(I16, off + 2L * i, DType.f32ToF16(x));
            }
        }
    }

    /** {@code S [rows, bk] f32 = Q [rows, d] (contiguous) · K [bk, d]ᵀ (row stride kRow)}. */
    private Primitive scores(DType cdt, int rows, int bk, int d, long kRow, Supplier<String> context) {
        PrimitiveCache.Key key = new PrimitiveCache.Key("attention.qk", new long[] { cdt.ordinal(), rows, bk, d, kRow });
        return primitives.acquire(key, () -> {
            MemorySegment src = Dnnl.md(cdt, new long[] { rows, d }, new long[] { d, 1 }, context);
            MemorySegment wei = Dnnl.md(cdt, new long[] { d, bk }, new long[] { 1, kRow }, context);
            MemorySegment dst = Dnnl.md(DType.F32, new long[] { rows, bk }, new long[] { bk, 1 }, context);
            try {
                return Dnnl.primitive("dnnl_matmul_primitive_desc_create",
                        slot -> dnnl_matmul_primitive_desc_create(slot, dnnl.engine, src, wei, MemorySegment.NULL, dst, dnnl.attr), context);
            } finally {
                Dnnl.destroy(src, wei, dst);
            }
        });
    }

    /** {@code acc [bq, d] f32 += P [bq, bk] · V [bk, d] (row stride vRow)}. */
    private Primitive values(DType cdt, int bq, int bk, int d, long vRow, Supplier<String> context) {
        PrimitiveCache.Key key = new PrimitiveCache.Key("attention.pv", new long[] { cdt.ordinal(), bq, bk, d, vRow });
        return primitives.acquire(key, () -> {
            MemorySegment src = Dnnl.md(cdt, new long[] { bq, bk }, new long[] { bk, 1 }, context);
            MemorySegment wei = Dnnl.md(cdt, new long[] { bk, d }, new long[] { vRow, 1 }, context);
            MemorySegment dst = Dnnl.md(DType.F32, new long[] { bq, d }, new long[] { d, 1 }, context);
            try {
                return Dnnl.primitive("dnnl_matmul_primitive_desc_create",
                        slot -> dnnl_matmul_primitive_desc_create(slot, dnnl.engine, src, wei, MemorySegment.NULL, dst, sumAttr), context);
            } finally {
                Dnnl.destroy(src, wei, dst);
            }
        });
    }

    @Override public void close() {
        dnnl_primitive_attr_destroy(sumAttr);
    }
}
