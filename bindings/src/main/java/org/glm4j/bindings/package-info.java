/**
 * FFM bindings in jextract's form (one class per header, a static method per C function over a cached downcall
 * handle, struct layouts, constants), limited to the functions glm4j calls. Subpackages per library:
 * {@code onednn}, {@code cuda} (driver API), {@code cublas}, {@code cublaslt}, {@code cudnn}. The commands that
 * regenerate them live in {@code native/jextract/}.
 */
package org.glm4j.bindings;
