package org.glm4j.bindings.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.glm4j.bindings.Downcalls;

/**
 * The CUDA driver API ({@code cuda.h} of CUDA 13.0) in jextract's form, limited to what glm4j calls: init, devices
 * and their attributes, the primary context, memory (including stream-ordered pools), copies, streams, events,
 * module loading from an in-memory image, kernel launch, and graph capture, instantiation and launch. Versioned
 * entry points carry the names the header's macros map to ({@code cuMemAlloc_v2}, …). The runtime API is not used.
 *
 * <p>Nothing loads until {@link CudaDriverLibrary#load()}; each function resolves on first call. Device pointers
 * ({@code CUdeviceptr}) are {@code long}; handles are {@code MemorySegment} addresses.
 */
@SuppressWarnings({"unused", "restricted"})
public final class cuda_h {
    private cuda_h() {}

    static final String LIBRARY = "CUDA driver";

    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "cuInit", "cuDriverGetVersion", "cuGetErrorName", "cuGetErrorString", "cuDeviceGetCount", "cuDeviceGet",
            "cuDeviceGetName", "cuDeviceGetAttribute", "cuDeviceTotalMem_v2", "cuDevicePrimaryCtxRetain",
            "cuDevicePrimaryCtxRelease_v2", "cuCtxSetCurrent", "cuCtxGetCurrent", "cuCtxGetDevice",
            "cuCtxSynchronize", "cuMemGetInfo_v2", "cuMemAlloc_v2", "cuMemFree_v2", "cuMemAllocAsync",
            "cuMemFreeAsync", "cuDeviceGetDefaultMemPool", "cuMemPoolSetAttribute", "cuMemPoolTrimTo",
            "cuMemHostRegister_v2", "cuMemHostUnregister", "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2", "cuMemcpyDtoD_v2",
            "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2", "cuMemcpyDtoDAsync_v2", "cuMemcpy2DAsync_v2", "cuMemsetD8_v2",
            "cuMemsetD8Async", "cuMemsetD32Async", "cuStreamCreate", "cuStreamDestroy_v2", "cuStreamSynchronize",
            "cuStreamWaitEvent", "cuEventCreate", "cuEventDestroy_v2", "cuEventRecord", "cuEventSynchronize",
            "cuEventElapsedTime_v2", "cuModuleLoadData", "cuModuleLoadDataEx", "cuModuleUnload",
            "cuModuleGetFunction", "cuFuncSetAttribute", "cuLaunchKernel", "cuStreamBeginCapture_v2",
            "cuStreamEndCapture", "cuGraphInstantiateWithFlags", "cuGraphLaunch", "cuGraphExecUpdate_v2",
            "cuGraphExecDestroy", "cuGraphDestroy");

    // ---------------------------------------------------------------- functions

    private static final class cuInit {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuInit", DESC);
    }

    public static int cuInit(int Flags) {
        try {
            return (int) cuInit.HANDLE.invokeExact(Flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuInit", t);
        }
    }

    private static final class cuDriverGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDriverGetVersion", DESC);
    }

    public static int cuDriverGetVersion(MemorySegment driverVersion) {
        try {
            return (int) cuDriverGetVersion.HANDLE.invokeExact(driverVersion);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDriverGetVersion", t);
        }
    }

    private static final class cuGetErrorName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGetErrorName", DESC);
    }

    public static int cuGetErrorName(int error, MemorySegment pStr) {
        try {
            return (int) cuGetErrorName.HANDLE.invokeExact(error, pStr);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGetErrorName", t);
        }
    }

    private static final class cuGetErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGetErrorString", DESC);
    }

    public static int cuGetErrorString(int error, MemorySegment pStr) {
        try {
            return (int) cuGetErrorString.HANDLE.invokeExact(error, pStr);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGetErrorString", t);
        }
    }

    private static final class cuDeviceGetCount {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDeviceGetCount", DESC);
    }

    public static int cuDeviceGetCount(MemorySegment count) {
        try {
            return (int) cuDeviceGetCount.HANDLE.invokeExact(count);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDeviceGetCount", t);
        }
    }

    private static final class cuDeviceGet {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDeviceGet", DESC);
    }

    public static int cuDeviceGet(MemorySegment device, int ordinal) {
        try {
            return (int) cuDeviceGet.HANDLE.invokeExact(device, ordinal);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDeviceGet", t);
        }
    }

    private static final class cuDeviceGetName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDeviceGetName", DESC);
    }

    public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
        try {
            return (int) cuDeviceGetName.HANDLE.invokeExact(name, len, dev);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDeviceGetName", t);
        }
    }

    private static final class cuDeviceGetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDeviceGetAttribute", DESC);
    }

    public static int cuDeviceGetAttribute(MemorySegment pi, int attrib, int dev) {
        try {
            return (int) cuDeviceGetAttribute.HANDLE.invokeExact(pi, attrib, dev);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDeviceGetAttribute", t);
        }
    }

    private static final class cuDeviceTotalMem_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDeviceTotalMem_v2", DESC);
    }

    public static int cuDeviceTotalMem_v2(MemorySegment bytes, int dev) {
        try {
            return (int) cuDeviceTotalMem_v2.HANDLE.invokeExact(bytes, dev);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDeviceTotalMem_v2", t);
        }
    }

    private static final class cuDevicePrimaryCtxRetain {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDevicePrimaryCtxRetain", DESC);
    }

    public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
        try {
            return (int) cuDevicePrimaryCtxRetain.HANDLE.invokeExact(pctx, dev);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDevicePrimaryCtxRetain", t);
        }
    }

    private static final class cuDevicePrimaryCtxRelease_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDevicePrimaryCtxRelease_v2", DESC);
    }

    public static int cuDevicePrimaryCtxRelease_v2(int dev) {
        try {
            return (int) cuDevicePrimaryCtxRelease_v2.HANDLE.invokeExact(dev);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDevicePrimaryCtxRelease_v2", t);
        }
    }

    private static final class cuCtxSetCurrent {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuCtxSetCurrent", DESC);
    }

    public static int cuCtxSetCurrent(MemorySegment ctx) {
        try {
            return (int) cuCtxSetCurrent.HANDLE.invokeExact(ctx);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuCtxSetCurrent", t);
        }
    }

    private static final class cuCtxGetCurrent {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuCtxGetCurrent", DESC);
    }

    public static int cuCtxGetCurrent(MemorySegment pctx) {
        try {
            return (int) cuCtxGetCurrent.HANDLE.invokeExact(pctx);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuCtxGetCurrent", t);
        }
    }

    private static final class cuCtxGetDevice {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuCtxGetDevice", DESC);
    }

    public static int cuCtxGetDevice(MemorySegment device) {
        try {
            return (int) cuCtxGetDevice.HANDLE.invokeExact(device);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuCtxGetDevice", t);
        }
    }

    private static final class cuCtxSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuCtxSynchronize", DESC);
    }

    public static int cuCtxSynchronize() {
        try {
            return (int) cuCtxSynchronize.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuCtxSynchronize", t);
        }
    }

    private static final class cuMemGetInfo_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemGetInfo_v2", DESC);
    }

    public static int cuMemGetInfo_v2(MemorySegment free, MemorySegment total) {
        try {
            return (int) cuMemGetInfo_v2.HANDLE.invokeExact(free, total);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemGetInfo_v2", t);
        }
    }

    private static final class cuMemAlloc_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemAlloc_v2", DESC);
    }

    public static int cuMemAlloc_v2(MemorySegment dptr, long bytesize) {
        try {
            return (int) cuMemAlloc_v2.HANDLE.invokeExact(dptr, bytesize);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemAlloc_v2", t);
        }
    }

    private static final class cuMemFree_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemFree_v2", DESC);
    }

    public static int cuMemFree_v2(long dptr) {
        try {
            return (int) cuMemFree_v2.HANDLE.invokeExact(dptr);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemFree_v2", t);
        }
    }

    private static final class cuMemAllocAsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemAllocAsync", DESC);
    }

    public static int cuMemAllocAsync(MemorySegment dptr, long bytesize, MemorySegment hStream) {
        try {
            return (int) cuMemAllocAsync.HANDLE.invokeExact(dptr, bytesize, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemAllocAsync", t);
        }
    }

    private static final class cuMemFreeAsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemFreeAsync", DESC);
    }

    public static int cuMemFreeAsync(long dptr, MemorySegment hStream) {
        try {
            return (int) cuMemFreeAsync.HANDLE.invokeExact(dptr, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemFreeAsync", t);
        }
    }

    private static final class cuDeviceGetDefaultMemPool {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuDeviceGetDefaultMemPool", DESC);
    }

    public static int cuDeviceGetDefaultMemPool(MemorySegment pool_out, int dev) {
        try {
            return (int) cuDeviceGetDefaultMemPool.HANDLE.invokeExact(pool_out, dev);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuDeviceGetDefaultMemPool", t);
        }
    }

    private static final class cuMemPoolSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemPoolSetAttribute", DESC);
    }

    public static int cuMemPoolSetAttribute(MemorySegment pool, int attr, MemorySegment value) {
        try {
            return (int) cuMemPoolSetAttribute.HANDLE.invokeExact(pool, attr, value);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemPoolSetAttribute", t);
        }
    }

    private static final class cuMemPoolTrimTo {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemPoolTrimTo", DESC);
    }

    public static int cuMemPoolTrimTo(MemorySegment pool, long minBytesToKeep) {
        try {
            return (int) cuMemPoolTrimTo.HANDLE.invokeExact(pool, minBytesToKeep);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemPoolTrimTo", t);
        }
    }

    private static final class cuMemHostRegister_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemHostRegister_v2", DESC);
    }

    public static int cuMemHostRegister_v2(MemorySegment p, long bytesize, int Flags) {
        try {
            return (int) cuMemHostRegister_v2.HANDLE.invokeExact(p, bytesize, Flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemHostRegister_v2", t);
        }
    }

    private static final class cuMemHostUnregister {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemHostUnregister", DESC);
    }

    public static int cuMemHostUnregister(MemorySegment p) {
        try {
            return (int) cuMemHostUnregister.HANDLE.invokeExact(p);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemHostUnregister", t);
        }
    }

    private static final class cuMemcpyHtoD_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpyHtoD_v2", DESC);
    }

    public static int cuMemcpyHtoD_v2(long dstDevice, MemorySegment srcHost, long ByteCount) {
        try {
            return (int) cuMemcpyHtoD_v2.HANDLE.invokeExact(dstDevice, srcHost, ByteCount);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpyHtoD_v2", t);
        }
    }

    private static final class cuMemcpyDtoH_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpyDtoH_v2", DESC);
    }

    public static int cuMemcpyDtoH_v2(MemorySegment dstHost, long srcDevice, long ByteCount) {
        try {
            return (int) cuMemcpyDtoH_v2.HANDLE.invokeExact(dstHost, srcDevice, ByteCount);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpyDtoH_v2", t);
        }
    }

    private static final class cuMemcpyDtoD_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpyDtoD_v2", DESC);
    }

    public static int cuMemcpyDtoD_v2(long dstDevice, long srcDevice, long ByteCount) {
        try {
            return (int) cuMemcpyDtoD_v2.HANDLE.invokeExact(dstDevice, srcDevice, ByteCount);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpyDtoD_v2", t);
        }
    }

    private static final class cuMemcpyHtoDAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpyHtoDAsync_v2", DESC);
    }

    public static int cuMemcpyHtoDAsync_v2(long dstDevice, MemorySegment srcHost, long ByteCount, MemorySegment hStream) {
        try {
            return (int) cuMemcpyHtoDAsync_v2.HANDLE.invokeExact(dstDevice, srcHost, ByteCount, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpyHtoDAsync_v2", t);
        }
    }

    private static final class cuMemcpyDtoHAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpyDtoHAsync_v2", DESC);
    }

    public static int cuMemcpyDtoHAsync_v2(MemorySegment dstHost, long srcDevice, long ByteCount, MemorySegment hStream) {
        try {
            return (int) cuMemcpyDtoHAsync_v2.HANDLE.invokeExact(dstHost, srcDevice, ByteCount, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpyDtoHAsync_v2", t);
        }
    }

    private static final class cuMemcpyDtoDAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpyDtoDAsync_v2", DESC);
    }

    public static int cuMemcpyDtoDAsync_v2(long dstDevice, long srcDevice, long ByteCount, MemorySegment hStream) {
        try {
            return (int) cuMemcpyDtoDAsync_v2.HANDLE.invokeExact(dstDevice, srcDevice, ByteCount, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpyDtoDAsync_v2", t);
        }
    }

    private static final class cuMemcpy2DAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemcpy2DAsync_v2", DESC);
    }

    /** {@code pCopy} is a {@link CUDA_MEMCPY2D}. */
    public static int cuMemcpy2DAsync_v2(MemorySegment pCopy, MemorySegment hStream) {
        try {
            return (int) cuMemcpy2DAsync_v2.HANDLE.invokeExact(pCopy, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemcpy2DAsync_v2", t);
        }
    }

    private static final class cuMemsetD8_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_CHAR, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemsetD8_v2", DESC);
    }

    public static int cuMemsetD8_v2(long dstDevice, byte uc, long N) {
        try {
            return (int) cuMemsetD8_v2.HANDLE.invokeExact(dstDevice, uc, N);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemsetD8_v2", t);
        }
    }

    private static final class cuMemsetD8Async {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_CHAR, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemsetD8Async", DESC);
    }

    public static int cuMemsetD8Async(long dstDevice, byte uc, long N, MemorySegment hStream) {
        try {
            return (int) cuMemsetD8Async.HANDLE.invokeExact(dstDevice, uc, N, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemsetD8Async", t);
        }
    }

    private static final class cuMemsetD32Async {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_INT, C_LONG_LONG, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuMemsetD32Async", DESC);
    }

    public static int cuMemsetD32Async(long dstDevice, int ui, long N, MemorySegment hStream) {
        try {
            return (int) cuMemsetD32Async.HANDLE.invokeExact(dstDevice, ui, N, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuMemsetD32Async", t);
        }
    }

    private static final class cuStreamCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuStreamCreate", DESC);
    }

    public static int cuStreamCreate(MemorySegment phStream, int Flags) {
        try {
            return (int) cuStreamCreate.HANDLE.invokeExact(phStream, Flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuStreamCreate", t);
        }
    }

    private static final class cuStreamDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuStreamDestroy_v2", DESC);
    }

    public static int cuStreamDestroy_v2(MemorySegment hStream) {
        try {
            return (int) cuStreamDestroy_v2.HANDLE.invokeExact(hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuStreamDestroy_v2", t);
        }
    }

    private static final class cuStreamSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuStreamSynchronize", DESC);
    }

    public static int cuStreamSynchronize(MemorySegment hStream) {
        try {
            return (int) cuStreamSynchronize.HANDLE.invokeExact(hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuStreamSynchronize", t);
        }
    }

    private static final class cuStreamWaitEvent {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuStreamWaitEvent", DESC);
    }

    public static int cuStreamWaitEvent(MemorySegment hStream, MemorySegment hEvent, int Flags) {
        try {
            return (int) cuStreamWaitEvent.HANDLE.invokeExact(hStream, hEvent, Flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuStreamWaitEvent", t);
        }
    }

    private static final class cuEventCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuEventCreate", DESC);
    }

    public static int cuEventCreate(MemorySegment phEvent, int Flags) {
        try {
            return (int) cuEventCreate.HANDLE.invokeExact(phEvent, Flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuEventCreate", t);
        }
    }

    private static final class cuEventDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuEventDestroy_v2", DESC);
    }

    public static int cuEventDestroy_v2(MemorySegment hEvent) {
        try {
            return (int) cuEventDestroy_v2.HANDLE.invokeExact(hEvent);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuEventDestroy_v2", t);
        }
    }

    private static final class cuEventRecord {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuEventRecord", DESC);
    }

    public static int cuEventRecord(MemorySegment hEvent, MemorySegment hStream) {
        try {
            return (int) cuEventRecord.HANDLE.invokeExact(hEvent, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuEventRecord", t);
        }
    }

    private static final class cuEventSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuEventSynchronize", DESC);
    }

    public static int cuEventSynchronize(MemorySegment hEvent) {
        try {
            return (int) cuEventSynchronize.HANDLE.invokeExact(hEvent);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuEventSynchronize", t);
        }
    }

    private static final class cuEventElapsedTime_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuEventElapsedTime_v2", DESC);
    }

    public static int cuEventElapsedTime_v2(MemorySegment pMilliseconds, MemorySegment hStart, MemorySegment hEnd) {
        try {
            return (int) cuEventElapsedTime_v2.HANDLE.invokeExact(pMilliseconds, hStart, hEnd);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuEventElapsedTime_v2", t);
        }
    }

    private static final class cuModuleLoadData {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuModuleLoadData", DESC);
    }

    public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        try {
            return (int) cuModuleLoadData.HANDLE.invokeExact(module, image);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuModuleLoadData", t);
        }
    }

    private static final class cuModuleLoadDataEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuModuleLoadDataEx", DESC);
    }

    public static int cuModuleLoadDataEx(MemorySegment module, MemorySegment image, int numOptions, MemorySegment options, MemorySegment optionValues) {
        try {
            return (int) cuModuleLoadDataEx.HANDLE.invokeExact(module, image, numOptions, options, optionValues);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuModuleLoadDataEx", t);
        }
    }

    private static final class cuModuleUnload {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuModuleUnload", DESC);
    }

    public static int cuModuleUnload(MemorySegment hmod) {
        try {
            return (int) cuModuleUnload.HANDLE.invokeExact(hmod);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuModuleUnload", t);
        }
    }

    private static final class cuModuleGetFunction {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuModuleGetFunction", DESC);
    }

    public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod, MemorySegment name) {
        try {
            return (int) cuModuleGetFunction.HANDLE.invokeExact(hfunc, hmod, name);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuModuleGetFunction", t);
        }
    }

    private static final class cuFuncSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuFuncSetAttribute", DESC);
    }

    public static int cuFuncSetAttribute(MemorySegment hfunc, int attrib, int value) {
        try {
            return (int) cuFuncSetAttribute.HANDLE.invokeExact(hfunc, attrib, value);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuFuncSetAttribute", t);
        }
    }

    private static final class cuLaunchKernel {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuLaunchKernel", DESC);
    }

    public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
        try {
            return (int) cuLaunchKernel.HANDLE.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuLaunchKernel", t);
        }
    }

    private static final class cuStreamBeginCapture_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuStreamBeginCapture_v2", DESC);
    }

    public static int cuStreamBeginCapture_v2(MemorySegment hStream, int mode) {
        try {
            return (int) cuStreamBeginCapture_v2.HANDLE.invokeExact(hStream, mode);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuStreamBeginCapture_v2", t);
        }
    }

    private static final class cuStreamEndCapture {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuStreamEndCapture", DESC);
    }

    public static int cuStreamEndCapture(MemorySegment hStream, MemorySegment phGraph) {
        try {
            return (int) cuStreamEndCapture.HANDLE.invokeExact(hStream, phGraph);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuStreamEndCapture", t);
        }
    }

    private static final class cuGraphInstantiateWithFlags {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG_LONG);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGraphInstantiateWithFlags", DESC);
    }

    public static int cuGraphInstantiateWithFlags(MemorySegment phGraphExec, MemorySegment hGraph, long flags) {
        try {
            return (int) cuGraphInstantiateWithFlags.HANDLE.invokeExact(phGraphExec, hGraph, flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGraphInstantiateWithFlags", t);
        }
    }

    private static final class cuGraphLaunch {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGraphLaunch", DESC);
    }

    public static int cuGraphLaunch(MemorySegment hGraphExec, MemorySegment hStream) {
        try {
            return (int) cuGraphLaunch.HANDLE.invokeExact(hGraphExec, hStream);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGraphLaunch", t);
        }
    }

    private static final class cuGraphExecUpdate_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGraphExecUpdate_v2", DESC);
    }

    public static int cuGraphExecUpdate_v2(MemorySegment hGraphExec, MemorySegment hGraph, MemorySegment resultInfo) {
        try {
            return (int) cuGraphExecUpdate_v2.HANDLE.invokeExact(hGraphExec, hGraph, resultInfo);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGraphExecUpdate_v2", t);
        }
    }

    private static final class cuGraphExecDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGraphExecDestroy", DESC);
    }

    public static int cuGraphExecDestroy(MemorySegment hGraphExec) {
        try {
            return (int) cuGraphExecDestroy.HANDLE.invokeExact(hGraphExec);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGraphExecDestroy", t);
        }
    }

    private static final class cuGraphDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(CudaDriverLibrary.lookup(), LIBRARY, "cuGraphDestroy", DESC);
    }

    public static int cuGraphDestroy(MemorySegment hGraph) {
        try {
            return (int) cuGraphDestroy.HANDLE.invokeExact(hGraph);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("cuGraphDestroy", t);
        }
    }

    // ---------------------------------------------------------------- constants (enum values and macros)

    public static int CUDA_VERSION() { return 13000; }
    public static int CUDA_SUCCESS() { return 0; }
    public static int CUDA_ERROR_INVALID_VALUE() { return 1; }
    public static int CUDA_ERROR_OUT_OF_MEMORY() { return 2; }
    public static int CUDA_ERROR_NOT_INITIALIZED() { return 3; }
    public static int CUDA_ERROR_DEINITIALIZED() { return 4; }
    public static int CUDA_ERROR_STUB_LIBRARY() { return 34; }
    public static int CUDA_ERROR_NO_DEVICE() { return 100; }
    public static int CUDA_ERROR_INVALID_DEVICE() { return 101; }
    public static int CUDA_ERROR_INVALID_IMAGE() { return 200; }
    public static int CUDA_ERROR_INVALID_CONTEXT() { return 201; }
    public static int CUDA_ERROR_NO_BINARY_FOR_GPU() { return 209; }
    public static int CUDA_ERROR_UNSUPPORTED_PTX_VERSION() { return 222; }
    public static int CUDA_ERROR_INVALID_HANDLE() { return 400; }
    public static int CUDA_ERROR_NOT_FOUND() { return 500; }
    public static int CUDA_ERROR_NOT_READY() { return 600; }
    public static int CUDA_ERROR_ILLEGAL_ADDRESS() { return 700; }
    public static int CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES() { return 701; }
    public static int CUDA_ERROR_LAUNCH_FAILED() { return 719; }
    public static int CUDA_ERROR_SYSTEM_DRIVER_MISMATCH() { return 803; }
    public static int CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE() { return 804; }
    public static int CUDA_ERROR_STREAM_CAPTURE_INVALIDATED() { return 901; }
    public static int CUDA_ERROR_UNKNOWN() { return 999; }
    public static int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK() { return 1; }
    public static int CU_DEVICE_ATTRIBUTE_WARP_SIZE() { return 10; }
    public static int CU_DEVICE_ATTRIBUTE_CLOCK_RATE() { return 13; }
    public static int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT() { return 16; }
    public static int CU_DEVICE_ATTRIBUTE_INTEGRATED() { return 18; }
    public static int CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE() { return 36; }
    public static int CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH() { return 37; }
    public static int CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE() { return 38; }
    public static int CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING() { return 41; }
    public static int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR() { return 75; }
    public static int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR() { return 76; }
    public static int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR() { return 81; }
    public static int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN() { return 97; }
    public static int CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED() { return 115; }
    public static int CU_MEMPOOL_ATTR_RELEASE_THRESHOLD() { return 4; }
    public static int CU_MEMHOSTREGISTER_PORTABLE() { return 1; }
    public static int CU_MEMORYTYPE_HOST() { return 1; }
    public static int CU_MEMORYTYPE_DEVICE() { return 2; }
    public static int CU_STREAM_DEFAULT() { return 0; }
    public static int CU_STREAM_NON_BLOCKING() { return 1; }
    public static int CU_EVENT_DEFAULT() { return 0; }
    public static int CU_EVENT_DISABLE_TIMING() { return 2; }
    public static int CU_JIT_INFO_LOG_BUFFER() { return 3; }
    public static int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES() { return 4; }
    public static int CU_JIT_ERROR_LOG_BUFFER() { return 5; }
    public static int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES() { return 6; }
    public static int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES() { return 8; }
    public static int CU_STREAM_CAPTURE_MODE_GLOBAL() { return 0; }
    public static int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL() { return 1; }
    public static int CU_STREAM_CAPTURE_MODE_RELAXED() { return 2; }
    public static int CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH() { return 1; }
    public static int CU_GRAPH_EXEC_UPDATE_SUCCESS() { return 0; }
    public static int CU_GRAPH_EXEC_UPDATE_ERROR() { return 1; }
}
