package org.glm4j.core.backend.cuda;

import org.glm4j.core.backend.NativeException;

/** A cuBLASLt call returned an error status, named by {@code cublasLtGetStatusName} (with its description). */
public final class CublasException extends NativeException {
    private static final long serialVersionUID = 1L;

    CublasException(String call, int status, String statusName, String description, String context) {
        super("cuBLASLt", call, status, statusName,
                (description == null ? "" : description) + (context == null ? "" : ", in " + context));
    }
}
