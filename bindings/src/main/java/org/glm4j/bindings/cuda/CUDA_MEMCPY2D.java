package org.glm4j.bindings.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code CUDA_MEMCPY2D} (the {@code _v2} struct {@code cuMemcpy2DAsync_v2} reads), in jextract's form: a pitched copy
 * of {@code Height} rows of {@code WidthInBytes} between host and device memory. Array fields stay zero here.
 */
public final class CUDA_MEMCPY2D {
    private CUDA_MEMCPY2D() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            cuda_h.C_LONG_LONG.withName("srcXInBytes"),
            cuda_h.C_LONG_LONG.withName("srcY"),
            cuda_h.C_INT.withName("srcMemoryType"),
            MemoryLayout.paddingLayout(4),
            cuda_h.C_POINTER.withName("srcHost"),
            cuda_h.C_LONG_LONG.withName("srcDevice"),
            cuda_h.C_POINTER.withName("srcArray"),
            cuda_h.C_LONG_LONG.withName("srcPitch"),
            cuda_h.C_LONG_LONG.withName("dstXInBytes"),
            cuda_h.C_LONG_LONG.withName("dstY"),
            cuda_h.C_INT.withName("dstMemoryType"),
            MemoryLayout.paddingLayout(4),
            cuda_h.C_POINTER.withName("dstHost"),
            cuda_h.C_LONG_LONG.withName("dstDevice"),
            cuda_h.C_POINTER.withName("dstArray"),
            cuda_h.C_LONG_LONG.withName("dstPitch"),
            cuda_h.C_LONG_LONG.withName("WidthInBytes"),
            cuda_h.C_LONG_LONG.withName("Height")
    ).withName("CUDA_MEMCPY2D_st");

    public static GroupLayout layout() { return $LAYOUT; }

    public static long sizeof() { return $LAYOUT.byteSize(); }

    public static long srcXInBytes$offset() { return $LAYOUT.byteOffset(groupElement("srcXInBytes")); }
    public static long srcY$offset() { return $LAYOUT.byteOffset(groupElement("srcY")); }
    public static long srcMemoryType$offset() { return $LAYOUT.byteOffset(groupElement("srcMemoryType")); }
    public static long srcHost$offset() { return $LAYOUT.byteOffset(groupElement("srcHost")); }
    public static long srcDevice$offset() { return $LAYOUT.byteOffset(groupElement("srcDevice")); }
    public static long srcArray$offset() { return $LAYOUT.byteOffset(groupElement("srcArray")); }
    public static long srcPitch$offset() { return $LAYOUT.byteOffset(groupElement("srcPitch")); }
    public static long dstXInBytes$offset() { return $LAYOUT.byteOffset(groupElement("dstXInBytes")); }
    public static long dstY$offset() { return $LAYOUT.byteOffset(groupElement("dstY")); }
    public static long dstMemoryType$offset() { return $LAYOUT.byteOffset(groupElement("dstMemoryType")); }
    public static long dstHost$offset() { return $LAYOUT.byteOffset(groupElement("dstHost")); }
    public static long dstDevice$offset() { return $LAYOUT.byteOffset(groupElement("dstDevice")); }
    public static long dstArray$offset() { return $LAYOUT.byteOffset(groupElement("dstArray")); }
    public static long dstPitch$offset() { return $LAYOUT.byteOffset(groupElement("dstPitch")); }
    public static long WidthInBytes$offset() { return $LAYOUT.byteOffset(groupElement("WidthInBytes")); }
    public static long Height$offset() { return $LAYOUT.byteOffset(groupElement("Height")); }

    /** A zeroed struct in {@code arena}. */
    public static MemorySegment allocate(java.lang.foreign.Arena arena) { return arena.allocate($LAYOUT); }

    public static void srcMemoryType(MemorySegment s, int v) { s.set(ValueLayout.JAVA_INT, srcMemoryType$offset(), v); }
    public static void srcHost(MemorySegment s, MemorySegment v) { s.set(ValueLayout.ADDRESS, srcHost$offset(), v); }
    public static void srcDevice(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, srcDevice$offset(), v); }
    public static void srcPitch(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, srcPitch$offset(), v); }
    public static void dstMemoryType(MemorySegment s, int v) { s.set(ValueLayout.JAVA_INT, dstMemoryType$offset(), v); }
    public static void dstHost(MemorySegment s, MemorySegment v) { s.set(ValueLayout.ADDRESS, dstHost$offset(), v); }
    public static void dstDevice(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, dstDevice$offset(), v); }
    public static void dstPitch(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, dstPitch$offset(), v); }
    public static void WidthInBytes(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, WidthInBytes$offset(), v); }
    public static void Height(MemorySegment s, long v) { s.set(ValueLayout.JAVA_LONG, Height$offset(), v); }
}
