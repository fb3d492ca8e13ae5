package org.glm4j.core.backend;

/** A backend that cannot open here: a library or device is missing or too old. The message says what and where. */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String backend;

    public BackendUnavailableException(String backend, String reason) {
        super(backend + " unavailable: " + reason);
        this.backend = backend;
    }

    public BackendUnavailableException(String backend, String reason, Throwable cause) {
        super(backend + " unavailable: " + reason, cause);
        this.backend = backend;
    }

    /** The backend's name. */
    public String backend() { return backend; }
}
