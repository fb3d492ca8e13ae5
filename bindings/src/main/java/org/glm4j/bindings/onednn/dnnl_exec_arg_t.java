package org.glm4j.bindings.onednn;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code typedef struct { int arg; dnnl_memory_t memory; } dnnl_exec_arg_t;} — one argument of
 * {@code dnnl_primitive_execute}, in jextract's form.
 */
public final class dnnl_exec_arg_t {
    private dnnl_exec_arg_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            dnnl_h.C_INT.withName("arg"),
            MemoryLayout.paddingLayout(4),
            dnnl_h.C_POINTER.withName("memory")
    ).withName("dnnl_exec_arg_t");

    /** The struct's layout. */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt arg$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("arg"));
    private static final long arg$OFFSET = $LAYOUT.byteOffset(groupElement("arg"));
    private static final AddressLayout memory$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("memory"));
    private static final long memory$OFFSET = $LAYOUT.byteOffset(groupElement("memory"));

    public static long arg$offset() { return arg$OFFSET; }

    public static int arg(MemorySegment struct) { return struct.get(arg$LAYOUT, arg$OFFSET); }

    public static void arg(MemorySegment struct, int value) { struct.set(arg$LAYOUT, arg$OFFSET, value); }

    public static long memory$offset() { return memory$OFFSET; }

    public static MemorySegment memory(MemorySegment struct) { return struct.get(memory$LAYOUT, memory$OFFSET); }

    public static void memory(MemorySegment struct, MemorySegment value) { struct.set(memory$LAYOUT, memory$OFFSET, value); }

    /** Element {@code index} of an array of these structs. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index, layout().byteSize());
    }

    /** An array of {@code n} of these structs in {@code arena}. */
    public static MemorySegment allocateArray(long n, Arena arena) {
        return arena.allocate(MemoryLayout.sequenceLayout(n, layout()));
    }

    public static long sizeof() { return layout().byteSize(); }
}
