/**
 * cuBLAS ({@link org.glm4j.bindings.cublas.cublas_api_h}) in jextract's form and its library holder. Regenerate
 * with {@code native/jextract/cublas/jextract.sh}; written against cuBLAS 13's {@code cublas_api.h}.
 */
package org.glm4j.bindings.cublas;
