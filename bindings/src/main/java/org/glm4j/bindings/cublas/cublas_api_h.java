package org.glm4j.bindings.cublas;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.glm4j.bindings.Downcalls;

/**
 * cuBLAS ({@code cublas_api.h} of cuBLAS 13, with the {@code cudaDataType} values of {@code library_types.h}) in
 * jextract's form, limited to what glm4j calls: handle, stream, workspace, math mode, status strings and the
 * {@code GemmEx} family. Nothing loads until {@link CublasLibrary#load()}.
 */
@SuppressWarnings({"unused", "restricted"})
public final class cublas_api_h {
    private cublas_api_h() {}

    static final String LIBRARY = "cuBLAS";

    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "cublasCreate_v2", "cublasDestroy_v2", "cublasGetVersion_v2", "cublasSetStream_v2",
            "cublasSetWorkspace_v2", "cublasSetMathMode", "cublasGetStatusName", "cublasGetStatusString",
            "cublasGemmEx", "cublasGemmStridedBatchedEx");

    // ---------------------------------------------------------------- functions

    private static final class cublasCreate_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasCreate_v2", DESC);
    }

    public static int cublasCreate_v2(MemorySegment handle) {
        try {
            return (int) cublasCreate_v2.HANDLE.invokeExact(handle);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasCreate_v2", t);
        }
    }

    private static final class cublasDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasDestroy_v2", DESC);
    }

    public static int cublasDestroy_v2(MemorySegment handle) {
        try {
            return (int) cublasDestroy_v2.HANDLE.invokeExact(handle);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasDestroy_v2", t);
        }
    }

    private static final class cublasGetVersion_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasGetVersion_v2", DESC);
    }

    public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
        try {
            return (int) cublasGetVersion_v2.HANDLE.invokeExact(handle, version);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasGetVersion_v2", t);
        }
    }

    private static final class cublasSetStream_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasSetStream_v2", DESC);
    }

    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        try {
            return (int) cublasSetStream_v2.HANDLE.invokeExact(handle, streamId);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasSetStream_v2", t);
        }
    }

    private static final class cublasSetWorkspace_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasSetWorkspace_v2", DESC);
    }

    public static int cublasSetWorkspace_v2(MemorySegment handle, MemorySegment workspace, long workspaceSizeInBytes) {
        try {
            return (int) cublasSetWorkspace_v2.HANDLE.invokeExact(handle, workspace, workspaceSizeInBytes);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasSetWorkspace_v2", t);
        }
    }

    private static final class cublasSetMathMode {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasSetMathMode", DESC);
    }

    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        try {
            return (int) cublasSetMathMode.HANDLE.invokeExact(handle, mode);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasSetMathMode", t);
        }
    }

    private static final class cublasGetStatusName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasGetStatusName", DESC);
    }

    public static MemorySegment cublasGetStatusName(int status) {
        try {
            return (MemorySegment) cublasGetStatusName.HANDLE.invokeExact(status);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasGetStatusName", t);
        }
    }

    private static final class cublasGetStatusString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasGetStatusString", DESC);
    }

    public static MemorySegment cublasGetStatusString(int status) {
        try {
            return (MemorySegment) cublasGetStatusString.HANDLE.invokeExact(status);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasGetStatusString", t);
        }
    }

    private static final class cublasGemmEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasGemmEx", DESC);
    }

    public static int cublasGemmEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, MemorySegment B, int Btype, int ldb, MemorySegment beta, MemorySegment C, int Ctype, int ldc, int computeType, int algo) {
        try {
            return (int) cublasGemmEx.HANDLE.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta, C, Ctype, ldc, computeType, algo);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasGemmEx", t);
        }
    }

    private static final class cublasGemmStridedBatchedEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_INT, C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLibrary.lookup(), LIBRARY, "cublasGemmStridedBatchedEx", DESC);
    }

    public static int cublasGemmStridedBatchedEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, long strideA, MemorySegment B, int Btype, int ldb, long strideB, MemorySegment beta, MemorySegment C, int Ctype, int ldc, long strideC, int batchCount, int computeType, int algo) {
        try {
            return (int) cublasGemmStridedBatchedEx.HANDLE.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasGemmStridedBatchedEx", t);
        }
    }

    // ---------------------------------------------------------------- constants (enum values and macros)

    public static int CUBLAS_STATUS_SUCCESS() { return 0; }
    public static int CUBLAS_STATUS_NOT_INITIALIZED() { return 1; }
    public static int CUBLAS_STATUS_ALLOC_FAILED() { return 3; }
    public static int CUBLAS_STATUS_INVALID_VALUE() { return 7; }
    public static int CUBLAS_STATUS_ARCH_MISMATCH() { return 8; }
    public static int CUBLAS_STATUS_MAPPING_ERROR() { return 11; }
    public static int CUBLAS_STATUS_EXECUTION_FAILED() { return 13; }
    public static int CUBLAS_STATUS_INTERNAL_ERROR() { return 14; }
    public static int CUBLAS_STATUS_NOT_SUPPORTED() { return 15; }
    public static int CUBLAS_STATUS_LICENSE_ERROR() { return 16; }
    public static int CUBLAS_OP_N() { return 0; }
    public static int CUBLAS_OP_T() { return 1; }
    public static int CUBLAS_OP_C() { return 2; }
    public static int CUBLAS_DEFAULT_MATH() { return 0; }
    public static int CUBLAS_PEDANTIC_MATH() { return 2; }
    public static int CUBLAS_TF32_TENSOR_OP_MATH() { return 3; }
    public static int CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION() { return 16; }
    public static int CUBLAS_COMPUTE_16F() { return 64; }
    public static int CUBLAS_COMPUTE_32F() { return 68; }
    public static int CUBLAS_COMPUTE_32F_PEDANTIC() { return 69; }
    public static int CUBLAS_COMPUTE_32F_FAST_16F() { return 74; }
    public static int CUBLAS_COMPUTE_32F_FAST_16BF() { return 75; }
    public static int CUBLAS_COMPUTE_32F_FAST_TF32() { return 77; }
    public static int CUBLAS_GEMM_DEFAULT() { return -1; }
    public static int CUBLAS_GEMM_DEFAULT_TENSOR_OP() { return 99; }
    public static int CUDA_R_32F() { return 0; }
    public static int CUDA_R_64F() { return 1; }
    public static int CUDA_R_16F() { return 2; }
    public static int CUDA_R_8I() { return 3; }
    public static int CUDA_R_32I() { return 10; }
    public static int CUDA_R_16BF() { return 14; }
}
