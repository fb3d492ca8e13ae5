package org.glm4j.core.backend.cuda;

import static org.glm4j.bindings.cuda.cuda_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glm4j.bindings.cublaslt.cublasLt_h;

/**
 * What one calling thread owns inside a {@link CudaBackend}: its stream (every op that thread issues runs on it, in
 * order), its kernel status word, its argument buffer, its cuBLASLt handle, plans and workspace, and its growable
 * device temporaries. Confined to its thread by {@code ThreadLocal}; released by the backend's {@code close()}.
 */
final class CudaStream {
    static final long LT_WORKSPACE = 32L << 20;
    /** Temporary slots: op-level temporaries, GEMM operand conversions, segment/id uploads, cuDNN workspaces. */
    static final int SLOT_OP = 0, SLOT_GEMM = 1, SLOT_UPLOAD = 2, SLOT_CUDNN = 3, SLOTS = 4;

    final MemorySegment handle;
    final long status;
    final Arena arena = Arena.ofShared();
    final MemorySegment args = arena.allocate(GlmkArgs.MAX_SIZE, 16);
    final MemorySegment params = arena.allocate(8, 8);
    final MemorySegment word = arena.allocate(8, 8);
    final MemorySegment alpha = arena.allocate(4, 4), beta = arena.allocate(4, 4);
    final MemorySegment lt;
    final long ltWorkspace;
    final long[] tempPtr = new long[SLOTS], tempBytes = new long[SLOTS];
    final Map<CublasLtGemm.Key, CublasLtGemm.Plan> plans = new HashMap<>();
    /** Ops launched since the status word was last read, for the message of an asynchronous kernel refusal. */
    final List<String> pending = new ArrayList<>();
    int pendingCount;
    boolean capturing;
    /** This thread's cuDNN handle and SDPA plans, made at its first SDPA attention (null until then). */
    CudnnSdpa.State sdpa;
    /** Which attention path this thread's ops take (the benchmark and the parity suite pin one). */
    CudaBackend.AttentionPath attentionPath = CudaBackend.AttentionPath.AUTO;

    CudaStream() {
        MemorySegment h = MemorySegment.NULL, ltH = MemorySegment.NULL;
        long st = 0, ws = 0;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            Cuda.check(cuStreamCreate(slot, CU_STREAM_DEFAULT()), "cuStreamCreate", "a stream for " + Thread.currentThread().getName());
            h = slot.get(C_POINTER, 0);
            MemorySegment ptr = call.allocate(C_LONG_LONG);
            Cuda.check(cuMemAlloc_v2(ptr, 8), "cuMemAlloc_v2", "the kernel status word");
            st = ptr.get(C_LONG_LONG, 0);
            Cuda.check(cuMemsetD32Async(st, 0, 2, h), "cuMemsetD32Async", "the kernel status word");
            Cuda.check(cuMemAlloc_v2(ptr, LT_WORKSPACE), "cuMemAlloc_v2", "the cuBLASLt workspace of " + LT_WORKSPACE + " bytes");
            ws = ptr.get(C_LONG_LONG, 0);
            Cuda.checkCublas(cublasLt_h.cublasLtCreate(slot), "cublasLtCreate", () -> "a cuBLASLt handle");
            ltH = slot.get(C_POINTER, 0);
            Cuda.check(cuStreamSynchronize(h), "cuStreamSynchronize", "stream setup");
        } catch (RuntimeException e) {
            if (!ltH.equals(MemorySegment.NULL)) cublasLt_h.cublasLtDestroy(ltH);
            if (ws != 0) Cuda.logIfFailed(cuMemFree_v2(ws), "cuMemFree_v2", "the cuBLASLt workspace");
            if (st != 0) Cuda.logIfFailed(cuMemFree_v2(st), "cuMemFree_v2", "the status word");
            if (!h.equals(MemorySegment.NULL)) Cuda.logIfFailed(cuStreamDestroy_v2(h), "cuStreamDestroy_v2", "a stream");
            arena.close();
            throw e;
        }
        handle = h;
        status = st;
        lt = ltH;
        ltWorkspace = ws;
        alpha.set(C_FLOAT, 0, 1f);
        beta.set(C_FLOAT, 0, 0f);
        params.set(C_LONG_LONG, 0, args.address());
    }

    /** A device temporary of at least {@code bytes} in {@code slot}, valid until the same slot is asked again. */
    long temp(int slot, long bytes) {
        if (bytes <= tempBytes[slot]) return tempPtr[slot];
        if (capturing)
            throw new IllegalStateException("cuda: an op needs " + bytes + " bytes of temporaries during graph capture; run the step once before capturing it");
        long want = Math.max(bytes + (bytes >> 2), 1 << 20);
        try (Arena call = Arena.ofConfined()) {
            if (tempPtr[slot] != 0) {
                Cuda.check(cuMemFreeAsync(tempPtr[slot], handle), "cuMemFreeAsync", "a temporary");
                tempPtr[slot] = 0;
                tempBytes[slot] = 0;
            }
            MemorySegment ptr = call.allocate(C_LONG_LONG);
            Cuda.check(cuMemAllocAsync(ptr, want, handle), "cuMemAllocAsync", want + " bytes of temporaries");
            tempPtr[slot] = ptr.get(C_LONG_LONG, 0);
            tempBytes[slot] = want;
        }
        return tempPtr[slot];
    }

    /**
     * Hands the current temporaries to a graph just captured (which baked their addresses into its launches and frees
     * them when it is closed) and empties the slots, so later ops on this stream allocate their own.
     */
    long[] detachTemps() {
        long[] taken = java.util.Arrays.stream(tempPtr).filter(p -> p != 0).toArray();
        java.util.Arrays.fill(tempPtr, 0);
        java.util.Arrays.fill(tempBytes, 0);
        return taken;
    }

    /** Releases everything; never throws (a bad status is logged). */
    void release() {
        if (sdpa != null) sdpa.release();
        sdpa = null;
        for (CublasLtGemm.Plan p : plans.values()) p.destroy();
        plans.clear();
        for (int i = 0; i < SLOTS; i++)
            if (tempPtr[i] != 0) Cuda.logIfFailed(cuMemFreeAsync(tempPtr[i], handle), "cuMemFreeAsync", "a temporary");
        Cuda.logIfFailed(cuStreamSynchronize(handle), "cuStreamSynchronize", "a stream being closed");
        int s = cublasLt_h.cublasLtDestroy(lt);
        if (s != 0) Cuda.warn("cuBLASLt: cublasLtDestroy -> " + s, null);
        Cuda.logIfFailed(cuMemFree_v2(ltWorkspace), "cuMemFree_v2", "the cuBLASLt workspace");
        Cuda.logIfFailed(cuMemFree_v2(status), "cuMemFree_v2", "the status word");
        Cuda.logIfFailed(cuStreamDestroy_v2(handle), "cuStreamDestroy_v2", "a stream");
        arena.close();
    }
}
