package org.glm4j.core.backend.onednn;

import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;
import org.glm4j.core.backend.BackendUnavailableException;

/**
 * Registers {@link OneDnnBackend}: preferred over the JVM backend, after CUDA. Opening loads oneDNN (extracting it
 * from the class path on first use) and resolves every symbol; any failure is a {@link BackendUnavailableException}
 * with one line naming what was looked for and where.
 *
 * <p>The thread count is one setting for both oneDNN's OpenMP team and the Java pool: {@value #THREADS_PROPERTY}
 * or {@value #THREADS_ENV}, else one per available processor.
 */
public final class OneDnnBackendProvider implements BackendProvider {
    /** System property: threads for oneDNN and the Java kernels. */
    public static final String THREADS_PROPERTY = "glm4j.threads";
    /** Environment variable: threads for oneDNN and the Java kernels. */
    public static final String THREADS_ENV = "GLM4J_THREADS";

    /** The provider {@link java.util.ServiceLoader} instantiates; opening happens in {@link #open()}. */
    public OneDnnBackendProvider() {}

    @Override public String name() { return OneDnnBackend.NAME; }

    @Override public int preference() { return 10; }

    @Override public Backend open() {
        int threads = threads();
        try {
            return new OneDnnBackend(threads);
        } catch (LibraryUnavailableException e) {
            throw new BackendUnavailableException(OneDnnBackend.NAME, e.getMessage(), e);
        } catch (DnnlException e) {
            throw new BackendUnavailableException(OneDnnBackend.NAME, "oneDNN loaded but failed to start: " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new BackendUnavailableException(OneDnnBackend.NAME, "oneDNN could not be linked: " + e, e);
        }
    }

    /** The configured thread count ({@value #THREADS_PROPERTY}, {@value #THREADS_ENV}, or the processor count). */
    public static int threads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v == null || v.isBlank()) v = System.getenv(THREADS_ENV);
        if (v == null || v.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + "/" + THREADS_ENV + " must be a positive integer, got '" + v + "'");
    }
}
