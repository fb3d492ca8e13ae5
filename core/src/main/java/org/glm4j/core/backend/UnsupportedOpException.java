package org.glm4j.core.backend;

/** An op/dtype combination that a backend does not implement and that has no fallback. */
public final class UnsupportedOpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedOpException(String message) { super(message); }
}
