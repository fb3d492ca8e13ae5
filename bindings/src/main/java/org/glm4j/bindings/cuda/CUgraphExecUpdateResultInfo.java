package org.glm4j.bindings.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code CUgraphExecUpdateResultInfo} ({@code CUgraphExecUpdateResult result; CUgraphNode errorNode,
 * errorFromNode}), filled by {@code cuGraphExecUpdate_v2}, in jextract's form.
 */
public final class CUgraphExecUpdateResultInfo {
    private CUgraphExecUpdateResultInfo() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            cuda_h.C_INT.withName("result"),
            MemoryLayout.paddingLayout(4),
            cuda_h.C_POINTER.withName("errorNode"),
            cuda_h.C_POINTER.withName("errorFromNode")
    ).withName("CUgraphExecUpdateResultInfo_st");

    public static GroupLayout layout() { return $LAYOUT; }

    public static long sizeof() { return $LAYOUT.byteSize(); }

    public static long result$offset() { return $LAYOUT.byteOffset(groupElement("result")); }

    public static long errorNode$offset() { return $LAYOUT.byteOffset(groupElement("errorNode")); }

    public static long errorFromNode$offset() { return $LAYOUT.byteOffset(groupElement("errorFromNode")); }

    public static int result(MemorySegment struct) {
        return struct.get((ValueLayout.OfInt) $LAYOUT.select(groupElement("result")), result$offset());
    }

    public static MemorySegment errorNode(MemorySegment struct) {
        return struct.get((AddressLayout) $LAYOUT.select(groupElement("errorNode")), errorNode$offset());
    }
}
