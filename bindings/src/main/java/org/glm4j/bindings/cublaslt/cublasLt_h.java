package org.glm4j.bindings.cublaslt;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.glm4j.bindings.Downcalls;

/**
 * cuBLASLt ({@code cublasLt.h} of cuBLAS 13) in jextract's form, limited to what glm4j calls: handle, matmul
 * descriptors and their attributes (transposes, the bias epilogue and its data type), matrix layouts, preferences,
 * heuristics and {@code cublasLtMatmul}. Nothing loads until {@link CublasLtLibrary#load()}.
 */
@SuppressWarnings({"unused", "restricted"})
public final class cublasLt_h {
    private cublasLt_h() {}

    static final String LIBRARY = "cuBLASLt";

    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "cublasLtCreate", "cublasLtDestroy", "cublasLtGetVersion", "cublasLtGetStatusName",
            "cublasLtGetStatusString", "cublasLtMatmulDescCreate", "cublasLtMatmulDescDestroy",
            "cublasLtMatmulDescSetAttribute", "cublasLtMatrixLayoutCreate", "cublasLtMatrixLayoutDestroy",
            "cublasLtMatrixLayoutSetAttribute", "cublasLtMatmulPreferenceCreate", "cublasLtMatmulPreferenceDestroy",
            "cublasLtMatmulPreferenceSetAttribute", "cublasLtMatmulAlgoGetHeuristic", "cublasLtMatmul");

    // ---------------------------------------------------------------- functions

    private static final class cublasLtCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtCreate", DESC);
    }

    public static int cublasLtCreate(MemorySegment lightHandle) {
        try {
            return (int) cublasLtCreate.HANDLE.invokeExact(lightHandle);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtCreate", t);
        }
    }

    private static final class cublasLtDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtDestroy", DESC);
    }

    public static int cublasLtDestroy(MemorySegment lightHandle) {
        try {
            return (int) cublasLtDestroy.HANDLE.invokeExact(lightHandle);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtDestroy", t);
        }
    }

    private static final class cublasLtGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtGetVersion", DESC);
    }

    public static long cublasLtGetVersion() {
        try {
            return (long) cublasLtGetVersion.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtGetVersion", t);
        }
    }

    private static final class cublasLtGetStatusName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtGetStatusName", DESC);
    }

    public static MemorySegment cublasLtGetStatusName(int status) {
        try {
            return (MemorySegment) cublasLtGetStatusName.HANDLE.invokeExact(status);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtGetStatusName", t);
        }
    }

    private static final class cublasLtGetStatusString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtGetStatusString", DESC);
    }

    public static MemorySegment cublasLtGetStatusString(int status) {
        try {
            return (MemorySegment) cublasLtGetStatusString.HANDLE.invokeExact(status);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtGetStatusString", t);
        }
    }

    private static final class cublasLtMatmulDescCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulDescCreate", DESC);
    }

    public static int cublasLtMatmulDescCreate(MemorySegment matmulDesc, int computeType, int scaleType) {
        try {
            return (int) cublasLtMatmulDescCreate.HANDLE.invokeExact(matmulDesc, computeType, scaleType);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulDescCreate", t);
        }
    }

    private static final class cublasLtMatmulDescDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulDescDestroy", DESC);
    }

    public static int cublasLtMatmulDescDestroy(MemorySegment matmulDesc) {
        try {
            return (int) cublasLtMatmulDescDestroy.HANDLE.invokeExact(matmulDesc);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulDescDestroy", t);
        }
    }

    private static final class cublasLtMatmulDescSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulDescSetAttribute", DESC);
    }

    public static int cublasLtMatmulDescSetAttribute(MemorySegment matmulDesc, int attr, MemorySegment buf, long sizeInBytes) {
        try {
            return (int) cublasLtMatmulDescSetAttribute.HANDLE.invokeExact(matmulDesc, attr, buf, sizeInBytes);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulDescSetAttribute", t);
        }
    }

    private static final class cublasLtMatrixLayoutCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatrixLayoutCreate", DESC);
    }

    public static int cublasLtMatrixLayoutCreate(MemorySegment matLayout, int type, long rows, long cols, long ld) {
        try {
            return (int) cublasLtMatrixLayoutCreate.HANDLE.invokeExact(matLayout, type, rows, cols, ld);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatrixLayoutCreate", t);
        }
    }

    private static final class cublasLtMatrixLayoutDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatrixLayoutDestroy", DESC);
    }

    public static int cublasLtMatrixLayoutDestroy(MemorySegment matLayout) {
        try {
            return (int) cublasLtMatrixLayoutDestroy.HANDLE.invokeExact(matLayout);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatrixLayoutDestroy", t);
        }
    }

    private static final class cublasLtMatrixLayoutSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatrixLayoutSetAttribute", DESC);
    }

    public static int cublasLtMatrixLayoutSetAttribute(MemorySegment matLayout, int attr, MemorySegment buf, long sizeInBytes) {
        try {
            return (int) cublasLtMatrixLayoutSetAttribute.HANDLE.invokeExact(matLayout, attr, buf, sizeInBytes);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatrixLayoutSetAttribute", t);
        }
    }

    private static final class cublasLtMatmulPreferenceCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulPreferenceCreate", DESC);
    }

    public static int cublasLtMatmulPreferenceCreate(MemorySegment pref) {
        try {
            return (int) cublasLtMatmulPreferenceCreate.HANDLE.invokeExact(pref);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulPreferenceCreate", t);
        }
    }

    private static final class cublasLtMatmulPreferenceDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulPreferenceDestroy", DESC);
    }

    public static int cublasLtMatmulPreferenceDestroy(MemorySegment pref) {
        try {
            return (int) cublasLtMatmulPreferenceDestroy.HANDLE.invokeExact(pref);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulPreferenceDestroy", t);
        }
    }

    private static final class cublasLtMatmulPreferenceSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulPreferenceSetAttribute", DESC);
    }

    public static int cublasLtMatmulPreferenceSetAttribute(MemorySegment pref, int attr, MemorySegment buf, long sizeInBytes) {
        try {
            return (int) cublasLtMatmulPreferenceSetAttribute.HANDLE.invokeExact(pref, attr, buf, sizeInBytes);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulPreferenceSetAttribute", t);
        }
    }

    private static final class cublasLtMatmulAlgoGetHeuristic {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmulAlgoGetHeuristic", DESC);
    }

    public static int cublasLtMatmulAlgoGetHeuristic(MemorySegment lightHandle, MemorySegment operationDesc, MemorySegment Adesc, MemorySegment Bdesc, MemorySegment Cdesc, MemorySegment Ddesc, MemorySegment preference, int requestedAlgoCount, MemorySegment heuristicResultsArray, MemorySegment returnAlgoCount) {
        try {
            return (int) cublasLtMatmulAlgoGetHeuristic.HANDLE.invokeExact(lightHandle, operationDesc, Adesc, Bdesc, Cdesc, Ddesc, preference, requestedAlgoCount, heuristicResultsArray, returnAlgoCount);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmulAlgoGetHeuristic", t);
        }
    }

    private static final class cublasLtMatmul {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CublasLtLibrary.lookup(), LIBRARY, "cublasLtMatmul", DESC);
    }

    public static int cublasLtMatmul(MemorySegment lightHandle, MemorySegment computeDesc, MemorySegment alpha, MemorySegment A, MemorySegment Adesc, MemorySegment B, MemorySegment Bdesc, MemorySegment beta, MemorySegment C, MemorySegment Cdesc, MemorySegment D, MemorySegment Ddesc, MemorySegment algo, MemorySegment workspace, long workspaceSizeInBytes, MemorySegment stream) {
        try {
            return (int) cublasLtMatmul.HANDLE.invokeExact(lightHandle, computeDesc, alpha, A, Adesc, B, Bdesc, beta, C, Cdesc, D, Ddesc, algo, workspace, workspaceSizeInBytes, stream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cublasLtMatmul", t);
        }
    }

    // ---------------------------------------------------------------- constants (enum values and macros)

    public static int CUBLAS_STATUS_SUCCESS() { return 0; }
    public static int CUBLAS_STATUS_NOT_SUPPORTED() { return 15; }
    public static int CUBLAS_OP_N() { return 0; }
    public static int CUBLAS_OP_T() { return 1; }
    public static int CUBLAS_COMPUTE_32F() { return 68; }
    public static int CUBLAS_COMPUTE_32F_FAST_TF32() { return 77; }
    public static int CUDA_R_32F() { return 0; }
    public static int CUDA_R_16F() { return 2; }
    public static int CUDA_R_16BF() { return 14; }
    public static int CUBLASLT_ORDER_COL() { return 0; }
    public static int CUBLASLT_ORDER_ROW() { return 1; }
    public static int CUBLASLT_MATRIX_LAYOUT_TYPE() { return 0; }
    public static int CUBLASLT_MATRIX_LAYOUT_ORDER() { return 1; }
    public static int CUBLASLT_MATRIX_LAYOUT_ROWS() { return 2; }
    public static int CUBLASLT_MATRIX_LAYOUT_COLS() { return 3; }
    public static int CUBLASLT_MATRIX_LAYOUT_LD() { return 4; }
    public static int CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT() { return 5; }
    public static int CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET() { return 6; }
    public static int CUBLASLT_MATMUL_DESC_COMPUTE_TYPE() { return 0; }
    public static int CUBLASLT_MATMUL_DESC_SCALE_TYPE() { return 1; }
    public static int CUBLASLT_MATMUL_DESC_POINTER_MODE() { return 2; }
    public static int CUBLASLT_MATMUL_DESC_TRANSA() { return 3; }
    public static int CUBLASLT_MATMUL_DESC_TRANSB() { return 4; }
    public static int CUBLASLT_MATMUL_DESC_EPILOGUE() { return 7; }
    public static int CUBLASLT_MATMUL_DESC_BIAS_POINTER() { return 8; }
    public static int CUBLASLT_MATMUL_DESC_BIAS_BATCH_STRIDE() { return 10; }
    public static int CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE() { return 26; }
    public static int CUBLASLT_EPILOGUE_DEFAULT() { return 1; }
    public static int CUBLASLT_EPILOGUE_RELU() { return 2; }
    public static int CUBLASLT_EPILOGUE_BIAS() { return 4; }
    public static int CUBLASLT_EPILOGUE_GELU() { return 32; }
    public static int CUBLASLT_EPILOGUE_GELU_BIAS() { return 36; }
    public static int CUBLASLT_MATMUL_PREF_SEARCH_MODE() { return 0; }
    public static int CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES() { return 1; }
    public static int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES() { return 5; }
    public static int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES() { return 6; }
    public static int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES() { return 7; }
    public static int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES() { return 8; }
    public static int CUBLASLT_POINTER_MODE_HOST() { return 0; }
    public static int CUBLASLT_POINTER_MODE_DEVICE() { return 1; }
}
