package org.glm4j.bindings.cublaslt;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

/** {@code cublasLtMatmulAlgo_t}: a semi-opaque {@code uint64_t data[8]} an algorithm is passed around in, in jextract's form. */
public final class cublasLtMatmulAlgo_t {
    private cublasLtMatmulAlgo_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_LONG).withName("data")
    ).withName("cublasLtMatmulAlgo_t");

    public static GroupLayout layout() { return $LAYOUT; }

    public static long sizeof() { return $LAYOUT.byteSize(); }

    public static long data$offset() { return 0; }
}
