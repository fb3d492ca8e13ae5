package org.glm4j.bindings.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.List;
import org.glm4j.bindings.LazyLibrary;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;

/**
 * Where {@link cuda_h} finds the CUDA driver ({@code libcuda.so.1}, installed with the NVIDIA driver): the
 * {@value CudaSearch#PROPERTY} folders, then the system library path. The toolkit's {@code stubs/libcuda.so} is
 * never used. Loading checks that the driver supports CUDA {@value #MIN_VERSION_TEXT} or newer.
 */
public final class CudaDriverLibrary {
    private CudaDriverLibrary() {}

    /** The library's file name. */
    public static final String FILE = "libcuda.so.1";
    /** Oldest driver API version accepted ({@code cuDriverGetVersion}): CUDA 13.0. */
    public static final int MIN_VERSION = 13000;
    static final String MIN_VERSION_TEXT = "13.0";

    private static final LazyLibrary LIBRARY = new LazyLibrary("CUDA driver",
            () -> NativeLoader.search("CUDA driver", FILE, explicitOnly(), true, List.of(),
                    "install an NVIDIA driver for CUDA " + MIN_VERSION_TEXT + " or newer, or set -D" + CudaSearch.PROPERTY),
            () -> cuda_h.FUNCTIONS, CudaDriverLibrary::checkVersion);

    private static List<NativeLoader.Labeled> explicitOnly() {
        return CudaSearch.before().stream().filter(d -> d.label().equals(CudaSearch.PROPERTY)).toList();
    }

    private static void checkVersion(LazyLibrary l) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(cuda_h.C_INT);
            int status = cuda_h.cuDriverGetVersion(v);
            int version = v.get(cuda_h.C_INT, 0);
            if (status != cuda_h.CUDA_SUCCESS() || version < MIN_VERSION)
                throw new LibraryUnavailableException("CUDA driver from " + l.where() + " supports CUDA " + version / 1000 + "."
                        + version % 1000 / 10 + " (status " + status + "); glm4j needs " + MIN_VERSION_TEXT + " or newer");
        }
    }

    /**
     * Loads the driver once and resolves every function of {@link cuda_h}.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public static NativeLoader.Found load() { return LIBRARY.load(); }

    static SymbolLookup lookup() { return LIBRARY.lookup(); }
}
