package org.glm4j.core.backend.onednn;

import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * Row-wise ops through oneDNN's eltwise, binary, softmax and layer-normalization primitives, each over the
 * tensors seen as matrices {@code [rows, cols]}.
 *
 * <p>Measured against the Vector API kernels on this machine (2 threads, medians, oneDNN / Vector API time):
 * GELU 0.01–0.07, SiLU 0.08–0.2, softmax 0.1–0.2, layer normalization 0.2–0.6, add and multiply 0.3–0.8 at
 * 1×4096 to 4096×1024, f32 and bf16 — except a small all-f32 add or multiply (one 4096-wide row: 9.5 µs against
 * 3.6 µs), which stays on the Vector API. (The element-wise Vector API kernels evaluate exp and erf in scalar
 * double precision, which is what oneDNN's polynomial kernels beat.)
 *
 * <p>oneDNN is used only where it has a JIT kernel for the layout and dtypes; its reference kernels are far slower
 * than the Vector API ones. Measured on this build (oneDNN 3.8.1): eltwise needs one dtype for source and
 * destination; binary needs the destination in the first source's dtype; layer normalization needs f32 scale and
 * shift (bf16 ones are widened once per weight); all of them need dense rows (row stride = row length): eltwise,
 * binary and softmax fall back to reference kernels for strided rows, and layer normalization's JIT kernel accepts
 * a strided source but reads it as dense, giving wrong rows (found by the parity tests). Every other case — and any primitive that still turns out to be a reference kernel, which is checked
 * by its implementation name and remembered per shape — returns {@code false}, and the caller runs the Vector API
 * kernel instead.
 */
final class DnnlRowOps {
    private final Dnnl dnnl;
    private final PrimitiveCache primitives;
    private final WeightCache weights;
    private final JvmBackend jvm;
    /** Keys whose primitive is a reference implementation: those calls take the Vector API kernels. */
    private final Set<PrimitiveCache.Key> reference = ConcurrentHashMap.newKeySet();

    DnnlRowOps(Dnnl dnnl, PrimitiveCache primitives, WeightCache weights, JvmBackend jvm) {
        this.dnnl = dnnl;
        this.primitives = primitives;
        this.weights = weights;
        this.jvm = jvm;
    }

    private static boolean dense(Tensor t) {
        return t.dim(-1) == t.rowStride() || t.rowCount() == 1;
    }

    private static long bytes(Tensor... ts) {
        long n = 0;
        for (Tensor t : ts) n += t.numel() * t.dtype().byteSize();
        return n;
    }

    private static long[] shape(Tensor t) {
        return new long[] { t.rowCount(), t.dim(-1), t.rowStride(), t.dtype().ordinal() };
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) n += p.length;
        long[] all = new long[n];
        int i = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        return all;
    }

    /**
     * Runs {@code key}'s primitive (created by {@code create}) unless it is a reference kernel; false when not run.
     * {@code bytes} (what the op reads and writes) picks the OpenMP team: one thread below {@link Dnnl#SMALL_BYTES}.
     */
    private boolean run(PrimitiveCache.Key key, Supplier<Primitive> create, int[] args, MemorySegment[] data, long bytes,
                        Supplier<String> context) {
        if (reference.contains(key)) return false;
        Primitive p = primitives.acquire(key, create);
        try {
            if (p.impl.startsWith("ref")) {
                reference.add(key);
                return false;
            }
            dnnl.execute(p, args, data, bytes < Dnnl.SMALL_BYTES ? 1 : dnnl.threads, context);
            return true;
        } finally {
            primitives.release(p);
        }
    }

    /** {@code out = fn(x)}: eltwise GELU (erf), swish (SiLU) or linear (−x). */
    boolean unary(Tensor out, Tensor x, Unary fn, Supplier<String> context) {
        if (out.dtype() != x.dtype() || !dense(out) || !dense(x) || x.dtype() == DType.F16) return false;
        int alg = switch (fn) {
            case GELU -> dnnl_eltwise_gelu_erf();
            case SILU -> dnnl_eltwise_swish();
            case NEG -> dnnl_eltwise_linear();
        };
        float alpha = fn == Unary.SILU ? 1f : fn == Unary.NEG ? -1f : 0f;
        PrimitiveCache.Key key = new PrimitiveCache.Key("eltwise", concat(shape(x), shape(out), new long[] { alg }));
        return run(key, () -> {
            MemorySegment src = Dnnl.matrixMd(x, context), dst = Dnnl.matrixMd(out, context);
            try {
                return Dnnl.primitive("dnnl_eltwise_forward_primitive_desc_create",
                        slot -> dnnl_eltwise_forward_primitive_desc_create(slot, dnnl.engine, dnnl_forward_inference(), alg, src, dst,
                                alpha, 0f, dnnl.attr), context);
            } finally {
                Dnnl.destroy(src, dst);
            }
        }, new int[] { DNNL_ARG_SRC(), DNNL_ARG_DST() }, new MemorySegment[] { Dnnl.handle(x), Dnnl.handle(out) },
                bytes(x, out), context);
    }

    /** {@code out = fn(a, b)}, {@code b} full or one row broadcast over the rows. */
    boolean binary(Tensor out, Tensor a, Tensor b, Binary fn, Supplier<String> context) {
        boolean broadcast = !b.shape().equals(a.shape());
        if (out.dtype() != a.dtype() || !dense(out) || !dense(a) || !dense(b) || a.dtype() == DType.F16 || b.dtype() == DType.F16)
            return false;
        // A small all-f32 sum or product is a few microseconds of Vector API work; the primitive call costs more.
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32 && bytes(a, b, out) < Dnnl.SMALL_BYTES) return false;
        int alg = fn == Binary.ADD ? dnnl_binary_add() : dnnl_binary_mul();
        Tensor bm = broadcast ? new Tensor(b.dtype(), Shape.of(1, a.dim(-1)), b.device(), b.data(), b.byteOffset(), new long[] { a.dim(-1), 1 })
                : Dnnl.matrix(b);
        PrimitiveCache.Key key = new PrimitiveCache.Key("binary", concat(shape(a), shape(bm), shape(out), new long[] { alg }));
        return run(key, () -> {
            MemorySegment s0 = Dnnl.matrixMd(a, context), s1 = Dnnl.matrixMd(bm, context), dst = Dnnl.matrixMd(out, context);
            try {
                return Dnnl.primitive("dnnl_binary_primitive_desc_create",
                        slot -> dnnl_binary_primitive_desc_create(slot, dnnl.engine, alg, s0, s1, dst, dnnl.attr), context);
            } finally {
                Dnnl.destroy(s0, s1, dst);
            }
        }, new int[] { DNNL_ARG_SRC_0(), DNNL_ARG_SRC_1(), DNNL_ARG_DST() },
                new MemorySegment[] { Dnnl.handle(a), Dnnl.handle(bm), Dnnl.handle(out) }, bytes(a, bm, out), context);
    }

    /** Softmax over the last dimension (accurate: max-subtracted, f32 inside). */
    boolean softmax(Tensor out, Tensor x, Supplier<String> context) {
        if (!dense(out) || !dense(x) || x.dtype() == DType.F16 || out.dtype() == DType.F16) return false;
        PrimitiveCache.Key key = new PrimitiveCache.Key("softmax", concat(shape(x), shape(out)));
        return run(key, () -> {
            MemorySegment src = Dnnl.matrixMd(x, context), dst = Dnnl.matrixMd(out, context);
            try {
                return Dnnl.primitive("dnnl_softmax_forward_primitive_desc_create",
                        slot -> dnnl_softmax_forward_primitive_desc_create(slot, dnnl.engine, dnnl_forward_inference(),
                                dnnl_softmax_accurate(), src, dst, 1, dnnl.attr), context);
            } finally {
                Dnnl.destroy(src, dst);
            }
        }, new int[] { DNNL_ARG_SRC(), DNNL_ARG_DST() }, new MemorySegment[] { Dnnl.handle(x), Dnnl.handle(out) },
                bytes(x, out), context);
    }

    /** LayerNorm with f32 statistics; weight and bias as f32 scale and shift (widened once when they are not f32). */
    boolean layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps, Supplier<String> context) {
        if (x.dtype() == DType.F16 || out.dtype() == DType.F16 || !dense(x) || !dense(out)) return false;
        PrimitiveCache.Key key = new PrimitiveCache.Key("layerNorm", concat(shape(x), shape(out), new long[] { Float.floatToIntBits(eps) }));
        if (reference.contains(key)) return false;
        WeightCache.Entry w = weight.dtype() == DType.F32 && weight.isContiguous() ? null : weights.acquire(weight, "ln/f32", this::widen);
        WeightCache.Entry b = null;
        try {
            b = bias.dtype() == DType.F32 && bias.isContiguous() ? null : weights.acquire(bias, "ln/f32", this::widen);
            MemorySegment scale = w == null ? Dnnl.handle(weight) : w.data, shift = b == null ? Dnnl.handle(bias) : b.data;
            return run(key, () -> {
                MemorySegment src = Dnnl.matrixMd(x, context), dst = Dnnl.matrixMd(out, context);
                try {
                    return Dnnl.primitive("dnnl_layer_normalization_forward_primitive_desc_create_v2",
                            slot -> dnnl_layer_normalization_forward_primitive_desc_create_v2(slot, dnnl.engine, dnnl_forward_inference(),
                                    src, dst, MemorySegment.NULL, dnnl_f32(), eps, dnnl_use_scale() | dnnl_use_shift(), dnnl.attr),
                            context);
                } finally {
                    Dnnl.destroy(src, dst);
                }
            }, new int[] { DNNL_ARG_SRC(), DNNL_ARG_SCALE(), DNNL_ARG_SHIFT(), DNNL_ARG_DST() },
                    new MemorySegment[] { Dnnl.handle(x), scale, shift, Dnnl.handle(out) }, bytes(x, out), context);
        } finally {
            if (w != null) weights.release(w);
            if (b != null) weights.release(b);
        }
    }

    /** A per-column vector widened to a contiguous f32 copy. */
    private WeightCache.Entry widen(Tensor v) {
        Arena arena = Arena.ofShared();
        Tensor f32 = Tensor.allocate(DType.F32, Shape.of(v.dim(0)), arena);
        jvm.convert(f32, v);
        return new WeightCache.Entry(arena, f32.data(), null);
    }
}
