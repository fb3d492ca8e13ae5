package org.glm4j.bindings.cudnn;

import java.lang.foreign.SymbolLookup;
import org.glm4j.bindings.LazyLibrary;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.cuda.CudaSearch;

/**
 * Where {@link cudnn_graph_h} finds cuDNN 9 ({@code libcudnn.so.9}, which loads its engine sub-libraries and, for
 * some engines, NVRTC itself), in {@link CudaSearch}'s order. Loading checks {@code cudnnGetVersion} is 9.x.
 */
public final class CudnnLibrary {
    private CudnnLibrary() {}

    /** The library's file name. */
    public static final String FILE = "libcudnn.so.9";

    private static final LazyLibrary LIBRARY = new LazyLibrary("cuDNN",
            () -> NativeLoader.search("cuDNN", FILE, CudaSearch.before(), true, CudaSearch.after(),
                    CudaSearch.hint("pip install nvidia-cudnn-cu13")),
            () -> cudnn_graph_h.FUNCTIONS, CudnnLibrary::checkVersion);

    private static void checkVersion(LazyLibrary l) {
        long v = cudnn_graph_h.cudnnGetVersion();
        if (v / 10000 != 9)
            throw new LibraryUnavailableException("cuDNN from " + l.where() + " reports version " + v + "; the bindings need 9.x");
    }

    /**
     * Loads cuDNN once and resolves every function of {@link cudnn_graph_h}.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public static NativeLoader.Found load() { return LIBRARY.load(); }

    static SymbolLookup lookup() { return LIBRARY.lookup(); }
}
