package org.glm4j.bindings.cublas;

import java.lang.foreign.SymbolLookup;
import org.glm4j.bindings.LazyLibrary;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.cublaslt.CublasLtLibrary;
import org.glm4j.bindings.cuda.CudaSearch;

/**
 * Where {@link cublas_api_h} finds cuBLAS 13 ({@code libcublas.so.13}), in {@link CudaSearch}'s order. cuBLASLt,
 * which cuBLAS links against, is loaded first (from the same search), so a cuBLAS outside the loader's path
 * still finds it.
 */
public final class CublasLibrary {
    private CublasLibrary() {}

    /** The library's file name. */
    public static final String FILE = "libcublas.so.13";

    private static final LazyLibrary LIBRARY = new LazyLibrary("cuBLAS", CublasLibrary::find, () -> cublas_api_h.FUNCTIONS, null);

    private static NativeLoader.Found find() {
        try {
            CublasLtLibrary.load();
        } catch (LibraryUnavailableException e) {
            throw new LibraryUnavailableException("cuBLAS needs cuBLASLt: " + e.getMessage(), e);
        }
        return NativeLoader.search("cuBLAS", FILE, CudaSearch.before(), true, CudaSearch.after(),
                CudaSearch.hint("pip install nvidia-cublas"));
    }

    /**
     * Loads cuBLAS once (cuBLASLt first) and resolves every function of {@link cublas_api_h}.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public static NativeLoader.Found load() { return LIBRARY.load(); }

    static SymbolLookup lookup() { return LIBRARY.lookup(); }

}
