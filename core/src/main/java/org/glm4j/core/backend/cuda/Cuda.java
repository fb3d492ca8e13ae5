package org.glm4j.core.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import org.glm4j.bindings.cublaslt.cublasLt_h;
import org.glm4j.bindings.cuda.cuda_h;
import org.glm4j.bindings.cudnn.cudnn_graph_h;

/** Status checks of the CUDA libraries: each throws its library's exception naming the call, status and context. */
final class Cuda {
    private Cuda() {}

    private static final System.Logger LOG = System.getLogger("org.glm4j.backend.cuda");

    /** Throws {@link CudaException} unless {@code status} is {@code CUDA_SUCCESS}. */
    static void check(int status, String call, Object context) {
        if (status != cuda_h.CUDA_SUCCESS())
            throw new CudaException(call, status, errorName(status), errorString(status), context == null ? null : context.toString());
    }

    /** As {@link #check(int, String, Object)} with a lazily built context. */
    static void check(int status, String call, Supplier<String> context) {
        if (status != cuda_h.CUDA_SUCCESS())
            throw new CudaException(call, status, errorName(status), errorString(status), context == null ? null : context.get());
    }

    /** Throws {@link CublasException} unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
    static void checkCublas(int status, String call, Supplier<String> context) {
        if (status != cublasLt_h.CUBLAS_STATUS_SUCCESS())
            throw new CublasException(call, status, cstring(cublasLt_h.cublasLtGetStatusName(status), "status " + status),
                    cstring(cublasLt_h.cublasLtGetStatusString(status), null), context == null ? null : context.get());
    }

    /** Throws {@link CudnnException} unless {@code status} is {@code CUDNN_STATUS_SUCCESS}. */
    static void checkCudnn(int status, String call, Supplier<String> context) {
        if (status != cudnn_graph_h.CUDNN_STATUS_SUCCESS())
            throw new CudnnException(call, status, cstring(cudnn_graph_h.cudnnGetErrorString(status), "status " + status),
                    context == null ? null : context.get());
    }

    /** {@code cuGetErrorName}, or the number when the driver does not know it. */
    static String errorName(int status) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(cuda_h.C_POINTER);
            if (cuda_h.cuGetErrorName(status, p) != cuda_h.CUDA_SUCCESS()) return "CUresult " + status;
            return cstring(p.get(cuda_h.C_POINTER, 0), "CUresult " + status);
        } catch (RuntimeException | LinkageError e) {
            return "CUresult " + status;
        }
    }

    static String errorString(int status) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(cuda_h.C_POINTER);
            if (cuda_h.cuGetErrorString(status, p) != cuda_h.CUDA_SUCCESS()) return null;
            return cstring(p.get(cuda_h.C_POINTER, 0), null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    @SuppressWarnings("restricted")
    private static String cstring(MemorySegment p, String orElse) {
        if (p == null || p.equals(MemorySegment.NULL)) return orElse;
        return p.reinterpret(4096).getString(0);
    }

    /** Logs a failed status of a release call (close hooks never throw). */
    static void logIfFailed(int status, String call, Object context) {
        if (status != cuda_h.CUDA_SUCCESS())
            LOG.log(System.Logger.Level.WARNING, "CUDA driver: " + call + " -> " + errorName(status) + " (" + status + ") while releasing " + context);
    }

    static void warn(String message, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, message, t);
    }
}
