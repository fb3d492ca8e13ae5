package org.glm4j.bindings;

/**
 * A native library could not be found, extracted or loaded, or lacks symbols the bindings call. The message is one
 * line that names what was looked for and where; backends turn it into their own "unavailable" exception.
 */
public final class LibraryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LibraryUnavailableException(String message) { super(message); }

    public LibraryUnavailableException(String message, Throwable cause) { super(message, cause); }
}
