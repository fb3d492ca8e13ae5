/**
 * The {@code onednn} backend: CPU ops over oneDNN primitives (matmul with packed weights, cached primitives,
 * {@code DnnlException} from {@code Dnnl.check}) and the Vector API kernels where those are as fast.
 */
package org.glm4j.core.backend.onednn;
