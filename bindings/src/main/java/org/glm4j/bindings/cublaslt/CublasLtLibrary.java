package org.glm4j.bindings.cublaslt;

import java.lang.foreign.SymbolLookup;
import org.glm4j.bindings.LazyLibrary;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.cuda.CudaSearch;

/**
 * Where {@link cublasLt_h} finds cuBLASLt 13 ({@code libcublasLt.so.13}), in {@link CudaSearch}'s order. Loading
 * checks {@code cublasLtGetVersion} is 13.x.
 */
public final class CublasLtLibrary {
    private CublasLtLibrary() {}

    /** The library's file name. */
    public static final String FILE = "libcublasLt.so.13";

    private static final LazyLibrary LIBRARY = new LazyLibrary("cuBLASLt",
            () -> NativeLoader.search("cuBLASLt", FILE, CudaSearch.before(), true, CudaSearch.after(),
                    CudaSearch.hint("pip install nvidia-cublas")),
            () -> cublasLt_h.FUNCTIONS, CublasLtLibrary::checkVersion);

    private static void checkVersion(LazyLibrary l) {
        long v = cublasLt_h.cublasLtGetVersion();
        if (v / 10000 != 13)
            throw new LibraryUnavailableException("cuBLASLt from " + l.where() + " reports version " + v + "; the bindings need 13.x");
    }

    /**
     * Loads cuBLASLt once and resolves every function of {@link cublasLt_h}.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public static NativeLoader.Found load() { return LIBRARY.load(); }

    static SymbolLookup lookup() { return LIBRARY.lookup(); }
}
