package org.glm4j.core.backend.cuda;

import org.glm4j.core.backend.NativeException;

/**
 * A CUDA driver call returned an error status: the call, {@code cuGetErrorName}'s name and the code, the driver's
 * description, and what was being done, e.g.
 * {@code CUDA driver: cuMemAllocAsync -> CUDA_ERROR_OUT_OF_MEMORY (2) out of memory, in allocate(bf16[4096,4096])}.
 */
public final class CudaException extends NativeException {
    private static final long serialVersionUID = 1L;

    CudaException(String call, int status, String statusName, String description, String context) {
        super("CUDA driver", call, status, statusName,
                (description == null ? "" : description) + (context == null ? "" : ", in " + context));
    }
}
