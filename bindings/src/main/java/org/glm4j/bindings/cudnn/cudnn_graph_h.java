package org.glm4j.bindings.cudnn;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import org.glm4j.bindings.Downcalls;

/**
 * The cuDNN 9 backend API ({@code cudnn_graph.h}) in jextract's form, limited to what glm4j calls: handle and
 * stream, descriptor create / set / get / finalize / destroy, execute, version and error strings, with the
 * descriptor types, attribute names and types, data types and heuristic modes it needs, including the fused SDPA
 * forward operation of cuDNN 9.13+ and its causal-mask subgraph (9.20+ / 9.21+, see {@link #SINCE_VERSION}). Nothing
 * loads until {@link CudnnLibrary#load()}.
 */
@SuppressWarnings({"unused", "restricted"})
public final class cudnn_graph_h {
    private cudnn_graph_h() {}

    static final String LIBRARY = "cuDNN";

    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /**
     * The constants newer than cuDNN 9.0 with the {@code CUDNN_VERSION} that introduced them (cuDNN 9.13 the fused
     * SDPA operation, 9.20 the diagonal band mask, 9.21 the SDPA score-modifier subgraph). Their values come from
     * those headers; a program must not use them with an older library (check {@link #cudnnGetVersion()}), and the
     * ABI test checks them only against headers at least that new.
     */
    public static final Map<String, Integer> SINCE_VERSION = Map.ofEntries(
            Map.entry("CUDNN_BACKEND_OPERATION_SDPA_FWD_DESCRIPTOR", 91300),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_QDESC", 91300),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_KDESC", 91300),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_VDESC", 91300),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_ODESC", 91300),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_STATSDESC", 91300),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_SCALEDESC", 91300),
            Map.entry("CUDNN_BACKEND_OPERATION_DIAGONAL_BAND_MASK_DESCRIPTOR", 92000),
            Map.entry("CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_XDESC", 92000),
            Map.entry("CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_BDESC", 92000),
            Map.entry("CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_YDESC", 92000),
            Map.entry("CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_COMPARISON_MODE", 92000),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH", 92100),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH_INPUT_UID", 92100),
            Map.entry("CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH_OUTPUT_UID", 92100));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "cudnnGetVersion", "cudnnGetCudartVersion", "cudnnGetErrorString", "cudnnGetLastErrorString",
            "cudnnCreate", "cudnnDestroy", "cudnnSetStream", "cudnnBackendCreateDescriptor",
            "cudnnBackendDestroyDescriptor", "cudnnBackendFinalize", "cudnnBackendSetAttribute",
            "cudnnBackendGetAttribute", "cudnnBackendExecute");

    // ---------------------------------------------------------------- functions

    private static final class cudnnGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnGetVersion", DESC);
    }

    public static long cudnnGetVersion() {
        try {
            return (long) cudnnGetVersion.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnGetVersion", t);
        }
    }

    private static final class cudnnGetCudartVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnGetCudartVersion", DESC);
    }

    public static long cudnnGetCudartVersion() {
        try {
            return (long) cudnnGetCudartVersion.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnGetCudartVersion", t);
        }
    }

    private static final class cudnnGetErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnGetErrorString", DESC);
    }

    public static MemorySegment cudnnGetErrorString(int status) {
        try {
            return (MemorySegment) cudnnGetErrorString.HANDLE.invokeExact(status);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnGetErrorString", t);
        }
    }

    private static final class cudnnGetLastErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnGetLastErrorString", DESC);
    }

    public static void cudnnGetLastErrorString(MemorySegment message, long max_size) {
        try {
            cudnnGetLastErrorString.HANDLE.invokeExact(message, max_size);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnGetLastErrorString", t);
        }
    }

    private static final class cudnnCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnCreate", DESC);
    }

    public static int cudnnCreate(MemorySegment handle) {
        try {
            return (int) cudnnCreate.HANDLE.invokeExact(handle);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnCreate", t);
        }
    }

    private static final class cudnnDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnDestroy", DESC);
    }

    public static int cudnnDestroy(MemorySegment handle) {
        try {
            return (int) cudnnDestroy.HANDLE.invokeExact(handle);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnDestroy", t);
        }
    }

    private static final class cudnnSetStream {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnSetStream", DESC);
    }

    public static int cudnnSetStream(MemorySegment handle, MemorySegment streamId) {
        try {
            return (int) cudnnSetStream.HANDLE.invokeExact(handle, streamId);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnSetStream", t);
        }
    }

    private static final class cudnnBackendCreateDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnBackendCreateDescriptor", DESC);
    }

    public static int cudnnBackendCreateDescriptor(int descriptorType, MemorySegment descriptor) {
        try {
            return (int) cudnnBackendCreateDescriptor.HANDLE.invokeExact(descriptorType, descriptor);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnBackendCreateDescriptor", t);
        }
    }

    private static final class cudnnBackendDestroyDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnBackendDestroyDescriptor", DESC);
    }

    public static int cudnnBackendDestroyDescriptor(MemorySegment descriptor) {
        try {
            return (int) cudnnBackendDestroyDescriptor.HANDLE.invokeExact(descriptor);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnBackendDestroyDescriptor", t);
        }
    }

    private static final class cudnnBackendFinalize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnBackendFinalize", DESC);
    }

    public static int cudnnBackendFinalize(MemorySegment descriptor) {
        try {
            return (int) cudnnBackendFinalize.HANDLE.invokeExact(descriptor);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnBackendFinalize", t);
        }
    }

    private static final class cudnnBackendSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnBackendSetAttribute", DESC);
    }

    public static int cudnnBackendSetAttribute(MemorySegment descriptor, int attributeName, int attributeType, long elementCount, MemorySegment arrayOfElements) {
        try {
            return (int) cudnnBackendSetAttribute.HANDLE.invokeExact(descriptor, attributeName, attributeType, elementCount, arrayOfElements);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnBackendSetAttribute", t);
        }
    }

    private static final class cudnnBackendGetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnBackendGetAttribute", DESC);
    }

    public static int cudnnBackendGetAttribute(MemorySegment descriptor, int attributeName, int attributeType, long requestedElementCount, MemorySegment elementCount, MemorySegment arrayOfElements) {
        try {
            return (int) cudnnBackendGetAttribute.HANDLE.invokeExact(descriptor, attributeName, attributeType, requestedElementCount, elementCount, arrayOfElements);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnBackendGetAttribute", t);
        }
    }

    private static final class cudnnBackendExecute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudnnLibrary.lookup(), LIBRARY, "cudnnBackendExecute", DESC);
    }

    public static int cudnnBackendExecute(MemorySegment handle, MemorySegment executionPlan, MemorySegment variantPack) {
        try {
            return (int) cudnnBackendExecute.HANDLE.invokeExact(handle, executionPlan, variantPack);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cudnnBackendExecute", t);
        }
    }

    // ---------------------------------------------------------------- constants (enum values and macros)

    public static int CUDNN_STATUS_SUCCESS() { return 0; }
    public static int CUDNN_STATUS_NOT_INITIALIZED() { return 1001; }
    public static int CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH() { return 1002; }
    public static int CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED() { return 1008; }
    public static int CUDNN_STATUS_BAD_PARAM() { return 2000; }
    public static int CUDNN_STATUS_NOT_SUPPORTED() { return 3000; }
    public static int CUDNN_STATUS_INTERNAL_ERROR() { return 4000; }
    public static int CUDNN_STATUS_EXECUTION_FAILED() { return 5000; }
    public static int CUDNN_DATA_FLOAT() { return 0; }
    public static int CUDNN_DATA_DOUBLE() { return 1; }
    public static int CUDNN_DATA_HALF() { return 2; }
    public static int CUDNN_DATA_INT8() { return 3; }
    public static int CUDNN_DATA_INT32() { return 4; }
    public static int CUDNN_DATA_BFLOAT16() { return 9; }
    public static int CUDNN_DATA_INT64() { return 10; }
    public static int CUDNN_DATA_BOOLEAN() { return 11; }
    public static int CUDNN_BACKEND_POINTWISE_DESCRIPTOR() { return 0; }
    public static int CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR() { return 1; }
    public static int CUDNN_BACKEND_ENGINE_DESCRIPTOR() { return 2; }
    public static int CUDNN_BACKEND_ENGINECFG_DESCRIPTOR() { return 3; }
    public static int CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR() { return 4; }
    public static int CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR() { return 5; }
    public static int CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR() { return 10; }
    public static int CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR() { return 13; }
    public static int CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR() { return 15; }
    public static int CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR() { return 16; }
    public static int CUDNN_BACKEND_TENSOR_DESCRIPTOR() { return 17; }
    public static int CUDNN_BACKEND_MATMUL_DESCRIPTOR() { return 18; }
    public static int CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR() { return 19; }
    public static int CUDNN_TYPE_HANDLE() { return 0; }
    public static int CUDNN_TYPE_DATA_TYPE() { return 1; }
    public static int CUDNN_TYPE_BOOLEAN() { return 2; }
    public static int CUDNN_TYPE_INT64() { return 3; }
    public static int CUDNN_TYPE_FLOAT() { return 4; }
    public static int CUDNN_TYPE_DOUBLE() { return 5; }
    public static int CUDNN_TYPE_VOID_PTR() { return 6; }
    public static int CUDNN_TYPE_CONVOLUTION_MODE() { return 7; }
    public static int CUDNN_TYPE_HEUR_MODE() { return 8; }
    public static int CUDNN_TYPE_POINTWISE_MODE() { return 14; }
    public static int CUDNN_TYPE_BACKEND_DESCRIPTOR() { return 15; }
    public static int CUDNN_HEUR_MODE_INSTANT() { return 0; }
    public static int CUDNN_HEUR_MODE_B() { return 1; }
    public static int CUDNN_HEUR_MODE_FALLBACK() { return 2; }
    public static int CUDNN_HEUR_MODE_A() { return 3; }
    public static int CUDNN_CONVOLUTION() { return 0; }
    public static int CUDNN_CROSS_CORRELATION() { return 1; }
    public static int CUDNN_ATTR_POINTWISE_MODE() { return 0; }
    public static int CUDNN_ATTR_POINTWISE_MATH_PREC() { return 1; }
    public static int CUDNN_ATTR_CONVOLUTION_COMP_TYPE() { return 100; }
    public static int CUDNN_ATTR_CONVOLUTION_CONV_MODE() { return 101; }
    public static int CUDNN_ATTR_CONVOLUTION_DILATIONS() { return 102; }
    public static int CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES() { return 103; }
    public static int CUDNN_ATTR_CONVOLUTION_POST_PADDINGS() { return 104; }
    public static int CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS() { return 105; }
    public static int CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS() { return 106; }
    public static int CUDNN_ATTR_ENGINEHEUR_MODE() { return 200; }
    public static int CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH() { return 201; }
    public static int CUDNN_ATTR_ENGINEHEUR_RESULTS() { return 202; }
    public static int CUDNN_ATTR_ENGINECFG_ENGINE() { return 300; }
    public static int CUDNN_ATTR_ENGINECFG_KNOB_CHOICES() { return 302; }
    public static int CUDNN_ATTR_EXECUTION_PLAN_HANDLE() { return 400; }
    public static int CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG() { return 401; }
    public static int CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE() { return 402; }
    public static int CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA() { return 700; }
    public static int CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA() { return 701; }
    public static int CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC() { return 702; }
    public static int CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W() { return 703; }
    public static int CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X() { return 704; }
    public static int CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y() { return 705; }
    public static int CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR() { return 750; }
    public static int CUDNN_ATTR_OPERATION_POINTWISE_XDESC() { return 751; }
    public static int CUDNN_ATTR_OPERATION_POINTWISE_BDESC() { return 752; }
    public static int CUDNN_ATTR_OPERATION_POINTWISE_YDESC() { return 753; }
    public static int CUDNN_ATTR_OPERATIONGRAPH_HANDLE() { return 800; }
    public static int CUDNN_ATTR_OPERATIONGRAPH_OPS() { return 801; }
    public static int CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT() { return 802; }
    public static int CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT() { return 900; }
    public static int CUDNN_ATTR_TENSOR_DATA_TYPE() { return 901; }
    public static int CUDNN_ATTR_TENSOR_DIMENSIONS() { return 902; }
    public static int CUDNN_ATTR_TENSOR_STRIDES() { return 903; }
    public static int CUDNN_ATTR_TENSOR_UNIQUE_ID() { return 906; }
    public static int CUDNN_ATTR_TENSOR_IS_VIRTUAL() { return 907; }
    public static int CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS() { return 1000; }
    public static int CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS() { return 1001; }
    public static int CUDNN_ATTR_VARIANT_PACK_WORKSPACE() { return 1003; }
    public static int CUDNN_ATTR_ENGINE_OPERATION_GRAPH() { return 1300; }
    public static int CUDNN_ATTR_ENGINE_GLOBAL_INDEX() { return 1301; }
    public static int CUDNN_ATTR_MATMUL_COMP_TYPE() { return 1500; }
    public static int CUDNN_ATTR_OPERATION_MATMUL_ADESC() { return 1520; }
    public static int CUDNN_ATTR_OPERATION_MATMUL_BDESC() { return 1521; }
    public static int CUDNN_ATTR_OPERATION_MATMUL_CDESC() { return 1522; }
    public static int CUDNN_ATTR_OPERATION_MATMUL_DESC() { return 1523; }
    public static int CUDNN_ATTR_TENSOR_IS_BY_VALUE() { return 908; }
    public static int CUDNN_POINTWISE_CMP_GE() { return 303; }
    public static int CUDNN_BACKEND_OPERATION_SDPA_FWD_DESCRIPTOR() { return 41; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_QDESC() { return 2800; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_KDESC() { return 2801; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_VDESC() { return 2802; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_ODESC() { return 2803; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_STATSDESC() { return 2804; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_SCALEDESC() { return 2805; }
    public static int CUDNN_BACKEND_OPERATION_DIAGONAL_BAND_MASK_DESCRIPTOR() { return 44; }
    public static int CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_XDESC() { return 3000; }
    public static int CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_BDESC() { return 3005; }
    public static int CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_YDESC() { return 3006; }
    public static int CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_COMPARISON_MODE() { return 3007; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH() { return 2811; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH_INPUT_UID() { return 2812; }
    public static int CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH_OUTPUT_UID() { return 2813; }
}
