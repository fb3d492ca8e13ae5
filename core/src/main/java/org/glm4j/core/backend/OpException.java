package org.glm4j.core.backend;

/** A failure inside a backend, wrapped by {@link Ops} with the op, its operands and the backend. */
public final class OpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpException(String message, Throwable cause) { super(message, cause); }
}
