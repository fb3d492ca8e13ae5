package org.glm4j.bindings.cublaslt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code cublasLtMatmulHeuristicResult_t} ({@code cublasLtMatmulAlgo_t algo; size_t workspaceSize;
 * cublasStatus_t state; float wavesCount; int reserved[4]}), as {@code cublasLtMatmulAlgoGetHeuristic} fills it,
 * in jextract's form.
 */
public final class cublasLtMatmulHeuristicResult_t {
    private cublasLtMatmulHeuristicResult_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            cublasLtMatmulAlgo_t.layout().withName("algo"),
            ValueLayout.JAVA_LONG.withName("workspaceSize"),
            ValueLayout.JAVA_INT.withName("state"),
            ValueLayout.JAVA_FLOAT.withName("wavesCount"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_INT).withName("reserved")
    ).withName("cublasLtMatmulHeuristicResult_t");

    public static GroupLayout layout() { return $LAYOUT; }

    public static long sizeof() { return $LAYOUT.byteSize(); }

    public static long algo$offset() { return $LAYOUT.byteOffset(groupElement("algo")); }

    public static long workspaceSize$offset() { return $LAYOUT.byteOffset(groupElement("workspaceSize")); }

    public static long state$offset() { return $LAYOUT.byteOffset(groupElement("state")); }

    public static long wavesCount$offset() { return $LAYOUT.byteOffset(groupElement("wavesCount")); }

    /** The {@code algo} member of a result, as a slice to pass to {@code cublasLtMatmul}. */
    public static MemorySegment algo(MemorySegment struct) { return struct.asSlice(algo$offset(), cublasLtMatmulAlgo_t.sizeof()); }

    public static long workspaceSize(MemorySegment struct) { return struct.get(ValueLayout.JAVA_LONG, workspaceSize$offset()); }

    public static int state(MemorySegment struct) { return struct.get(ValueLayout.JAVA_INT, state$offset()); }

    public static float wavesCount(MemorySegment struct) { return struct.get(ValueLayout.JAVA_FLOAT, wavesCount$offset()); }
}
