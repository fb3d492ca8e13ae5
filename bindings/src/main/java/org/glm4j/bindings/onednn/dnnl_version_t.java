package org.glm4j.bindings.onednn;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code dnnl_version_t} ({@code int major, minor, patch; const char *hash; unsigned cpu_runtime, gpu_runtime}),
 * as {@code dnnl_version()} returns it, in jextract's form.
 */
@SuppressWarnings("restricted")
public final class dnnl_version_t {
    private dnnl_version_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            dnnl_h.C_INT.withName("major"),
            dnnl_h.C_INT.withName("minor"),
            dnnl_h.C_INT.withName("patch"),
            MemoryLayout.paddingLayout(4),
            dnnl_h.C_POINTER.withName("hash"),
            dnnl_h.C_INT.withName("cpu_runtime"),
            dnnl_h.C_INT.withName("gpu_runtime")
    ).withName("dnnl_version_t");

    /** The struct's layout. */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt major$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("major"));
    private static final ValueLayout.OfInt minor$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("minor"));
    private static final ValueLayout.OfInt patch$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("patch"));
    private static final AddressLayout hash$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("hash"));
    private static final ValueLayout.OfInt cpu_runtime$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("cpu_runtime"));
    private static final ValueLayout.OfInt gpu_runtime$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("gpu_runtime"));

    public static long major$offset() { return $LAYOUT.byteOffset(groupElement("major")); }

    public static long minor$offset() { return $LAYOUT.byteOffset(groupElement("minor")); }

    public static long patch$offset() { return $LAYOUT.byteOffset(groupElement("patch")); }

    public static long hash$offset() { return $LAYOUT.byteOffset(groupElement("hash")); }

    public static long cpu_runtime$offset() { return $LAYOUT.byteOffset(groupElement("cpu_runtime")); }

    public static long gpu_runtime$offset() { return $LAYOUT.byteOffset(groupElement("gpu_runtime")); }

    public static int major(MemorySegment struct) { return struct.get(major$LAYOUT, major$offset()); }

    public static int minor(MemorySegment struct) { return struct.get(minor$LAYOUT, minor$offset()); }

    public static int patch(MemorySegment struct) { return struct.get(patch$LAYOUT, patch$offset()); }

    public static MemorySegment hash(MemorySegment struct) { return struct.get(hash$LAYOUT, hash$offset()); }

    public static int cpu_runtime(MemorySegment struct) { return struct.get(cpu_runtime$LAYOUT, cpu_runtime$offset()); }

    public static int gpu_runtime(MemorySegment struct) { return struct.get(gpu_runtime$LAYOUT, gpu_runtime$offset()); }

    /** The struct behind a pointer the library returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) { return pointer.reinterpret(layout().byteSize()); }

    public static long sizeof() { return layout().byteSize(); }
}
