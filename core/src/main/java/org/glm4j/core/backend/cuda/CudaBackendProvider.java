package org.glm4j.core.backend.cuda;

import static org.glm4j.bindings.cuda.cuda_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.cublaslt.CublasLtLibrary;
import org.glm4j.bindings.cuda.CudaDriverLibrary;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.NativeException;

/**
 * Registers {@link CudaBackend}, the most preferred backend. It opens only when the CUDA driver loads, a device of
 * compute capability 8.0 or newer is visible, cuBLASLt loads, and the kernels were built; otherwise
 * {@link BackendUnavailableException} says which of these is missing, in one line. The device is
 * {@value CudaBackend#DEVICE_PROPERTY} (default 0) among those {@code CUDA_VISIBLE_DEVICES} leaves visible.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Oldest compute capability accepted (Ampere: bf16 tensor cores, the kernels' sm_80 floor). */
    public static final int MIN_CC = 80;

    /** The provider {@link java.util.ServiceLoader} instantiates; nothing loads until {@link #open()}. */
    public CudaBackendProvider() {}

    @Override public String name() { return CudaBackend.NAME; }

    @Override public int preference() { return 20; }

    @Override public Backend open() {
        try {
            return openOrThrow();
        } catch (LibraryUnavailableException e) {
            throw unavailable(e.getMessage(), e);
        } catch (LinkageError e) {
            throw unavailable("the CUDA libraries could not be linked: " + e, e);
        }
    }

    private static BackendUnavailableException unavailable(String reason, Throwable cause) {
        return new BackendUnavailableException(CudaBackend.NAME, reason, cause);
    }

    /** The configured device index. */
    static int deviceIndex() {
        String v = System.getProperty(CudaBackend.DEVICE_PROPERTY, "0").trim();
        try {
            int i = Integer.parseInt(v);
            if (i >= 0) return i;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw unavailable("-D" + CudaBackend.DEVICE_PROPERTY + " must be a device index >= 0, got '" + v + "'", null);
    }

    private static Backend openOrThrow() {
        int index = deviceIndex();
        CudaDriverLibrary.load();
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        String vis = visible == null ? "" : " (CUDA_VISIBLE_DEVICES=" + visible + ")";
        int st = cuInit(0);
        if (st != CUDA_SUCCESS())
            throw unavailable("cuInit -> " + Cuda.errorName(st) + " (" + st + "): no usable NVIDIA device or driver" + vis, null);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment n = call.allocate(C_INT);
            Cuda.check(cuDeviceGetCount(n), "cuDeviceGetCount", null);
            int count = n.get(C_INT, 0);
            if (count == 0) throw unavailable("no CUDA device is visible" + vis, null);
            if (index >= count)
                throw unavailable("-D" + CudaBackend.DEVICE_PROPERTY + "=" + index + " but only " + count + " device(s) are visible" + vis, null);
            Cuda.check(cuDeviceGet(n, index), "cuDeviceGet", index);
            int dev = n.get(C_INT, 0);
            int major = attribute(call, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR(), dev);
            int minor = attribute(call, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR(), dev);
            int sms = attribute(call, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT(), dev);
            boolean pools = attribute(call, CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED(), dev) != 0;
            MemorySegment name = call.allocate(256);
            Cuda.check(cuDeviceGetName(name, 256, dev), "cuDeviceGetName", index);
            MemorySegment mem = call.allocate(C_LONG_LONG);
            Cuda.check(cuDeviceTotalMem_v2(mem, dev), "cuDeviceTotalMem_v2", index);
            String desc = name.getString(0) + ", compute capability " + major + "." + minor + ", " + sms + " SMs, "
                    + (mem.get(C_LONG_LONG, 0) >> 20) + " MiB";
            if (major * 10 + minor < MIN_CC)
                throw unavailable("cuda:" + index + " is " + desc + "; glm4j needs compute capability 8.0 or newer", null);
            if (!pools) throw unavailable("cuda:" + index + " (" + desc + ") has no stream-ordered memory pools", null);
            CublasLtLibrary.load();
            KernelImage image;
            try {
                image = KernelImage.load(CudaBackendProvider.class.getClassLoader());
            } catch (IllegalStateException e) {
                throw unavailable(e.getMessage(), e);
            }
            Cuda.check(cuDevicePrimaryCtxRetain(mem, dev), "cuDevicePrimaryCtxRetain", index);
            MemorySegment ctx = mem.get(C_POINTER, 0);
            try {
                Cuda.check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent", index);
                CudnnSdpa.Probe sdpa = CudnnSdpa.Probe.run();         // optional: our kernels serve attention without it
                System.getLogger("org.glm4j.backend.cuda").log(System.Logger.Level.INFO, "cuda: " + sdpa);
                return new CudaBackend(index, dev, ctx, image, desc, sms, sdpa);
            } catch (NativeException | IllegalStateException e) {
                Cuda.logIfFailed(cuDevicePrimaryCtxRelease_v2(dev), "cuDevicePrimaryCtxRelease_v2", index);
                throw unavailable("cuda:" + index + " (" + desc + ") failed to start: " + e.getMessage(), e);
            }
        } catch (CudaException e) {
            throw unavailable(e.getMessage(), e);
        }
    }

    private static int attribute(Arena call, int attr, int dev) {
        MemorySegment v = call.allocate(C_INT);
        Cuda.check(cuDeviceGetAttribute(v, attr, dev), "cuDeviceGetAttribute", attr);
        return v.get(C_INT, 0);
    }
}
