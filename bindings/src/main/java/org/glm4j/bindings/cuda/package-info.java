/**
 * The CUDA driver API ({@link org.glm4j.bindings.cuda.cuda_h}) in jextract's form, its library holder
 * {@link org.glm4j.bindings.cuda.CudaDriverLibrary}, and {@link org.glm4j.bindings.cuda.CudaSearch}, the search
 * order every CUDA library follows. Regenerate with {@code native/jextract/cuda/jextract.sh}; written against
 * CUDA 13.0's {@code cuda.h}.
 */
package org.glm4j.bindings.cuda;
