package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVFrame} ({@code libavutil/frame.h} of FFmpeg 7.1): one decoded (or to-be-encoded) picture. Only the
 * fields glm4j touches are named ({@code data, linesize, width, height, format, pts, best_effort_timestamp}); the
 * rest is padding at the offsets of FFmpeg 7.1, checked against the real headers by {@code FfmpegAbiTest}. FFmpeg
 * allocates these structs itself (their size is not part of its ABI), so the layout's size is the 7.1 size only for
 * that check; glm4j never allocates one.
 */
@SuppressWarnings("restricted")
public final class AVFrame {
    private AVFrame() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(8, avutil_h.C_POINTER).withName("data"),
            MemoryLayout.sequenceLayout(8, avutil_h.C_INT).withName("linesize"),
            MemoryLayout.paddingLayout(8),
            avutil_h.C_INT.withName("width"),
            avutil_h.C_INT.withName("height"),
            MemoryLayout.paddingLayout(4),
            avutil_h.C_INT.withName("format"),
            MemoryLayout.paddingLayout(16),
            avutil_h.C_LONG_LONG.withName("pts"),
            MemoryLayout.paddingLayout(176),
            avutil_h.C_LONG_LONG.withName("best_effort_timestamp"),
            MemoryLayout.paddingLayout(112)
    ).withName("AVFrame");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt width$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("width"));
    private static final ValueLayout.OfInt height$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("height"));
    private static final ValueLayout.OfInt format$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("format"));
    private static final ValueLayout.OfLong pts$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("pts"));
    private static final ValueLayout.OfLong best_effort_timestamp$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("best_effort_timestamp"));

    public static long data$offset() { return $LAYOUT.byteOffset(groupElement("data")); }

    public static long linesize$offset() { return $LAYOUT.byteOffset(groupElement("linesize")); }

    public static long width$offset() { return $LAYOUT.byteOffset(groupElement("width")); }

    public static long height$offset() { return $LAYOUT.byteOffset(groupElement("height")); }

    public static long format$offset() { return $LAYOUT.byteOffset(groupElement("format")); }

    public static long pts$offset() { return $LAYOUT.byteOffset(groupElement("pts")); }

    public static long best_effort_timestamp$offset() { return $LAYOUT.byteOffset(groupElement("best_effort_timestamp")); }

    /** Element {@code i} of the {@code data} array. */
    public static MemorySegment data(MemorySegment struct, int i) { return struct.getAtIndex(avutil_h.C_POINTER, data$offset() / 8 + java.util.Objects.checkIndex(i, 8)); }

    public static void data(MemorySegment struct, int i, MemorySegment value) { struct.setAtIndex(avutil_h.C_POINTER, data$offset() / 8 + java.util.Objects.checkIndex(i, 8), value); }

    /** Element {@code i} of the {@code linesize} array. */
    public static int linesize(MemorySegment struct, int i) { return struct.getAtIndex(avutil_h.C_INT, linesize$offset() / 4 + java.util.Objects.checkIndex(i, 8)); }

    public static int width(MemorySegment struct) { return struct.get(width$LAYOUT, width$offset()); }

    public static void width(MemorySegment struct, int value) { struct.set(width$LAYOUT, width$offset(), value); }

    public static int height(MemorySegment struct) { return struct.get(height$LAYOUT, height$offset()); }

    public static void height(MemorySegment struct, int value) { struct.set(height$LAYOUT, height$offset(), value); }

    public static int format(MemorySegment struct) { return struct.get(format$LAYOUT, format$offset()); }

    public static void format(MemorySegment struct, int value) { struct.set(format$LAYOUT, format$offset(), value); }

    public static long pts(MemorySegment struct) { return struct.get(pts$LAYOUT, pts$offset()); }

    public static void pts(MemorySegment struct, long value) { struct.set(pts$LAYOUT, pts$offset(), value); }

    public static long best_effort_timestamp(MemorySegment struct) { return struct.get(best_effort_timestamp$LAYOUT, best_effort_timestamp$offset()); }

    public static void best_effort_timestamp(MemorySegment struct, long value) { struct.set(best_effort_timestamp$LAYOUT, best_effort_timestamp$offset(), value); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVFrame pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
