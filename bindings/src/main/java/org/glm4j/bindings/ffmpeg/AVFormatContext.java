package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVFormatContext} ({@code libavformat/avformat.h} of FFmpeg 7.1): the demuxer/muxer context. Only the
 * fields glm4j touches are named ({@code iformat, oformat, pb, nb_streams, streams, start_time, duration}); the
 * rest is padding at the offsets of FFmpeg 7.1, checked against the real headers by {@code FfmpegAbiTest}. FFmpeg
 * allocates these structs itself (their size is not part of its ABI), so the layout's size is the 7.1 size only for
 * that check; glm4j never allocates one.
 */
@SuppressWarnings("restricted")
public final class AVFormatContext {
    private AVFormatContext() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.paddingLayout(8),
            avutil_h.C_POINTER.withName("iformat"),
            avutil_h.C_POINTER.withName("oformat"),
            MemoryLayout.paddingLayout(8),
            avutil_h.C_POINTER.withName("pb"),
            MemoryLayout.paddingLayout(4),
            avutil_h.C_INT.withName("nb_streams"),
            avutil_h.C_POINTER.withName("streams"),
            MemoryLayout.paddingLayout(40),
            avutil_h.C_LONG_LONG.withName("start_time"),
            avutil_h.C_LONG_LONG.withName("duration"),
            MemoryLayout.paddingLayout(360)
    ).withName("AVFormatContext");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final AddressLayout iformat$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("iformat"));
    private static final AddressLayout oformat$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("oformat"));
    private static final AddressLayout pb$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("pb"));
    private static final ValueLayout.OfInt nb_streams$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("nb_streams"));
    private static final AddressLayout streams$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("streams"));
    private static final ValueLayout.OfLong start_time$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("start_time"));
    private static final ValueLayout.OfLong duration$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("duration"));

    public static long iformat$offset() { return $LAYOUT.byteOffset(groupElement("iformat")); }

    public static long oformat$offset() { return $LAYOUT.byteOffset(groupElement("oformat")); }

    public static long pb$offset() { return $LAYOUT.byteOffset(groupElement("pb")); }

    public static long nb_streams$offset() { return $LAYOUT.byteOffset(groupElement("nb_streams")); }

    public static long streams$offset() { return $LAYOUT.byteOffset(groupElement("streams")); }

    public static long start_time$offset() { return $LAYOUT.byteOffset(groupElement("start_time")); }

    public static long duration$offset() { return $LAYOUT.byteOffset(groupElement("duration")); }

    public static MemorySegment iformat(MemorySegment struct) { return struct.get(iformat$LAYOUT, iformat$offset()); }

    public static void iformat(MemorySegment struct, MemorySegment value) { struct.set(iformat$LAYOUT, iformat$offset(), value); }

    public static MemorySegment oformat(MemorySegment struct) { return struct.get(oformat$LAYOUT, oformat$offset()); }

    public static void oformat(MemorySegment struct, MemorySegment value) { struct.set(oformat$LAYOUT, oformat$offset(), value); }

    public static MemorySegment pb(MemorySegment struct) { return struct.get(pb$LAYOUT, pb$offset()); }

    public static void pb(MemorySegment struct, MemorySegment value) { struct.set(pb$LAYOUT, pb$offset(), value); }

    public static int nb_streams(MemorySegment struct) { return struct.get(nb_streams$LAYOUT, nb_streams$offset()); }

    public static void nb_streams(MemorySegment struct, int value) { struct.set(nb_streams$LAYOUT, nb_streams$offset(), value); }

    public static MemorySegment streams(MemorySegment struct) { return struct.get(streams$LAYOUT, streams$offset()); }

    public static void streams(MemorySegment struct, MemorySegment value) { struct.set(streams$LAYOUT, streams$offset(), value); }

    public static long start_time(MemorySegment struct) { return struct.get(start_time$LAYOUT, start_time$offset()); }

    public static void start_time(MemorySegment struct, long value) { struct.set(start_time$LAYOUT, start_time$offset(), value); }

    public static long duration(MemorySegment struct) { return struct.get(duration$LAYOUT, duration$offset()); }

    public static void duration(MemorySegment struct, long value) { struct.set(duration$LAYOUT, duration$offset(), value); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVFormatContext pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
