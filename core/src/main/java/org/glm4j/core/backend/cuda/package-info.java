/**
 * The CUDA backend: device memory tied to arenas, one stream per calling thread, cuBLASLt GEMMs, our kernels
 * through the {@code glmk.h} ABI, CUDA graphs, and {@code Cuda.check} turning statuses into exceptions.
 */
package org.glm4j.core.backend.cuda;
