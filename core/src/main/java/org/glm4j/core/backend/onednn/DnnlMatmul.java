package org.glm4j.core.backend.onednn;

import org.glm4j.core.backend.jvm.HostMemory;
import org.glm4j.core.backend.jvm.Parallel;
import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * {@code out = x·wᵀ + bias}: oneDNN's matmul primitive for two or more rows, the {@link VectorGemv} kernels for one
 * row (decode), both over the same weight bytes, kept in the {@link WeightCache}.
 *
 * <p>Dtypes (what this oneDNN build implements, checked on this machine; everything accumulates in f32):
 * <ul>
 *   <li>bf16 weights, bf16 activations: the fast path (AMX or AVX-512 BF16 kernels), out f32 or bf16;</li>
 *   <li>bf16 weights, f32 activations: f32 compute over weights widened in the kernel (exact, no rounding of
 *       {@code x}), out f32 or bf16;</li>
 *   <li>f32 weights: f32 activations, f32 out; bf16/f16 activations are widened first (exact);</li>
 *   <li>f16 activations with bf16 weights are widened to f32; an out dtype the primitive lacks (f16, or bf16 with
 *       f32 weights) is computed in f32 and rounded once; a bias dtype it lacks is widened to f32 once per bias.</li>
 * </ul>
 * f16 weights are not routed here (see {@link OneDnnBackend#matmul}).
 *
 * <p>Weight layout, decided by measurement (bf16 and f32, 4096×4096, M = 16/128/512, interleaved medians):
 * <ul>
 *   <li>bf16 weights with bf16 activations are reordered once into the layout oneDNN picks for a
 *       {@value #LAYOUT_ROWS}-row product ({@code BA16a32b2a} on AMX; the same from 8 rows up) and every row count
 *       uses that copy: prefill was 8–28% faster than on the checkpoint's layout for 128 and 512 rows. The decode
 *       kernel reads the same packed blocks, and the mapped checkpoint pages of a packed weight are released
 *       ({@code unload}) slice by slice as the reorder goes ({@link #PACK_SLICE_BYTES}), so its memory is replaced,
 *       not doubled, even while packing;</li>
 *   <li>f32 weights keep the checkpoint's {@code [N, K]} layout: packing made no difference (0.99–1.02), so it would
 *       only cost a copy;</li>
 *   <li>bf16 weights with f32 activations keep theirs too, because oneDNN 3.8.1 computes wrong sums for that
 *       combination in its packed layout once K ≥ 1024 (reproduced with a plain C program against the library;
 *       the parity tests cover it).</li>
 * </ul>
 */
final class DnnlMatmul {
    /** Rows of the product whose preferred weight layout is used for every row count. */
    static final int LAYOUT_ROWS = 128;

    private final Dnnl dnnl;
    private final PrimitiveCache primitives;
    private final WeightCache weights;
    private final JvmBackend jvm;
    private final Parallel pool;
    private final LongAdder packedCalls = new LongAdder(), plainCalls = new LongAdder();
    /** {@link Dnnl.ThreadState} buffers of the one-row products: the input widened to f32, the f32 sums. */
    private static final int GEMV_X_SLOT = 8, GEMV_OUT_SLOT = 9;
    private final ThreadLocal<float[]> sums = new ThreadLocal<>();

    DnnlMatmul(Dnnl dnnl, PrimitiveCache primitives, WeightCache weights, JvmBackend jvm, Parallel pool) {
        this.dnnl = dnnl;
        this.primitives = primitives;
        this.weights = weights;
        this.jvm = jvm;
        this.pool = pool;
    }

    /** One row through {@link VectorGemv}, if it can read the weight's layout; false to use the primitive. */
    private boolean gemv(Tensor out, Tensor x, Tensor w, Tensor bias, WeightCache.Entry e) {
        if (!VectorGemv.available()) return false;
        int k = x.dim(-1), n = w.dim(0);
        Dnnl.ThreadState ts = dnnl.thread();
        if (e.arena == null) {
            MemorySegment xv = ts.buffer(GEMV_X_SLOT, 4L * k), acc = ts.buffer(GEMV_OUT_SLOT, 4L * n);
            VectorGemv.widen(x, xv, k);
            if (w.dtype() == DType.BF16) VectorGemv.plainBf16(pool, w.data(), w.byteOffset(), w.rowStride(), xv, acc, n, k);
            else VectorGemv.plainF32(pool, w.data(), w.byteOffset(), w.rowStride(), xv, acc, n, k);
            VectorGemv.store(out, acc, bias);
            plainCalls.increment();
            return true;
        }
        if (e.packed == null) return false;
        VectorGemv.warmUp();
        int padded = e.packed.kBlocks() * VectorGemv.KB;
        MemorySegment xv = ts.buffer(GEMV_X_SLOT, 4L * padded);
        float[] acc = sums((n + VectorGemv.NB - 1) / VectorGemv.NB * VectorGemv.NB);
        VectorGemv.widen(x, xv, padded);
        VectorGemv.packedBf16(pool, e.data, e.packed.nbStride(), e.packed.kBlocks(), xv, acc, n);
        VectorGemv.store(out, MemorySegment.ofArray(acc), bias);
        packedCalls.increment();
        return true;
    }

    /** The calling thread's array for a one-row product's sums, at least {@code n} long. */
    private float[] sums(int n) {
        float[] a = sums.get();
        if (a == null || a.length < n) sums.set(a = new float[n]);
        return a;
    }

    /** One-row products run by {@link VectorGemv}: {packed bf16, plain rows} since the backend opened. */
    long[] gemvCalls() { return new long[] { packedCalls.sum(), plainCalls.sum() }; }

    void matmul(Tensor out, Tensor x, Tensor w, Tensor bias, Supplier<String> context) {
        DType srcDt = w.dtype() == DType.BF16 && x.dtype() == DType.BF16 ? DType.BF16 : DType.F32;
        boolean dstOk = out.dtype() == DType.F32 || out.dtype() == DType.BF16 && w.dtype() == DType.BF16;
        DType biasDt = bias == null ? null
                : bias.dtype() == DType.F32 || bias.dtype() == DType.BF16 && srcDt == DType.BF16 ? bias.dtype() : DType.F32;
        int m = Math.toIntExact(x.rowCount()), k = x.dim(-1), n = w.dim(0);
        if (m == 1) {
            WeightCache.Entry e = weights.acquire(w, "matmul/" + srcDt, t -> pack(t, srcDt, context));
            try {
                if (gemv(out, x, w, bias, e)) return;
            } finally {
                weights.release(e);
            }
        }
        Dnnl.ThreadState ts = dnnl.thread();

        Tensor src = x;
        if (x.dtype() != srcDt) {
            src = temp(ts, 1, srcDt, m, k);
            jvm.convert(src, Dnnl.matrix(x));
        }
        Tensor dst = dstOk ? out : temp(ts, 2, DType.F32, m, n);

        WeightCache.Entry packed = weights.acquire(w, "matmul/" + srcDt, t -> pack(t, srcDt, context));
        WeightCache.Entry b = null;
        try {
            if (bias != null && biasDt != bias.dtype()) b = weights.acquire(bias, "bias/f32", this::widen);
            final Tensor s = src, d = dst;
            final WeightCache.Entry pw = packed;
            PrimitiveCache.Key key = new PrimitiveCache.Key("matmul", new long[] {
                    m, k, n, s.rowStride(), d.rowStride(), s.dtype().ordinal(), w.dtype().ordinal(), d.dtype().ordinal(),
                    biasDt == null ? -1 : biasDt.ordinal() });
            Primitive p = primitives.acquire(key, () -> create(s, pw.md, biasDt, d, n, context));
            try {
                MemorySegment biasData = bias == null ? null : b != null ? b.data : Dnnl.handle(bias);
                if (bias == null)
                    dnnl.execute(p, new int[] { DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST() },
                            new MemorySegment[] { Dnnl.handle(s), packed.data, Dnnl.handle(d) }, context);
                else
                    dnnl.execute(p, new int[] { DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_BIAS(), DNNL_ARG_DST() },
                            new MemorySegment[] { Dnnl.handle(s), packed.data, biasData, Dnnl.handle(d) }, context);
            } finally {
                primitives.release(p);
            }
        } finally {
            weights.release(packed);
            if (b != null) weights.release(b);
        }
        if (dst != out) jvm.convert(Dnnl.matrix(out), dst);
    }

    /** A contiguous {@code [rows, cols]} tensor over the calling thread's temporary buffer {@code slot}. */
    private static Tensor temp(Dnnl.ThreadState ts, int slot, DType dtype, int rows, int cols) {
        long bytes = (long) rows * cols * dtype.byteSize();
        MemorySegment seg = ts.buffer(slot, bytes);
        return Tensor.onDevice(Device.CPU, dtype, Shape.of(rows, cols), seg, 0);
    }

    private Primitive create(Tensor src, MemorySegment weightsMd, DType biasDt, Tensor dst, int n, Supplier<String> context) {
        MemorySegment srcMd = Dnnl.matrixMd(src, context), dstMd = Dnnl.matrixMd(dst, context);
        MemorySegment biasMd = biasDt == null ? MemorySegment.NULL : Dnnl.mdTag(biasDt, new long[] { 1, n }, dnnl_ab(), context);
        try {
            return Dnnl.primitive("dnnl_matmul_primitive_desc_create",
                    slot -> dnnl_matmul_primitive_desc_create(slot, dnnl.engine, srcMd, weightsMd, biasMd, dstMd, dnnl.attr),
                    context);
        } finally {
            Dnnl.destroy(srcMd, dstMd, biasMd);
        }
    }

    /** Reorders {@code w [N, K]} into the layout a {@code srcDt} matmul prefers (or keeps it when that is its own). */
    private WeightCache.Entry pack(Tensor w, DType srcDt, Supplier<String> context) {
        int n = w.dim(0), k = w.dim(1);
        MemorySegment userMd = Dnnl.md(w.dtype(), new long[] { k, n }, new long[] { 1, w.rowStride() }, context);
        if (srcDt == DType.F32) return new WeightCache.Entry(null, Dnnl.handle(w), userMd);
        MemorySegment probeSrc = Dnnl.mdTag(srcDt, new long[] { LAYOUT_ROWS, k }, dnnl_ab(), context);
        MemorySegment anyMd = Dnnl.mdTag(w.dtype(), new long[] { k, n }, dnnl_format_tag_any(), context);
        MemorySegment probeDst = Dnnl.mdTag(DType.F32, new long[] { LAYOUT_ROWS, n }, dnnl_ab(), context);
        MemorySegment packedMd = null;
        try {
            MemorySegment pd;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment slot = a.allocate(C_POINTER);
                Dnnl.check(dnnl_matmul_primitive_desc_create(slot, dnnl.engine, probeSrc, anyMd, MemorySegment.NULL, probeDst,
                        dnnl.attr), "dnnl_matmul_primitive_desc_create", context);
                pd = slot.get(C_POINTER, 0);
            }
            try {
                packedMd = Dnnl.clone(dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md(), 0), context);
            } finally {
                dnnl_primitive_desc_destroy(pd);
            }
            if (dnnl_memory_desc_equal(userMd, packedMd) != 0) {
                Dnnl.destroy(packedMd);
                MemorySegment md = userMd;
                userMd = null;
                return new WeightCache.Entry(null, Dnnl.handle(w), md);
            }
            Arena arena = Arena.ofShared();
            try {
                MemorySegment data = HostMemory.allocate(dnnl_memory_desc_get_size(packedMd), 64, arena);
                reorderInSlices(w, userMd, packedMd, data, k, n, context);
                WeightCache.Entry e = new WeightCache.Entry(arena, data, packedMd);
                e.packed = gemvLayout(packedMd);
                packedMd = null;
                return e;
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        } finally {
            Dnnl.destroy(userMd, probeSrc, anyMd, probeDst);
            if (packedMd != null) Dnnl.destroy(packedMd);
        }
    }

    /** Source bytes one reorder of {@link #pack} handles before the mapped pages it read are released. */
    static final long PACK_SLICE_BYTES = 8L << 20;

    /**
     * Reorders {@code w} ({@code userMd}) into {@code data} ({@code packedMd}). A memory-mapped weight goes in slices
     * of about {@value #PACK_SLICE_BYTES} bytes of whole N-blocks, each slice's mapped pages released right after
     * it (they reload on access), so packing never holds more than a slice of the checkpoint beside the packed copy:
     * otherwise the largest weight (lm_head, 256 MiB for the real vocabulary) would sit in memory twice.
     */
    private void reorderInSlices(Tensor w, MemorySegment userMd, MemorySegment packedMd, MemorySegment data, int k, int n,
            Supplier<String> context) {
        long cols = Math.max(VectorGemv.NB, PACK_SLICE_BYTES / ((long) k * w.dtype().byteSize()) / VectorGemv.NB * VectorGemv.NB);
        if (!w.data().isMapped() || cols >= n) {
            reorder(userMd, Dnnl.handle(w), packedMd, data, context);
            releaseMappedPages(w);
            return;
        }
        for (long n0 = 0; n0 < n; n0 += cols) {
            long nc = Math.min(cols, n - n0);
            long[] dims = { k, nc }, at = { 0, n0 };
            MemorySegment from = Dnnl.submemory(userMd, dims, at, context), to = null;
            try {
                to = Dnnl.submemory(packedMd, dims, at, context);
                reorder(from, Dnnl.handle(w), to, data, context);
            } finally {
                Dnnl.destroy(from, to);
            }
            releaseMappedPages(w.rows(Math.toIntExact(n0), Math.toIntExact(nc)));
        }
    }

    /** One reorder {@code from → to} over the data handles {@code src} and {@code dst}. */
    private void reorder(MemorySegment from, MemorySegment src, MemorySegment to, MemorySegment dst, Supplier<String> context) {
        Primitive reorder = Dnnl.primitive("dnnl_reorder_primitive_desc_create",
                slot -> dnnl_reorder_primitive_desc_create(slot, from, dnnl.engine, to, dnnl.engine, dnnl.attr), context);
        try {
            dnnl.execute(reorder, new int[] { DNNL_ARG_FROM(), DNNL_ARG_TO() }, new MemorySegment[] { src, dst }, context);
        } finally {
            reorder.destroy();
        }
    }

    /** The packed layout as {@link VectorGemv#packedBf16} reads it, or null when it is another blocking. */
    private static WeightCache.PackedLayout gemvLayout(MemorySegment md) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(C_LONG_LONG), p = a.allocate(C_POINTER);
            if (dnnl_memory_desc_query(md, dnnl_query_data_type(), v) != dnnl_success() || v.get(C_INT, 0) != dnnl_bf16()) return null;
            if (dnnl_memory_desc_query(md, dnnl_query_format_kind(), v) != dnnl_success() || v.get(C_INT, 0) != dnnl_blocked()) return null;
            if (dnnl_memory_desc_query(md, dnnl_query_inner_nblks_s32(), v) != dnnl_success() || v.get(C_INT, 0) != 3) return null;
            long[] blocks = dims(md, dnnl_query_inner_blks(), p, 3), idxs = dims(md, dnnl_query_inner_idxs(), p, 3);
            long[] strides = dims(md, dnnl_query_strides(), p, 2), padded = dims(md, dnnl_query_padded_dims(), p, 2);
            if (blocks == null || idxs == null || strides == null || padded == null) return null;
            if (!java.util.Arrays.equals(blocks, VectorGemv.PACKED_BLOCKS) || !java.util.Arrays.equals(idxs, VectorGemv.PACKED_IDXS))
                return null;
            if (strides[0] != (long) VectorGemv.KB * VectorGemv.NB || strides[1] != padded[0] * VectorGemv.NB) return null;
            return new WeightCache.PackedLayout(strides[1], Math.toIntExact(padded[0] / VectorGemv.KB));
        }
    }

    /** The first {@code n} entries of a {@code dnnl_dims_t} a descriptor query points at, or null. */
    private static long[] dims(MemorySegment md, int what, MemorySegment slot, int n) {
        if (dnnl_memory_desc_query(md, what, slot) != dnnl_success()) return null;
        MemorySegment dims = slot.get(C_POINTER, 0);
        long[] r = new long[n];
        for (int i = 0; i < n; i++) r[i] = dims.getAtIndex(C_LONG_LONG, i);
        return r;
    }

    /** A bias the primitive cannot take in its dtype, widened to f32 once. */
    private WeightCache.Entry widen(Tensor bias) {
        Arena arena = Arena.ofShared();
        Tensor f32 = Tensor.allocate(DType.F32, Shape.of(bias.dim(0)), arena);
        jvm.convert(f32, bias);
        return new WeightCache.Entry(arena, f32.data(), null);
    }

    /** Drops a memory-mapped weight's pages from this process once its packed copy exists (they reload on access). */
    private static void releaseMappedPages(Tensor w) {
        if (!w.data().isMapped()) return;
        long[] span = w.addressSpan();
        long start = span[0] - w.data().address();
        w.data().asSlice(start, span[1] - span[0]).unload();
    }
}
