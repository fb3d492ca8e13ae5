package org.glm4j.core.backend.cuda;

import org.glm4j.core.backend.NativeException;

/** A cuDNN call returned an error status, named by {@code cudnnGetErrorString}. */
public final class CudnnException extends NativeException {
    private static final long serialVersionUID = 1L;

    CudnnException(String call, int status, String statusName, String context) {
        super("cuDNN", call, status, statusName, context == null ? null : "in " + context);
    }
}
