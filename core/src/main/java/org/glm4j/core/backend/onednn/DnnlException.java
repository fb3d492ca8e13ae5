package org.glm4j.core.backend.onednn;

import org.glm4j.core.backend.NativeException;

/**
 * A oneDNN call returned an error status. The message names the call, the status name ({@code dnnl_status2str})
 * and code, and what was being done: the op with its operands' dtypes and shapes, e.g.
 * {@code oneDNN: dnnl_matmul_primitive_desc_create -> unimplemented (3) in matmul(x=bf16[7,1536], w=f16[…])}.
 */
public final class DnnlException extends NativeException {
    private static final long serialVersionUID = 1L;

    DnnlException(String call, int status, String statusName, String context) {
        super("oneDNN", call, status, statusName, context == null ? null : "in " + context);
    }
}
