package org.glm4j.core.backend;

/**
 * Registers a backend with {@link Backends} through {@link java.util.ServiceLoader}, so that {@code core} names
 * none of the concrete backends.
 */
public interface BackendProvider {
    /** The backend's name, as accepted by {@link Backends#open(String)}. */
    String name();

    /** Order of preference for {@link Backends#auto()}: higher is tried first. */
    int preference();

    /**
     * Opens the backend, resolving every native symbol it needs.
     *
     * @throws BackendUnavailableException with a one-line reason when it cannot run here
     */
    Backend open();
}
