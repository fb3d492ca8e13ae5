package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVPacket} ({@code libavcodec/packet.h} of FFmpeg 7.1): one compressed packet. Only the fields glm4j
 * touches are named ({@code pts, dts, stream_index, flags, duration}); the rest is padding at the offsets of FFmpeg
 * 7.1, checked against the real headers by {@code FfmpegAbiTest}. FFmpeg allocates these structs itself (their size
 * is not part of its ABI), so the layout's size is the 7.1 size only for that check; glm4j never allocates one.
 */
@SuppressWarnings("restricted")
public final class AVPacket {
    private AVPacket() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.paddingLayout(8),
            avutil_h.C_LONG_LONG.withName("pts"),
            avutil_h.C_LONG_LONG.withName("dts"),
            MemoryLayout.paddingLayout(12),
            avutil_h.C_INT.withName("stream_index"),
            avutil_h.C_INT.withName("flags"),
            MemoryLayout.paddingLayout(20),
            avutil_h.C_LONG_LONG.withName("duration"),
            MemoryLayout.paddingLayout(32)
    ).withName("AVPacket");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfLong pts$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("pts"));
    private static final ValueLayout.OfLong dts$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("dts"));
    private static final ValueLayout.OfInt stream_index$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("stream_index"));
    private static final ValueLayout.OfInt flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("flags"));
    private static final ValueLayout.OfLong duration$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("duration"));

    public static long pts$offset() { return $LAYOUT.byteOffset(groupElement("pts")); }

    public static long dts$offset() { return $LAYOUT.byteOffset(groupElement("dts")); }

    public static long stream_index$offset() { return $LAYOUT.byteOffset(groupElement("stream_index")); }

    public static long flags$offset() { return $LAYOUT.byteOffset(groupElement("flags")); }

    public static long duration$offset() { return $LAYOUT.byteOffset(groupElement("duration")); }

    public static long pts(MemorySegment struct) { return struct.get(pts$LAYOUT, pts$offset()); }

    public static void pts(MemorySegment struct, long value) { struct.set(pts$LAYOUT, pts$offset(), value); }

    public static long dts(MemorySegment struct) { return struct.get(dts$LAYOUT, dts$offset()); }

    public static void dts(MemorySegment struct, long value) { struct.set(dts$LAYOUT, dts$offset(), value); }

    public static int stream_index(MemorySegment struct) { return struct.get(stream_index$LAYOUT, stream_index$offset()); }

    public static void stream_index(MemorySegment struct, int value) { struct.set(stream_index$LAYOUT, stream_index$offset(), value); }

    public static int flags(MemorySegment struct) { return struct.get(flags$LAYOUT, flags$offset()); }

    public static void flags(MemorySegment struct, int value) { struct.set(flags$LAYOUT, flags$offset(), value); }

    public static long duration(MemorySegment struct) { return struct.get(duration$LAYOUT, duration$offset()); }

    public static void duration(MemorySegment struct, long value) { struct.set(duration$LAYOUT, duration$offset(), value); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVPacket pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
