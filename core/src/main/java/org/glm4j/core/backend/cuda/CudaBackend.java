package org.glm4j.core.backend.cuda;

import static org.glm4j.bindings.cuda.cuda_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.glm4j.bindings.cuda.CUDA_MEMCPY2D;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.StepGraphs;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.backend.UnsupportedOpException;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * NVIDIA GPUs through the CUDA driver API: cuBLASLt GEMMs (f32 compute, bias epilogue), cuDNN's fused SDPA for the
 * attention it serves better (optional, see below), our kernels ({@code native/cuda}, the {@code glmk.h} ABI) for
 * every other op.
 *
 * <p><b>Streams and threads.</b> Each calling thread gets its own stream (and status word, cuBLASLt handle, plans
 * and temporaries), so ops from one thread run in issue order and threads do not serialise on each other; a
 * session should stay on one thread. {@link #synchronize()} waits for the calling thread's stream. Tensors passed
 * between threads need a {@code synchronize()} on the producing thread first.
 *
 * <p><b>Memory.</b> {@link #allocate} takes stream-ordered memory from the device's pool, zeroes it and ties it to
 * the owner arena: closing the arena frees it (ordered after all work on our streams, which are blocking streams).
 * The primary context stays retained until the backend is closed and every allocation is freed.
 *
 * <p><b>Errors.</b> Driver and cuBLASLt statuses are checked on every call; our kernels report refusals through a
 * status word read at {@link #synchronize()}, or after every op with {@code -D}{@value #SYNC_PROPERTY}{@code =true}.
 *
 * <p><b>Precision.</b> GEMMs take A and B in the weight's dtype: an activation of another dtype is rounded to it
 * first (the bf16 policy of architecture.md); f32 weights run full-f32 GEMMs. Everything else computes in f32 and
 * rounds once. The channels-last conv (the 2×2 merge) regroups its windows
 * with {@code glmk_window_permute} before the GEMM.
 *
 * <p><b>Attention.</b> Where the installed cuDNN offers the fused SDPA operation (probed at open, cuDNN ≥ 9.13;
 * causal prefill ≥ 9.21) and the shape suits it ({@link CudnnSdpa#ineligible}), the first op of each shape bucket
 * (dtype, heads, head_dim, mask, segment runs, lengths rounded up to a power of two) on a thread runs both paths on
 * its real operands: cuDNN's output is compared with our kernel's (a mismatch is logged as a warning and our kernel
 * keeps the bucket), both are timed with CUDA events (best of three), and the faster serves the bucket from then
 * on; the choice is logged once. cuDNN plans are still per exact shape (a new prompt length in a cuDNN bucket builds
 * one, cached). Everything else, decode ({@link #attentionAt}) and any op issued during a graph capture run our
 * kernels. {@link #attentionPath} pins one path for the calling thread (the benchmark measures both, the parity
 * suite checks both).
 *
 * <p><b>Graphs.</b> {@link #stepGraphs()} offers {@link #capture}: a decode step recorded once and replayed per token,
 * its positions read from device memory by {@code glmk_copy_rows_at} and the attention kernel.
 */
public final class CudaBackend implements Backend {
    /** The backend's name. */
    public static final String NAME = "cuda";
    /** System property: which visible CUDA device to use (after {@code CUDA_VISIBLE_DEVICES}), default 0. */
    public static final String DEVICE_PROPERTY = "glm4j.cuda.device";
    /** System property: synchronise and read the kernel status after every op. */
    public static final String SYNC_PROPERTY = "glm.cuda.syncEachOp";

    private static final String[] KERNELS = { "rmsnorm", "layernorm", "rope", "swiglu", "unary", "binary", "bias_add",
            "softmax", "embedding", "resample", "convert", "window_permute", "argmax", "sample", "attention", "attention_combine",
            "copy_rows_at" };
    private static final System.Logger LOG = System.getLogger("org.glm4j.backend.cuda");

    /** Which attention implementation a thread's ops take. */
    public enum AttentionPath {
        /** cuDNN SDPA or our kernel per shape, by a timing and an output check at the shape's first use (the default). */
        AUTO,
        /** Always our kernels. */
        KERNEL,
        /** cuDNN SDPA wherever it can serve the shape (our kernel elsewhere, said once in the log). */
        SDPA
    }

    private final Device device;
    private final int cuDevice;
    private final MemorySegment context;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new ConcurrentHashMap<>();
    private final int smCount;
    private final String description;
    private final boolean syncEachOp = Boolean.getBoolean(SYNC_PROPERTY);
    private final ThreadLocal<CudaStream> streams = new ThreadLocal<>();
    private final Set<CudaStream> allStreams = ConcurrentHashMap.newKeySet();
    private final AtomicLong liveAllocations = new AtomicLong(1);   // 1 = the backend itself
    private final CudnnSdpa.Probe sdpa;
    private final Set<String> noted = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    CudaBackend(int ordinal, int cuDevice, MemorySegment context, KernelImage image, String description, int smCount,
                CudnnSdpa.Probe sdpa) {
        this.device = Device.cuda(ordinal);
        this.cuDevice = cuDevice;
        this.context = context;
        this.description = description;
        this.smCount = smCount;
        this.sdpa = sdpa;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment img = call.allocate(image.bytes().length + 1L, 16);
            img.copyFrom(MemorySegment.ofArray(image.bytes()));
            MemorySegment slot = call.allocate(C_POINTER);
            Cuda.check(cuModuleLoadData(slot, img), "cuModuleLoadData", "the glmk fatbin (" + image.bytes().length + " bytes)");
            module = slot.get(C_POINTER, 0);
            for (String k : KERNELS)
                for (String d : new String[] { "f32", "bf16", "f16" }) resolve(call, "glmk_" + k + "_" + d);
            resolve(call, "glmk_attention_prefill_bf16");
            resolve(call, "glmk_attention_prefill_f16");
            for (String d : new String[] { "f32", "bf16", "f16" })
                Cuda.check(cuFuncSetAttribute(functions.get("glmk_attention_" + d), CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES(),
                        GlmkArgs.attentionSharedBytes(GlmkArgs.ATTN_MAX_HEAD_DIM)), "cuFuncSetAttribute", "glmk_attention_" + d);
            for (String d : new String[] { "bf16", "f16" })
                Cuda.check(cuFuncSetAttribute(functions.get("glmk_attention_prefill_" + d), CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES(),
                        GlmkArgs.ATTN_PREFILL_SHARED_BYTES), "cuFuncSetAttribute", "glmk_attention_prefill_" + d);
        }
    }

    private void resolve(Arena call, String name) {
        MemorySegment slot = call.allocate(C_POINTER);
        Cuda.check(cuModuleGetFunction(slot, module, call.allocateFrom(name)), "cuModuleGetFunction", name);
        functions.put(name, slot.get(C_POINTER, 0));
    }

    @Override public String name() { return NAME; }

    @Override public Device device() { return device; }

    /** The device's name, compute capability and memory, as found at open. */
    public String description() { return description; }

    /** Streaming multiprocessors of the device. */
    public int smCount() { return smCount; }

    /** The cuDNN SDPA path as probed at open: the library version and what it serves, or why it is off. */
    public String sdpaStatus() { return sdpa.toString(); }

    /** Whether cuDNN SDPA can serve some attention here (a cuDNN ≥ 9.13 loaded). */
    public boolean sdpaAvailable() { return sdpa.available(); }

    /** Whether cuDNN SDPA can serve causal prefill here (a cuDNN ≥ 9.21 loaded). */
    public boolean sdpaCausal() { return sdpa.causal(); }

    /** Why cuDNN SDPA cannot serve this attention here (library, dtypes, head_dim, alignment, mask), or null when it can. */
    public String sdpaIneligible(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        return CudnnSdpa.ineligible(sdpa, out, q, k, v, spec);
    }

    /** Sets the attention path of the calling thread's ops and returns the previous one. */
    public AttentionPath attentionPath(AttentionPath path) {
        CudaStream s = stream();
        AttentionPath before = s.attentionPath;
        s.attentionPath = java.util.Objects.requireNonNull(path, "path");
        return before;
    }

    /** Logs {@code message} once per backend. */
    private void noteOnce(String message) {
        if (noted.add(message)) LOG.log(System.Logger.Level.INFO, "cuda: " + message);
    }

    @Override public String toString() { return NAME + " on " + device + " (" + description + ")"; }

    // ================================================================ streams, launches, status

    CudaStream stream() {
        if (closed) throw new IllegalStateException("cuda: the backend is closed");
        CudaStream s = streams.get();
        if (s == null) {
            Cuda.check(cuCtxSetCurrent(context), "cuCtxSetCurrent", "binding the primary context to " + Thread.currentThread().getName());
            s = new CudaStream();
            streams.set(s);
            allStreams.add(s);
        }
        return s;
    }

    /** The calling thread's argument buffer for {@code struct}, zeroed, with the status word set. */
    private MemorySegment begin(CudaStream s, GlmkArgs.Struct struct) {
        MemorySegment a = s.args.asSlice(0, struct.size());
        a.fill((byte) 0);
        struct.ptr(a, "status", s.status);
        return a;
    }

    private void launch(CudaStream s, String kernel, GlmkArgs.Launch l, String op) {
        MemorySegment fn = functions.get(kernel);
        if (fn == null) throw new IllegalStateException("cuda: no kernel " + kernel + " in the glmk fatbin");
        Cuda.check(cuLaunchKernel(fn, l.gx(), l.gy(), l.gz(), l.block(), 1, 1, l.shared(), s.handle, s.params, MemorySegment.NULL),
                "cuLaunchKernel", () -> kernel + " for " + op);
        if (s.pending.size() < 8) s.pending.add(op);
        s.pendingCount++;
        if (syncEachOp && !s.capturing) checkStatus(s);
    }

    /** Waits for the stream, then reads and clears the status word; throws the first kernel refusal. */
    private void checkStatus(CudaStream s) {
        Cuda.check(cuStreamSynchronize(s.handle), "cuStreamSynchronize", () -> "after " + pendingText(s));
        Cuda.check(cuMemcpyDtoH_v2(s.word, s.status, 4), "cuMemcpyDtoH_v2", "the kernel status word");
        int st = s.word.get(ValueLayout.JAVA_INT, 0);
        String ops = pendingText(s);
        s.pending.clear();
        s.pendingCount = 0;
        if (st != 0) {
            Cuda.check(cuMemsetD32Async(s.status, 0, 1, s.handle), "cuMemsetD32Async", "clearing the status word");
            Cuda.check(cuStreamSynchronize(s.handle), "cuStreamSynchronize", "clearing the status word");
            throw new GlmkException("kernel", st, "in one of: " + ops + (syncEachOp ? "" : " (set -D" + SYNC_PROPERTY + "=true to pin the op)"));
        }
    }

    private static String pendingText(CudaStream s) {
        return String.join(", ", s.pending) + (s.pendingCount > s.pending.size() ? " and " + (s.pendingCount - s.pending.size()) + " more" : "");
    }

    @Override public void synchronize() { checkStatus(stream()); }

    // ================================================================ memory

    @Override
    @SuppressWarnings("restricted")
    public Tensor allocate(DType dtype, Shape shape, Arena owner) {
        CudaStream s = stream();
        long bytes = Math.max(Math.multiplyExact(shape.numel(), (long) dtype.byteSize()), 1);
        long rounded = (bytes + 255) & -256L;
        long ptr;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_LONG_LONG);
            Cuda.check(cuMemAllocAsync(slot, rounded, s.handle), "cuMemAllocAsync", () -> "allocate(" + dtype + shape + ", " + rounded + " bytes)");
            ptr = slot.get(C_LONG_LONG, 0);
        }
        liveAllocations.incrementAndGet();
        final long p = ptr;
        MemorySegment seg;
        try {
            Cuda.check(cuMemsetD8Async(p, (byte) 0, rounded, s.handle), "cuMemsetD8Async", () -> "zeroing " + dtype + shape);
            Cuda.check(cuStreamSynchronize(s.handle), "cuStreamSynchronize", () -> "allocate(" + dtype + shape + ")");
            seg = MemorySegment.ofAddress(p).reinterpret(0, owner, x -> free(p));
        } catch (RuntimeException e) {
            free(p);
            throw e;
        }
        return Tensor.onDevice(device, dtype, shape, seg, 0);
    }

    /** Close hook of an allocation: frees on the legacy stream (ordered after our blocking streams); never throws. */
    private void free(long ptr) {
        try {
            Cuda.logIfFailed(cuCtxSetCurrent(context), "cuCtxSetCurrent", "freeing device memory");
            Cuda.logIfFailed(cuMemFreeAsync(ptr, MemorySegment.NULL), "cuMemFreeAsync", "device memory at 0x" + Long.toHexString(ptr));
        } catch (RuntimeException | LinkageError e) {
            Cuda.warn("cuda: freeing device memory failed", e);
        } finally {
            if (liveAllocations.decrementAndGet() == 0) releaseContext();
        }
    }

    private void releaseContext() {
        try {
            Cuda.logIfFailed(cuCtxSynchronize(), "cuCtxSynchronize", "the last allocation");
            Cuda.logIfFailed(cuModuleUnload(module), "cuModuleUnload", "the glmk module");
            Cuda.logIfFailed(cuDevicePrimaryCtxRelease_v2(cuDevice), "cuDevicePrimaryCtxRelease_v2", device);
        } catch (RuntimeException | LinkageError e) {
            Cuda.warn("cuda: releasing the context failed", e);
        }
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        for (CudaStream s : allStreams) {
            try {
                Cuda.logIfFailed(cuCtxSetCurrent(context), "cuCtxSetCurrent", "closing");
                s.release();
            } catch (RuntimeException | LinkageError e) {
                Cuda.warn("cuda: releasing a stream failed", e);
            }
        }
        allStreams.clear();
        if (liveAllocations.decrementAndGet() == 0) releaseContext();
    }

    // ================================================================ copy

    @Override public boolean supports(Op op, DType dtype) {
        boolean floating = dtype.isFloating();
        return switch (op) {
            case COPY -> true;
            default -> floating;
        };
    }

    static long ptr(Tensor t) { return t.data().address() + t.byteOffset(); }

    /** Row stride in elements of a matrix-like tensor (one row for rank 1). */
    static long rs(Tensor t) { return t.rank() == 1 ? t.dim(0) : t.rowStride(); }

    static int rows(Tensor t) { return Math.toIntExact(t.rowCount()); }

    static int code(Tensor t) { return t.dtype().ordinal(); }

    static String sfx(DType t) {
        return switch (t) {
            case F32 -> "f32";
            case BF16 -> "bf16";
            case F16 -> "f16";
            default -> throw new IllegalArgumentException("cuda: no kernel for " + t);
        };
    }

    @Override public void copy(Tensor dst, Tensor src) {
        CudaStream s = stream();
        long esz = src.dtype().byteSize();
        if (dst.isContiguous() && src.isContiguous()) {
            copy2d(s, dst, ptr0(dst), src, ptr0(src), dst.numel() * esz, 1, 0, 0);
        } else if (dst.hasUniformRows() && src.hasUniformRows() && dst.rank() >= 1) {
            copy2d(s, dst, ptr0(dst), src, ptr0(src), dst.dim(-1) * esz, dst.rowCount(), rs(dst) * esz, rs(src) * esz);
        } else {
            // general strides: one pitched copy per index of the leading dims; elements one by one if the last dim is strided
            int r = dst.rank();
            boolean rowsOk = dst.stride(-1) == 1 && src.stride(-1) == 1;
            int inner = rowsOk ? Math.max(r - 2, 0) : r - 1;      // dims [inner, r) are covered by one 2-D copy
            long outer = 1;
            for (int i = 0; i < inner; i++) outer *= dst.dim(i);
            long[] idx = new long[r];
            for (long o = 0; o < outer; o++) {
                long rem = o;
                for (int i = inner - 1; i >= 0; i--) {
                    idx[i] = rem % dst.dim(i);
                    rem /= dst.dim(i);
                }
                long dOff = dst.byteOffsetOf(idx), sOff = src.byteOffsetOf(idx);
                if (rowsOk && r >= 2)
                    copy2d(s, dst, dst.data().address() + dOff, src, src.data().address() + sOff, dst.dim(-1) * esz, dst.dim(-2),
                            dst.stride(-2) * esz, src.stride(-2) * esz);
                else
                    copy2d(s, dst, dst.data().address() + dOff, src, src.data().address() + sOff, esz, dst.dim(-1),
                            dst.stride(-1) * esz, src.stride(-1) * esz);
            }
        }
        if (dst.device().isHost()) checkStatus(s);
    }

    private static long ptr0(Tensor t) { return t.data().address() + t.byteOffset(); }

    @SuppressWarnings("restricted")
    private void copy2d(CudaStream s, Tensor dst, long dPtr, Tensor src, long sPtr, long width, long height, long dPitch, long sPitch) {
        if (width == 0 || height == 0) return;
        boolean dHost = dst.device().isHost(), sHost = src.device().isHost();
        String what = "copy(" + dst + " <- " + src + ")";
        if (height == 1) {
            int st;
            if (dHost && sHost) {
                MemorySegment.copy(src.data(), sPtr - src.data().address(), dst.data(), dPtr - dst.data().address(), width);
                return;
            } else if (dHost) st = cuMemcpyDtoHAsync_v2(MemorySegment.ofAddress(dPtr), sPtr, width, s.handle);
            else if (sHost) st = cuMemcpyHtoDAsync_v2(dPtr, MemorySegment.ofAddress(sPtr), width, s.handle);
            else st = cuMemcpyDtoDAsync_v2(dPtr, sPtr, width, s.handle);
            Cuda.check(st, "cuMemcpyAsync", what);
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment c = CUDA_MEMCPY2D.allocate(call);
            if (sHost) {
                CUDA_MEMCPY2D.srcMemoryType(c, CU_MEMORYTYPE_HOST());
                CUDA_MEMCPY2D.srcHost(c, MemorySegment.ofAddress(sPtr));
            } else {
                CUDA_MEMCPY2D.srcMemoryType(c, CU_MEMORYTYPE_DEVICE());
                CUDA_MEMCPY2D.srcDevice(c, sPtr);
            }
            if (dHost) {
                CUDA_MEMCPY2D.dstMemoryType(c, CU_MEMORYTYPE_HOST());
                CUDA_MEMCPY2D.dstHost(c, MemorySegment.ofAddress(dPtr));
            } else {
                CUDA_MEMCPY2D.dstMemoryType(c, CU_MEMORYTYPE_DEVICE());
                CUDA_MEMCPY2D.dstDevice(c, dPtr);
            }
            CUDA_MEMCPY2D.srcPitch(c, sPitch);
            CUDA_MEMCPY2D.dstPitch(c, dPitch);
            CUDA_MEMCPY2D.WidthInBytes(c, width);
            CUDA_MEMCPY2D.Height(c, height);
            Cuda.check(cuMemcpy2DAsync_v2(c, s.handle), "cuMemcpy2DAsync_v2", what);
            if (dHost || sHost) Cuda.check(cuStreamSynchronize(s.handle), "cuStreamSynchronize", what);
        }
    }

    /** Uploads small host data (segment boundaries, penalised ids) into a temporary; returns its device address. */
    private long upload(CudaStream s, int[] values) {
        if (s.capturing) throw new IllegalStateException("cuda: this op uploads host data and cannot be captured in a graph");
        long bytes = 4L * values.length;
        long dptr = s.temp(CudaStream.SLOT_UPLOAD, bytes);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment h = call.allocateFrom(ValueLayout.JAVA_INT, values);
            Cuda.check(cuMemcpyHtoDAsync_v2(dptr, h, bytes, s.handle), "cuMemcpyHtoDAsync_v2", "uploading " + values.length + " ints");
            Cuda.check(cuStreamSynchronize(s.handle), "cuStreamSynchronize", "uploading " + values.length + " ints");
        }
        return dptr;
    }

    // ================================================================ GEMM and conv

    @Override public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) {
        gemm(stream(), ptr(out), out.dtype(), rs(out), ptr(x), x.dtype(), rs(x), ptr(w), w.dtype(), rs(w),
                rows(x), w.dim(0), w.dim(1), bias, "matmul");
    }

    private void gemm(CudaStream s, long out, DType outT, long ldOut, long x, DType xT, long ldx, long w, DType wT, long ldw,
                      int m, int n, int k, Tensor bias, String op) {
        DType ab = wT;
        long tempBase = 0, tempUsed = 0;
        long xBytes = xT == ab ? 0 : ((long) m * k * ab.byteSize() + 255) & -256L;
        DType dT = ab == DType.F32 ? DType.F32 : (outT == ab || outT == DType.F32 ? outT : DType.F32);
        long dBytes = ((long) m * n * 4 + 255) & -256L;
        tempBase = s.temp(CudaStream.SLOT_GEMM, xBytes + dBytes);
        if (xT != ab) {
            convertRows(s, tempBase, ab, k, x, xT, ldx, m, k, op);
            x = tempBase;
            ldx = k;
            tempUsed = xBytes;
        }
        long d = dT == outT ? out : tempBase + tempUsed, ldd = dT == outT ? ldOut : n;
        DType biasT = bias != null && bias.dtype() == dT ? bias.dtype() : null;
        CublasLtGemm.Plan plan = null;
        if (biasT != null) plan = CublasLtGemm.plan(s, key(m, n, k, ldw, ldx, ldd, ab, dT, biasT, w, x, d));
        boolean epilogue = plan != null;
        if (bias != null && !epilogue && dT != DType.F32) {         // add the bias in f32, round once
            dT = DType.F32;
            d = tempBase + tempUsed;
            ldd = n;
        }
        if (plan == null) plan = CublasLtGemm.plan(s, key(m, n, k, ldw, ldx, ldd, ab, dT, null, w, x, d));
        final long fd = d;
        CublasLtGemm.run(s, plan, w, x, d, epilogue ? ptr(bias) : 0, op + " [" + m + "," + k + "]x[" + n + "," + k + "]ᵀ " + ab + "->" + outT);
        if (bias != null && !epilogue) {
            MemorySegment a = begin(s, GlmkArgs.BIAS_ADD);
            GlmkArgs.BIAS_ADD.ptr(a, "x", fd).i64(a, "x_stride", ldd).ptr(a, "bias", ptr(bias)).i32(a, "bias_dtype", code(bias))
                    .i32(a, "rows", m).i32(a, "cols", n);
            launch(s, "glmk_bias_add_" + sfx(dT), GlmkArgs.elementwise(m, n), op + " bias");
        }
        if (dT != outT) convertRows(s, out, outT, ldOut, d, dT, ldd, m, n, op);
    }

    private static CublasLtGemm.Key key(int m, int n, int k, long lda, long ldb, long ldd, DType ab, DType d, DType bias,
                                        long a, long b, long dp) {
        return new CublasLtGemm.Key(m, n, k, lda, ldb, ldd, ab, d, bias, CublasLtGemm.alignment(a), CublasLtGemm.alignment(b),
                CublasLtGemm.alignment(dp));
    }

    private void convertRows(CudaStream s, long out, DType outT, long outStride, long x, DType xT, long xStride, int rows, int cols, String op) {
        MemorySegment a = begin(s, GlmkArgs.CONVERT);
        GlmkArgs.CONVERT.ptr(a, "out", out).i64(a, "out_stride", outStride).ptr(a, "x", x).i64(a, "x_stride", xStride)
                .i32(a, "x_dtype", xT.ordinal()).i32(a, "rows", rows).i32(a, "cols", cols);
        launch(s, "glmk_convert_" + sfx(outT), GlmkArgs.elementwise(rows, cols), op + " convert");
    }

    @Override public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        CudaStream s = stream();
        int window = spec.windowSize();
        if (spec.layout() == ConvSpec.Layout.CHANNELS_FIRST) {
            // Conv3d patch embedding with kernel = stride over rows that are already whole patches: exactly one GEMM
            // (K = 3·2·14·14), no im2col. A cuDNN convolution would need the un-patchified image and lower to the
            // same implicit GEMM; GpuBench's gemm-prefill patch_embed case measures this one against the GEMM probe.
            gemm(s, ptr(out), out.dtype(), rs(out), ptr(x), x.dtype(), rs(x), ptr(w), w.dtype(), window, rows(x), w.dim(0), window,
                    bias, "conv");
            return;
        }
        // channels-last: regroup each window's position rows into one row in the weight's (c, k) order, then the GEMM
        int positions = spec.windowPositions(), windows = rows(x) / positions;
        DType t = x.dtype();
        long windowRows = s.temp(CudaStream.SLOT_OP, (long) windows * window * t.byteSize());
        MemorySegment a = begin(s, GlmkArgs.WINDOW_PERMUTE);
        GlmkArgs.WINDOW_PERMUTE.ptr(a, "out", windowRows).i64(a, "out_stride", window).ptr(a, "x", ptr(x)).i64(a, "x_stride", rs(x))
                .i32(a, "x_dtype", code(x)).i32(a, "windows", windows).i32(a, "positions", positions).i32(a, "channels", spec.inChannels());
        launch(s, "glmk_window_permute_" + sfx(t), GlmkArgs.elementwise(windows, window), "conv (window permute)");
        gemm(s, ptr(out), out.dtype(), rs(out), windowRows, t, window, ptr(w), w.dtype(), window, windows, w.dim(0), window, bias, "conv");
    }

    // ================================================================ row-wise ops

    @Override public void rmsNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.RMSNORM);
        GlmkArgs.RMSNORM.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "x", ptr(x)).i64(a, "x_stride", rs(x))
                .ptr(a, "weight", ptr(weight)).i32(a, "x_dtype", code(x)).i32(a, "residual_dtype", code(x)).i32(a, "sum_dtype", code(x))
                .i32(a, "weight_dtype", code(weight)).i32(a, "rows", rows(x)).i32(a, "cols", x.dim(-1)).f32(a, "eps", eps);
        launch(s, "glmk_rmsnorm_" + sfx(out.dtype()), GlmkArgs.row(rows(x)), "rmsNorm");
    }

    @Override public void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor weight, float eps) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.RMSNORM);
        GlmkArgs.RMSNORM.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "x", ptr(x)).i64(a, "x_stride", rs(x))
                .ptr(a, "residual", ptr(residual)).i64(a, "residual_stride", rs(residual)).ptr(a, "sum_out", ptr(sum))
                .i64(a, "sum_stride", rs(sum)).ptr(a, "weight", ptr(weight)).i32(a, "x_dtype", code(x)).i32(a, "residual_dtype", code(residual))
                .i32(a, "sum_dtype", code(sum)).i32(a, "weight_dtype", code(weight)).i32(a, "rows", rows(x)).i32(a, "cols", x.dim(-1))
                .f32(a, "eps", eps);
        launch(s, "glmk_rmsnorm_" + sfx(out.dtype()), GlmkArgs.row(rows(x)), "addRmsNorm");
    }

    @Override public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.LAYERNORM);
        GlmkArgs.LAYERNORM.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "x", ptr(x)).i64(a, "x_stride", rs(x))
                .ptr(a, "weight", ptr(weight)).ptr(a, "bias", ptr(bias)).i32(a, "x_dtype", code(x)).i32(a, "weight_dtype", code(weight))
                .i32(a, "bias_dtype", code(bias)).i32(a, "rows", rows(x)).i32(a, "cols", x.dim(-1)).f32(a, "eps", eps);
        launch(s, "glmk_layernorm_" + sfx(out.dtype()), GlmkArgs.row(rows(x)), "layerNorm");
    }

    @Override public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.ROPE);
        GlmkArgs.ROPE.ptr(a, "qk", ptr(qk)).i64(a, "token_stride", qk.stride(0)).i64(a, "head_stride", qk.stride(1))
                .ptr(a, "cos", ptr(cos)).i64(a, "cos_stride", rs(cos)).ptr(a, "sin", ptr(sin)).i64(a, "sin_stride", rs(sin))
                .i32(a, "cos_dtype", code(cos)).i32(a, "sin_dtype", code(sin)).i32(a, "tokens", qk.dim(0)).i32(a, "heads", qk.dim(1))
                .i32(a, "rotary_dims", spec.rotaryDims()).i32(a, "interleaved", spec.pairing() == RopeSpec.Pairing.INTERLEAVED ? 1 : 0);
        launch(s, "glmk_rope_" + sfx(qk.dtype()), GlmkArgs.rope(qk.dim(0)), "rope");
    }

    @Override public void swiglu(Tensor out, Tensor gateUp) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.SWIGLU);
        GlmkArgs.SWIGLU.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "gate_up", ptr(gateUp))
                .i64(a, "gate_up_stride", rs(gateUp)).i32(a, "gate_up_dtype", code(gateUp)).i32(a, "rows", rows(out)).i32(a, "cols", out.dim(-1));
        launch(s, "glmk_swiglu_" + sfx(out.dtype()), GlmkArgs.elementwise(rows(out), out.dim(-1)), "swiglu");
    }

    @Override public void unary(Tensor out, Tensor x, Unary fn) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.UNARY);
        GlmkArgs.UNARY.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "x", ptr(x)).i64(a, "x_stride", rs(x))
                .i32(a, "x_dtype", code(x)).i32(a, "fn", fn.ordinal()).i32(a, "rows", rows(x)).i32(a, "cols", x.dim(-1));
        launch(s, "glmk_unary_" + sfx(out.dtype()), GlmkArgs.elementwise(rows(x), x.dim(-1)), "unary " + fn);
    }

    @Override public void binary(Tensor out, Tensor a, Tensor b, Binary fn) {
        CudaStream s = stream();
        boolean broadcast = !b.shape().equals(a.shape());
        MemorySegment g = begin(s, GlmkArgs.BINARY);
        GlmkArgs.BINARY.ptr(g, "out", ptr(out)).i64(g, "out_stride", rs(out)).ptr(g, "a", ptr(a)).i64(g, "a_stride", rs(a))
                .ptr(g, "b", ptr(b)).i64(g, "b_stride", broadcast ? 0 : rs(b)).i32(g, "a_dtype", code(a)).i32(g, "b_dtype", code(b))
                .i32(g, "fn", fn.ordinal()).i32(g, "rows", rows(a)).i32(g, "cols", a.dim(-1));
        launch(s, "glmk_binary_" + sfx(out.dtype()), GlmkArgs.elementwise(rows(a), a.dim(-1)), "binary " + fn);
    }

    @Override public void softmax(Tensor out, Tensor x) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.SOFTMAX);
        GlmkArgs.SOFTMAX.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "x", ptr(x)).i64(a, "x_stride", rs(x))
                .i32(a, "x_dtype", code(x)).i32(a, "rows", rows(x)).i32(a, "cols", x.dim(-1));
        launch(s, "glmk_softmax_" + sfx(out.dtype()), GlmkArgs.row(rows(x)), "softmax");
    }

    @Override public void embedding(Tensor out, Tensor table, Tensor ids) {
        CudaStream s = stream();
        long idsPtr = ptr(ids);
        if (ids.stride(0) != 1 && ids.dim(0) > 1) {               // a strided id vector: gather it contiguous first
            long esz = ids.dtype().byteSize();
            idsPtr = s.temp(CudaStream.SLOT_OP, ids.dim(0) * esz);
            Tensor tmp = Tensor.onDevice(device, ids.dtype(), ids.shape(), MemorySegment.ofAddress(idsPtr), 0);
            copy2d(s, tmp, idsPtr, ids, ptr(ids), esz, ids.dim(0), esz, ids.stride(0) * esz);
        }
        MemorySegment a = begin(s, GlmkArgs.EMBEDDING);
        GlmkArgs.EMBEDDING.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "table", ptr(table))
                .i64(a, "table_stride", rs(table)).ptr(a, "ids", idsPtr).i32(a, "table_dtype", code(table)).i32(a, "ids_dtype", code(ids))
                .i32(a, "count", ids.dim(0)).i32(a, "cols", table.dim(1)).i32(a, "table_rows", table.dim(0));
        launch(s, "glmk_embedding_" + sfx(out.dtype()), GlmkArgs.elementwise(ids.dim(0), table.dim(1)), "embedding");
    }

    @Override public void resamplePositions(Tensor out, Tensor table, Tensor points, int tableHeight, int tableWidth) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.RESAMPLE);
        GlmkArgs.RESAMPLE.ptr(a, "out", ptr(out)).i64(a, "out_stride", rs(out)).ptr(a, "table", ptr(table))
                .i64(a, "table_stride", rs(table)).ptr(a, "points", ptr(points)).i64(a, "points_stride", rs(points))
                .i32(a, "table_dtype", code(table)).i32(a, "count", points.dim(0)).i32(a, "channels", table.dim(1))
                .i32(a, "table_height", tableHeight).i32(a, "table_width", tableWidth);
        launch(s, "glmk_resample_" + sfx(out.dtype()), GlmkArgs.resample(points.dim(0)), "resamplePositions");
    }

    @Override public void copyRowsAt(Tensor dst, Tensor src, Tensor at) {
        CudaStream s = stream();
        MemorySegment a = begin(s, GlmkArgs.COPY_ROWS_AT);
        GlmkArgs.COPY_ROWS_AT.ptr(a, "dst", ptr(dst)).i64(a, "dst_stride", rs(dst)).ptr(a, "src", ptr(src)).i64(a, "src_stride", rs(src))
                .ptr(a, "at", ptr(at)).i32(a, "rows", rows(src)).i32(a, "cols", src.dim(-1)).i32(a, "dst_rows", rows(dst));
        launch(s, "glmk_copy_rows_at_" + sfx(dst.dtype()), GlmkArgs.elementwise(rows(src), src.dim(-1)), "copyRowsAt");
    }

    @Override public void convert(Tensor out, Tensor x) {
        CudaStream s = stream();
        if (out.hasUniformRows() && x.hasUniformRows()) {
            convertRows(s, ptr(out), out.dtype(), rs(out), ptr(x), x.dtype(), rs(x), rows(x), x.dim(-1), "convert");
            return;
        }
        int r = x.rank();                                           // rank >= 3 with mixed strides: one launch per leading index
        long outer = 1;
        for (int i = 0; i < r - 2; i++) outer *= x.dim(i);
        long[] idx = new long[r];
        for (long o = 0; o < outer; o++) {
            long rem = o;
            for (int i = r - 3; i >= 0; i--) {
                idx[i] = rem % x.dim(i);
                rem /= x.dim(i);
            }
            convertRows(s, out.data().address() + out.byteOffsetOf(idx), out.dtype(), out.stride(-2),
                    x.data().address() + x.byteOffsetOf(idx), x.dtype(), x.stride(-2), x.dim(-2), x.dim(-1), "convert");
        }
    }

    // ================================================================ attention

    @Override public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        checkAttention(q, k, v);
        CudaStream s = stream();
        if (viaCudnn(s, out, q, k, v, spec)) return;
        kernelAttention(s, out, q, k, v, spec, 0, segments(s, spec));
    }

    /** Always our general kernel, which reads the query offset from {@code position} when it runs (graph-safe). */
    @Override public void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
        checkAttention(q, k, v);
        kernelAttention(stream(), out, q, k, v, spec, ptr(position), 0);
    }

    /** The spec's segment boundaries uploaded to a temporary (0 when unsegmented). */
    private long segments(CudaStream s, AttentionSpec spec) { return spec.segments() == null ? 0 : upload(s, spec.segments()); }

    private void checkAttention(Tensor q, Tensor k, Tensor v) {
        int d = q.dim(2);
        if (d > GlmkArgs.ATTN_MAX_HEAD_DIM)
            throw new UnsupportedOpException("cuda on " + device + " has no attention for head_dim " + d + " (at most " + GlmkArgs.ATTN_MAX_HEAD_DIM + ")");
        if (k.dtype() != v.dtype())
            throw new UnsupportedOpException("cuda on " + device + " needs k and v of one dtype, got " + k.dtype() + " and " + v.dtype());
    }

    /**
     * Our kernels: the tensor-core prefill kernel where it applies, else the general one (split-K for decode).
     * {@code position}: the device query offset or 0; {@code segments}: the uploaded boundaries or 0.
     */
    private void kernelAttention(CudaStream s, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, long position, long segments) {
        int d = q.dim(2);
        GlmkArgs.Struct A = GlmkArgs.ATTENTION;
        MemorySegment a = begin(s, A);
        A.ptr(a, "out", ptr(out)).i64(a, "out_token_stride", out.stride(0)).i64(a, "out_head_stride", out.stride(1))
                .ptr(a, "q", ptr(q)).i64(a, "q_token_stride", q.stride(0)).i64(a, "q_head_stride", q.stride(1))
                .ptr(a, "k", ptr(k)).i64(a, "k_token_stride", k.stride(0)).i64(a, "k_head_stride", k.stride(1))
                .ptr(a, "v", ptr(v)).i64(a, "v_token_stride", v.stride(0)).i64(a, "v_head_stride", v.stride(1))
                .ptr(a, "segments", segments).i32(a, "out_dtype", code(out)).i32(a, "q_dtype", code(q))
                .i32(a, "q_len", q.dim(0)).i32(a, "k_len", k.dim(0)).i32(a, "q_heads", q.dim(1)).i32(a, "kv_heads", k.dim(1))
                .i32(a, "head_dim", d).i32(a, "causal", spec.causal() ? 1 : 0).i32(a, "query_offset", spec.queryOffset())
                .i32(a, "segment_count", spec.segmentCount()).f32(a, "scale", spec.scale()).ptr(a, "position", position);
        if (position == 0 && prefillKernel(q, k, v)) {
            A.i32(a, "rows_per_block", GlmkArgs.ATTN_PREFILL_ROWS).i32(a, "heads_per_block", 1)
                    .i32(a, "keys_per_split", GlmkArgs.ceilDiv(k.dim(0), GlmkArgs.ATTN_KEY_TILE) * GlmkArgs.ATTN_KEY_TILE).i32(a, "splits", 1);
            launch(s, "glmk_attention_prefill_" + sfx(q.dtype()), GlmkArgs.attentionPrefill(a), "attention (prefill kernel)");
            return;
        }
        GlmkArgs.attentionConfigure(a, smCount);
        int splits = A.getI32(a, "splits");
        if (splits > 1) A.ptr(a, "partial", s.temp(CudaStream.SLOT_OP, 4 * GlmkArgs.attentionPartialFloats(a)));
        GlmkArgs.Launch l = GlmkArgs.attention(a);
        launch(s, "glmk_attention_" + sfx(k.dtype()), l, "attention");
        if (splits > 1) {
            a = s.args.asSlice(0, A.size());                     // the struct is still in the buffer
            launch(s, "glmk_attention_combine_" + sfx(out.dtype()), GlmkArgs.attentionCombine(a), "attention combine");
        }
    }

    /**
     * Runs the attention through cuDNN SDPA and returns true when the thread's path, the library, the shape and (AUTO)
     * the first-use comparison allow it; returns false (nothing queued) when our kernel is to serve it.
     */
    private boolean viaCudnn(CudaStream s, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        AttentionPath path = s.attentionPath;
        if (path == AttentionPath.KERNEL || s.capturing) return false;
        String why = CudnnSdpa.ineligible(sdpa, out, q, k, v, spec);
        if (why != null) {
            if (path == AttentionPath.SDPA || sdpa.available()) noteOnce("attention uses our kernel where " + why);
            return false;
        }
        CudnnSdpa.State st = sdpaState(s);
        if (st == null) return false;
        List<CudnnSdpa.Call> calls = CudnnSdpa.calls(out, q, k, v, spec);
        CudnnSdpa.Bucket bucket = CudnnSdpa.Bucket.of(calls);
        Boolean use = path == AttentionPath.SDPA ? Boolean.TRUE : st.decisions.get(bucket);
        if (Boolean.FALSE.equals(use)) return false;                  // decided for this bucket: no plans built
        List<CudnnSdpa.Plan> plans = new ArrayList<>(calls.size());
        for (CudnnSdpa.Call c : calls) {
            try {
                plans.add(st.plan(c.key()));
            } catch (CudnnException e) {
                noteOnce("cuDNN SDPA has no plan for " + c.key() + ", our kernel serves it: " + e.getMessage());
                return false;
            }
        }
        Runnable cudnn = () -> runSdpa(s, st, calls, plans, out, q, k, v, spec);
        if (use == null) {
            long seg = segments(s, spec);                               // uploaded once, outside the timed runs
            use = decide(s, cudnn, () -> kernelAttention(s, out, q, k, v, spec, 0, seg), out, shape(q, k, spec) + " (" + bucket + ")");
            st.decisions.put(bucket, use);
        }
        if (!use) return false;
        try {
            cudnn.run();
        } catch (CudnnException e) {
            if (path == AttentionPath.SDPA) throw e;                 // pinned: the caller asked for this path
            st.decisions.put(bucket, false);
            noteOnce("cuDNN SDPA failed to run attention " + shape(q, k, spec) + ", our kernel serves its bucket from now on: " + e.getMessage());
            return false;
        }
        return true;
    }

    /** The thread's cuDNN state, made on first use; null (said once) when cuDNN cannot make a handle here. */
    private CudnnSdpa.State sdpaState(CudaStream s) {
        if (s.sdpa == null) {
            try {
                s.sdpa = new CudnnSdpa.State(s);
            } catch (CudnnException | LinkageError e) {
                noteOnce("cuDNN SDPA off on " + Thread.currentThread().getName() + ": " + e.getMessage());
                return null;
            }
        }
        return s.sdpa;
    }

    private void runSdpa(CudaStream s, CudnnSdpa.State st, List<CudnnSdpa.Call> calls, List<CudnnSdpa.Plan> plans, Tensor out, Tensor q,
                         Tensor k, Tensor v, AttentionSpec spec) {
        long ws = 0;
        for (CudnnSdpa.Plan p : plans) ws = Math.max(ws, p.workspace);
        long workspace = ws == 0 ? 0 : s.temp(CudaStream.SLOT_CUDNN, ws);
        for (int i = 0; i < calls.size(); i++) {
            CudnnSdpa.Call c = calls.get(i);
            st.execute(plans.get(i), ptr(q) + c.qOffset(), ptr(k) + c.kOffset(), ptr(v) + c.vOffset(), ptr(out) + c.oOffset(), spec.scale(),
                    workspace);
        }
        if (s.pending.size() < 8) s.pending.add("attention (cuDNN SDPA)");
        s.pendingCount++;
        if (syncEachOp) checkStatus(s);
    }

    /** Largest |cuDNN − kernel| accepted at a shape's first use, as atol + rtol·|kernel| (bf16/f16 outputs). */
    static final double SDPA_CHECK_ATOL = 0.03, SDPA_CHECK_RTOL = 0.03;

    /**
     * A shape's first use: both paths run on the real operands, cuDNN's output is checked against our kernel's, and
     * both are timed (best of three, CUDA events); true when cuDNN is correct and faster. Said once in the log.
     */
    private boolean decide(CudaStream s, Runnable cudnn, Runnable kernel, Tensor out, String shape) {
        try {
            kernel.run();
            float[] expected = download(out);
            cudnn.run();
            float[] actual = download(out);
            String mismatch = mismatch(expected, actual);
            if (mismatch != null) {
                LOG.log(System.Logger.Level.WARNING, "cuda: cuDNN SDPA's output for attention " + shape + " differs from our kernel's ("
                        + mismatch + "); our kernel serves this shape");
                return false;
            }
            double kernelMs = best(kernel), cudnnMs = best(cudnn);
            boolean use = cudnnMs < kernelMs;
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "cuda: attention %s: cuDNN SDPA %.3f ms, our kernel %.3f ms: %s",
                    shape, cudnnMs, kernelMs, use ? "cuDNN serves it" : "our kernel serves it"));
            return use;
        } catch (CudnnException e) {
            noteOnce("cuDNN SDPA failed for attention " + shape + ", our kernel serves it: " + e.getMessage());
            checkStatus(s);
            return false;
        }
    }

    private double best(Runnable r) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) best = Math.min(best, time(r));
        return best;
    }

    private float[] download(Tensor t) {
        try (Arena a = Arena.ofConfined()) {
            Tensor host = Tensor.allocate(t.dtype(), t.shape(), a);
            copy(host, t);
            return host.toFloatArray();
        }
    }

    /** Where two outputs differ beyond the first-use tolerance (or in NaN-ness), or null. */
    static String mismatch(float[] expected, float[] actual) {
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) != Double.isNaN(a)) return "element " + i + ": kernel " + e + ", cuDNN " + a;
            double excess = Math.abs(a - e) - (SDPA_CHECK_ATOL + SDPA_CHECK_RTOL * Math.abs(e));
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        return worst < 0 ? null : "element " + worst + ": kernel " + expected[worst] + ", cuDNN " + actual[worst];
    }

    private static String shape(Tensor q, Tensor k, AttentionSpec spec) {
        return q.dtype() + " " + q.dim(0) + "x" + k.dim(0) + " tokens, " + q.dim(1) + "/" + k.dim(1) + " heads x " + q.dim(2)
                + (spec.causal() ? ", causal" + (spec.queryOffset() == 0 ? "" : " at " + spec.queryOffset())
                        : spec.segments() == null ? ", full" : ", " + spec.segmentCount() + " segments " + Arrays.toString(spec.segments()));
    }

    /** The tensor-core prefill kernel: bf16/f16 q, k, v of one dtype, head_dim 128, 16-byte aligned rows, several queries. */
    static boolean prefillKernel(Tensor q, Tensor k, Tensor v) {
        DType t = q.dtype();
        if ((t != DType.BF16 && t != DType.F16) || k.dtype() != t || v.dtype() != t) return false;
        if (q.dim(2) != GlmkArgs.ATTN_PREFILL_HEAD_DIM || q.dim(0) < 2) return false;
        long bits = ptr(q) | ptr(k) | ptr(v);
        long strides = q.stride(0) | q.stride(1) | k.stride(0) | k.stride(1) | v.stride(0) | v.stride(1);
        return (bits & 15) == 0 && (strides & 7) == 0;
    }

    // ================================================================ sampling

    @Override public void sample(Tensor ids, Tensor logits, SamplingSpec spec) {
        CudaStream s = stream();
        int r = rows(logits), vocab = logits.dim(-1);
        if (spec.isGreedy() && spec.repetitionPenalty() == 1f) {
            MemorySegment a = begin(s, GlmkArgs.ARGMAX);
            GlmkArgs.ARGMAX.ptr(a, "ids", ptr(ids)).ptr(a, "logits", ptr(logits)).i64(a, "logits_stride", rs(logits))
                    .i32(a, "rows", r).i32(a, "vocab", vocab);
            launch(s, "glmk_argmax_" + sfx(logits.dtype()), GlmkArgs.sample(r), "sample (argmax)");
            return;
        }
        int[] pen = spec.penalizedIds();
        long penPtr = pen.length == 0 ? 0 : upload(s, pen);
        long work = s.temp(CudaStream.SLOT_OP, GlmkArgs.sampleWorkspaceBytes(r, vocab) + 256);
        long workProb = (work + 4L * r * vocab + 255) & -256L;
        MemorySegment a = begin(s, GlmkArgs.SAMPLE);
        GlmkArgs.SAMPLE.ptr(a, "ids", ptr(ids)).ptr(a, "logits", ptr(logits)).i64(a, "logits_stride", rs(logits))
                .ptr(a, "penalized_ids", penPtr).ptr(a, "work", work).ptr(a, "work_prob", workProb).f64(a, "uniform", spec.uniform())
                .i32(a, "rows", r).i32(a, "vocab", vocab).i32(a, "penalized_count", pen.length).i32(a, "top_k", spec.topK())
                .f32(a, "temperature", spec.temperature()).f32(a, "top_p", spec.topP()).f32(a, "repetition_penalty", spec.repetitionPenalty());
        launch(s, "glmk_sample_" + sfx(logits.dtype()), GlmkArgs.sample(r), "sample");
    }

    // ================================================================ graphs

    /** CUDA graphs: {@link #capture}. */
    @Override public Optional<StepGraphs> stepGraphs() { return Optional.of(this::capture); }

    /**
     * Captures what {@code step} issues on the calling thread's stream into a CUDA graph (nothing runs during
     * capture). The step must have run once before (so temporaries and plans exist) and must not upload host data
     * or synchronise. The temporaries the captured ops use pass to the graph (freed when it is closed), so later ops
     * cannot move them. Replay with {@link CudaGraph#launch()} on the same thread; close the graph before the backend.
     */
    public CudaGraph capture(Runnable step) {
        CudaStream s = stream();
        checkStatus(s);
        Cuda.check(cuStreamBeginCapture_v2(s.handle, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL()), "cuStreamBeginCapture_v2", "graph capture");
        s.capturing = true;
        MemorySegment graph;
        try (Arena call = Arena.ofConfined()) {
            RuntimeException failure = null;
            try {
                step.run();
            } catch (RuntimeException e) {
                failure = e;
            }
            s.capturing = false;
            MemorySegment slot = call.allocate(C_POINTER);
            int st = cuStreamEndCapture(s.handle, slot);
            if (failure != null) {
                if (st == CUDA_SUCCESS()) Cuda.logIfFailed(cuGraphDestroy(slot.get(C_POINTER, 0)), "cuGraphDestroy", "a failed capture");
                throw failure;
            }
            Cuda.check(st, "cuStreamEndCapture", "graph capture");
            graph = slot.get(C_POINTER, 0);
            int ist = cuGraphInstantiateWithFlags(slot, graph, 0);
            if (ist != CUDA_SUCCESS()) {
                Cuda.logIfFailed(cuGraphDestroy(graph), "cuGraphDestroy", "a graph that did not instantiate");
                Cuda.check(ist, "cuGraphInstantiateWithFlags", "graph capture");
            }
            s.pending.clear();
            s.pendingCount = 0;
            return new CudaGraph(this, graph, slot.get(C_POINTER, 0), s.detachTemps());
        } finally {
            s.capturing = false;
        }
    }

    /**
     * Runs {@code work} on the calling thread and returns the milliseconds the device measured between two CUDA events
     * recorded on that thread's stream before and after it; waits for the end event and then reads the kernel status
     * word (a refusal throws). Gaps where the device waited for the host to issue ops count. For benchmarks; not
     * during a capture.
     */
    public double time(Runnable work) {
        CudaStream s = stream();
        if (s.capturing) throw new IllegalStateException("cuda: time() cannot run inside a graph capture");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            Cuda.check(cuEventCreate(slot, 0), "cuEventCreate", "timing");
            MemorySegment start = slot.get(C_POINTER, 0);
            MemorySegment end = MemorySegment.NULL;
            try {
                Cuda.check(cuEventCreate(slot, 0), "cuEventCreate", "timing");
                end = slot.get(C_POINTER, 0);
                Cuda.check(cuEventRecord(start, s.handle), "cuEventRecord", "timing");
                work.run();
                Cuda.check(cuEventRecord(end, s.handle), "cuEventRecord", "timing");
                Cuda.check(cuEventSynchronize(end), "cuEventSynchronize", () -> "timing, after " + pendingText(s));
                MemorySegment ms = call.allocate(C_FLOAT);
                Cuda.check(cuEventElapsedTime_v2(ms, start, end), "cuEventElapsedTime_v2", "timing");
                checkStatus(s);
                return ms.get(C_FLOAT, 0);
            } finally {
                Cuda.logIfFailed(cuEventDestroy_v2(start), "cuEventDestroy_v2", "timing");
                if (!end.equals(MemorySegment.NULL)) Cuda.logIfFailed(cuEventDestroy_v2(end), "cuEventDestroy_v2", "timing");
            }
        }
    }

    /** Launches an instantiated graph on the calling thread's stream. */
    void launchGraph(MemorySegment exec) {
        CudaStream s = stream();
        Cuda.check(cuGraphLaunch(exec, s.handle), "cuGraphLaunch", "graph replay");
        if (s.pending.size() < 8) s.pending.add("graph replay");
        s.pendingCount++;
        if (syncEachOp) checkStatus(s);
    }

    void bindContext() { Cuda.logIfFailed(cuCtxSetCurrent(context), "cuCtxSetCurrent", "graph release"); }

    /** Frees a closed graph's temporaries on the legacy stream (after all work on our blocking streams); never throws. */
    void freeTemps(long[] temps) {
        for (long t : temps) Cuda.logIfFailed(cuMemFreeAsync(t, MemorySegment.NULL), "cuMemFreeAsync", "a graph's temporaries");
    }
}
