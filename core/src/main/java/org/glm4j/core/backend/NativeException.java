package org.glm4j.core.backend;

/**
 * A native library returned an error status. Each library's {@code check} throws its own subclass naming the call,
 * the status code and name, and what we were doing.
 */
public abstract class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String library;
    private final String call;
    private final int status;
    private final String statusName;

    protected NativeException(String library, String call, int status, String statusName, String context) {
        super(library + ": " + call + " -> " + statusName + " (" + status + ")" + (context == null ? "" : " " + context));
        this.library = library;
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    public String library() { return library; }

    public String call() { return call; }

    public int status() { return status; }

    public String statusName() { return statusName; }
}
