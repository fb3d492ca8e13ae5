package org.glm4j.core.backend.cuda;

import org.glm4j.core.backend.NativeException;

/**
 * One of our kernels ({@code native/cuda}) refused its input and set its status word to a {@code GLMK_ERR_*} code
 * (read after a synchronise: per op with {@code -Dglm.cuda.syncEachOp=true}, else at {@code synchronize()}).
 */
public final class GlmkException extends NativeException {
    private static final long serialVersionUID = 1L;

    GlmkException(String kernels, int status, String context) {
        super("glmk kernels", kernels, status, statusName(status), context);
    }

    /** The {@code GLMK_ERR_*} name of a status code. */
    static String statusName(int status) {
        return switch (status) {
            case 1 -> "GLMK_ERR_LAUNCH";
            case 2 -> "GLMK_ERR_DTYPE";
            case 3 -> "GLMK_ERR_SHAPE";
            case 4 -> "GLMK_ERR_ALIGN";
            case 5 -> "GLMK_ERR_INDEX";
            default -> "GLMK status " + status;
        };
    }
}
