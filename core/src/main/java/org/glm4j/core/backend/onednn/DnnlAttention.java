package org.glm4j.core.backend.onednn;

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
 * <p>Algorithm (per query head {@code h}, kv head {@code h / groupSize}, and block of up to {@value #BQ} query rows):
 * for each block of up to {@value #BK} keys the query may see, {@code S = Q·Kᵀ} (oneDNN matmul, f32 out); then, per
 * row, the running maximum {@code m} and sum {@code l} are updated, {@code P = exp(scale·S − m)} is written in the
 * matmul dtype and the f32 accumulator is rescaled by {@code exp(m_old − m)} (Vector API, {@code EXP} lanes);
 * then {@code acc += P·V} (oneDNN matmul with a sum post-op). Finally {@code out = acc / l}, rounded once. Causal
 * masking skips key blocks past the block's last query and masks the diagonal block element-wise; segments run as
 * independent full attentions.
 *
 * <p>Threads: the (head, query block) tasks run on the {@link Parallel}, each worker running its primitives
 * with an OpenMP team of one, so the two kinds of threads never run at once. Layout: q, k, v and out are read and
 * written in place as strided matrices (one head's rows are {@code headDim} values every token stride);
 * K and V are never copied or transposed.
 *
 * <p>Dtypes: q, k, v all bf16 → bf16 matmuls on the AMX/AVX-512 BF16 kernels, with P rounded to bf16 at the second
 * matmul's input (the precision policy allows rounding activations at matmul inputs); all f32 → f32 throughout.
 * Scores, the softmax and the accumulator are f32 either way. Other mixes return {@code false}.
 *
 * <p>Block shapes are fixed, so primitives are reused across calls: only the last (partial) query and key blocks
 * have other sizes. Decode (few query rows) is memory-bound and left to the Vector API kernel by the caller.
 */
final class DnnlAttention implements AutoCloseable {
    static final int BQ = 128, BK = 128;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SS = FS.length() == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    /** Buffer slots of a thread's state: scores, probabilities, accumulator (slot 0 is the scratchpad). */
    private static final int S_SLOT = 4, P_SLOT = 5, ACC_SLOT = 6;

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

    private record Task(int head, int q0, int q1, int k0, int k1, int diagonal) {}

    void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Supplier<String> context) {
        int lq = q.dim(0), hq = q.dim(1);
        int[] seg = spec.segments();
        List<Task> tasks = new ArrayList<>();
        for (int h = 0; h < hq; h++) {
            if (seg != null) {
                for (int s = 0; s + 1 < seg.length; s++)
                    for (int i = seg[s]; i < seg[s + 1]; i += BQ)
                        tasks.add(new Task(h, i, Math.min(i + BQ, seg[s + 1]), seg[s], seg[s + 1], Integer.MIN_VALUE));
            } else {
                for (int i = 0; i < lq; i += BQ) {
                    int i1 = Math.min(i + BQ, lq);
                    int end = spec.causal() ? spec.queryOffset() + i1 : k.dim(0);
                    tasks.add(new Task(h, i, i1, 0, end, spec.causal() ? spec.queryOffset() : Integer.MIN_VALUE));
                }
            }
        }
        pool.forParts(tasks.size(), tasks.size(), (from, to) -> {
            for (int i = from; i < to; i++) block(out, q, k, v, spec, tasks.get(i), context);
        });
    }

    /**
     * One (head, query block) task. {@code t.diagonal} is the absolute position of query row 0 for causal masking
     * (query {@code i} sees keys {@code ≤ diagonal + i}), or {@code Integer.MIN_VALUE} for none.
     */
    private void block(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Task t, Supplier<String> context) {
        int d = q.dim(2), kvh = t.head / spec.groupSize();
        int bq = t.q1 - t.q0;
        DType cdt = q.dtype();
        int es = cdt.byteSize();
        Dnnl.ThreadState ts = dnnl.thread();
        MemorySegment s = ts.buffer(S_SLOT, (long) BQ * BK * 4);
        MemorySegment p = ts.buffer(P_SLOT, (long) BQ * BK * es);
        MemorySegment acc = ts.buffer(ACC_SLOT, (long) BQ * d * 4);
        acc.asSlice(0, (long) bq * d * 4).fill((byte) 0);
        float[] m = new float[bq], l = new float[bq];
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        float scale = spec.scale();
        boolean causal = t.diagonal != Integer.MIN_VALUE;

        long qRow = q.stride(0), kRow = k.stride(0), vRow = v.stride(0);
        long qAddr = q.data().address() + q.byteOffset() + ((long) t.q0 * qRow + (long) t.head * d) * es;
        for (int j0 = t.k0; j0 < t.k1; j0 += BK) {
            int bk = Math.min(BK, t.k1 - j0);
            if (causal && j0 > t.diagonal + t.q1 - 1) break;
            long kAddr = k.data().address() + k.byteOffset() + ((long) j0 * kRow + (long) kvh * d) * es;
            long vAddr = v.data().address() + v.byteOffset() + ((long) j0 * vRow + (long) kvh * d) * es;

            Primitive qk = scores(cdt, bq, bk, d, qRow, kRow, context);
            try {
                dnnl.execute(qk, new int[] { DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST() },
                        new MemorySegment[] { MemorySegment.ofAddress(qAddr), MemorySegment.ofAddress(kAddr), s }, 1, context);
            } finally {
                primitives.release(qk);
            }
            for (int r = 0; r < bq; r++) {
                int visible = causal ? Math.min(bk, t.diagonal + t.q0 + r - j0 + 1) : bk;
                softmaxRow(s, (long) r * bk, p, (long) r * bk, visible, bk, scale, m, l, r, acc, (long) r * d, d, cdt);
            }
            Primitive pv = values(cdt, bq, bk, d, vRow, context);
            try {
                dnnl.execute(pv, new int[] { DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST() },
                        new MemorySegment[] { p, MemorySegment.ofAddress(vAddr), acc }, 1, context);
            } finally {
                primitives.release(pv);
            }
        }
        long oRow = out.stride(0);
        long oOff = out.byteOffset() + ((long) t.q0 * oRow + (long) t.head * d) * out.dtype().byteSize();
        for (int r = 0; r < bq; r++)
            storeRow(acc, (long) r * d * 4, l[r] > 0 ? 1f / l[r] : 0f, out.data(), oOff + r * oRow * out.dtype().byteSize(), d, out.dtype());
    }

    /**
     * Row {@code r} of a score block: {@code visible} of {@code bk} keys are seen (the rest get probability 0);
     * updates the running max and sum, writes P and rescales the accumulator row.
     */
    private static void softmaxRow(MemorySegment s, long sOff, MemorySegment p, long pOff, int visible, int bk, float scale,
                                   float[] m, float[] l, int r, MemorySegment acc, long accOff, int d, DType pdt) {
        int lanes = FS.length();
        float max = m[r];
        if (visible > 0) {
            FloatVector vmax = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c + lanes <= visible; c += lanes)
                vmax = vmax.max(FloatVector.fromMemorySegment(FS, s, (sOff + c) * 4, LE));
            float bmax = vmax.reduceLanes(VectorOperators.MAX);
            for (; c < visible; c++) bmax = Math.max(bmax, s.get(F32, (sOff + c) * 4));
            max = Math.max(max, bmax * scale);
        }
        float alpha = m[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[r] - max);
        m[r] = max;
        FloatVector vscale = FloatVector.broadcast(FS, scale), vneg = FloatVector.broadcast(FS, -max);
        FloatVector vsum = FloatVector.zero(FS);
        float sum = 0;
        int c = 0;
        for (; c + lanes <= visible; c += lanes) {
            FloatVector e = FloatVector.fromMemorySegment(FS, s, (sOff + c) * 4, LE).fma(vscale, vneg).lanewise(VectorOperators.EXP);
            vsum = vsum.add(e);
            storeP(e, p, pOff + c, pdt);
        }
        sum += vsum.reduceLanes(VectorOperators.ADD);
        for (; c < visible; c++) {
            float e = (float) Math.exp(s.get(F32, (sOff + c) * 4) * scale - max);
            sum += e;
            storeP1(e, p, pOff + c, pdt);
        }
        for (; c < bk; c++) storeP1(0f, p, pOff + c, pdt);
        l[r] = l[r] * alpha + sum;
        if (alpha != 1f) {
            FloatVector va = FloatVector.broadcast(FS, alpha);
            int i = 0;
            for (; i + lanes <= d; i += lanes)
                FloatVector.fromMemorySegment(FS, acc, (accOff + i) * 4, LE).mul(va).intoMemorySegment(acc, (accOff + i) * 4, LE);
            for (; i < d; i++) acc.set(F32, (accOff + i) * 4, acc.get(F32, (accOff + i) * 4) * alpha);
        }
    }

    private static void storeP(FloatVector e, MemorySegment p, long index, DType pdt) {
        if (pdt == DType.F32) {
            e.intoMemorySegment(p, index * 4, LE);
            return;
        }
        IntVector bits = e.reinterpretAsInts();
        IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff)).lanewise(VectorOperators.LSHR, 16);
        ((ShortVector) rounded.convertShape(VectorOperators.I2S, SS, 0)).intoMemorySegment(p, index * 2, LE);
    }

    private static void storeP1(float e, MemorySegment p, long index, DType pdt) {
        if (pdt == DType.F32) p.set(F32, index * 4, e);
        else p.set(I16, index * 2, DType.f32ToBf16(e));
    }

    /** {@code out[0..d) = acc[0..d)·inv}, rounded to {@code dt}. */
    private static void storeRow(MemorySegment acc, long accOff, float inv, MemorySegment out, long off, int d, DType dt) {
        for (int i = 0; i < d; i++) {
            float x = acc.get(F32, accOff + 4L * i) * inv;
            switch (dt) {
                case F32 -> out.set(F32, off + 4L * i, x);
                case BF16 -> out.set(I16, off + 2L * i, DType.f32ToBf16(x));
                default -> out.set(I16, off + 2L * i, DType.f32ToF16(x));
            }
        }
    }

    /** {@code S [bq, bk] f32 = Q [bq, d] (row stride qRow) · K [bk, d]ᵀ (row stride kRow)}. */
    private Primitive scores(DType cdt, int bq, int bk, int d, long qRow, long kRow, Supplier<String> context) {
        PrimitiveCache.Key key = new PrimitiveCache.Key("attention.qk", new long[] { cdt.ordinal(), bq, bk, d, qRow, kRow });
        return primitives.acquire(key, () -> {
            MemorySegment src = Dnnl.md(cdt, new long[] { bq, d }, new long[] { qRow, 1 }, context);
            MemorySegment wei = Dnnl.md(cdt, new long[] { d, bk }, new long[] { 1, kRow }, context);
            MemorySegment dst = Dnnl.md(DType.F32, new long[] { bq, bk }, new long[] { bk, 1 }, context);
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
