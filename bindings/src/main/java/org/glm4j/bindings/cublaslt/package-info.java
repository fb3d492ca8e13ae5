/**
 * cuBLASLt ({@link org.glm4j.bindings.cublaslt.cublasLt_h}, with its {@code cublasLtMatmulAlgo_t} and
 * {@code cublasLtMatmulHeuristicResult_t} structs) in jextract's form and its library holder. Regenerate with
 * {@code native/jextract/cublaslt/jextract.sh}; written against cuBLAS 13's {@code cublasLt.h}.
 */
package org.glm4j.bindings.cublaslt;
