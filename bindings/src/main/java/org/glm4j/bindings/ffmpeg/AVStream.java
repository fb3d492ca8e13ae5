package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVStream} ({@code libavformat/avformat.h} of FFmpeg 7.1): one stream of a container. Only the fields glm4j
 * touches are named ({@code index, codecpar, time_base, start_time, duration, nb_frames, disposition,
 * avg_frame_rate, r_frame_rate}); the rest is padding at the offsets of FFmpeg 7.1, checked against the real
 * headers by {@code FfmpegAbiTest}. FFmpeg allocates these structs itself (their size is not part of its ABI), so
 * the layout's size is the 7.1 size only for that check; glm4j never allocates one.
 */
@SuppressWarnings("restricted")
public final class AVStream {
    private AVStream() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.paddingLayout(8),
            avutil_h.C_INT.withName("index"),
            MemoryLayout.paddingLayout(4),
            avutil_h.C_POINTER.withName("codecpar"),
            MemoryLayout.paddingLayout(8),
            AVRational.layout().withName("time_base"),
            avutil_h.C_LONG_LONG.withName("start_time"),
            avutil_h.C_LONG_LONG.withName("duration"),
            avutil_h.C_LONG_LONG.withName("nb_frames"),
            avutil_h.C_INT.withName("disposition"),
            MemoryLayout.paddingLayout(20),
            AVRational.layout().withName("avg_frame_rate"),
            MemoryLayout.paddingLayout(120),
            AVRational.layout().withName("r_frame_rate"),
            MemoryLayout.paddingLayout(8)
    ).withName("AVStream");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt index$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("index"));
    private static final AddressLayout codecpar$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("codecpar"));
    private static final ValueLayout.OfLong start_time$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("start_time"));
    private static final ValueLayout.OfLong duration$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("duration"));
    private static final ValueLayout.OfLong nb_frames$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("nb_frames"));
    private static final ValueLayout.OfInt disposition$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("disposition"));

    public static long index$offset() { return $LAYOUT.byteOffset(groupElement("index")); }

    public static long codecpar$offset() { return $LAYOUT.byteOffset(groupElement("codecpar")); }

    public static long time_base$offset() { return $LAYOUT.byteOffset(groupElement("time_base")); }

    public static long start_time$offset() { return $LAYOUT.byteOffset(groupElement("start_time")); }

    public static long duration$offset() { return $LAYOUT.byteOffset(groupElement("duration")); }

    public static long nb_frames$offset() { return $LAYOUT.byteOffset(groupElement("nb_frames")); }

    public static long disposition$offset() { return $LAYOUT.byteOffset(groupElement("disposition")); }

    public static long avg_frame_rate$offset() { return $LAYOUT.byteOffset(groupElement("avg_frame_rate")); }

    public static long r_frame_rate$offset() { return $LAYOUT.byteOffset(groupElement("r_frame_rate")); }

    public static int index(MemorySegment struct) { return struct.get(index$LAYOUT, index$offset()); }

    public static void index(MemorySegment struct, int value) { struct.set(index$LAYOUT, index$offset(), value); }

    public static MemorySegment codecpar(MemorySegment struct) { return struct.get(codecpar$LAYOUT, codecpar$offset()); }

    public static void codecpar(MemorySegment struct, MemorySegment value) { struct.set(codecpar$LAYOUT, codecpar$offset(), value); }

    /** The {@code AVRational} field in place (a slice of {@code struct}). */
    public static MemorySegment time_base(MemorySegment struct) { return struct.asSlice(time_base$offset(), AVRational.layout()); }

    public static long start_time(MemorySegment struct) { return struct.get(start_time$LAYOUT, start_time$offset()); }

    public static void start_time(MemorySegment struct, long value) { struct.set(start_time$LAYOUT, start_time$offset(), value); }

    public static long duration(MemorySegment struct) { return struct.get(duration$LAYOUT, duration$offset()); }

    public static void duration(MemorySegment struct, long value) { struct.set(duration$LAYOUT, duration$offset(), value); }

    public static long nb_frames(MemorySegment struct) { return struct.get(nb_frames$LAYOUT, nb_frames$offset()); }

    public static void nb_frames(MemorySegment struct, long value) { struct.set(nb_frames$LAYOUT, nb_frames$offset(), value); }

    public static int disposition(MemorySegment struct) { return struct.get(disposition$LAYOUT, disposition$offset()); }

    public static void disposition(MemorySegment struct, int value) { struct.set(disposition$LAYOUT, disposition$offset(), value); }

    /** The {@code AVRational} field in place (a slice of {@code struct}). */
    public static MemorySegment avg_frame_rate(MemorySegment struct) { return struct.asSlice(avg_frame_rate$offset(), AVRational.layout()); }

    /** The {@code AVRational} field in place (a slice of {@code struct}). */
    public static MemorySegment r_frame_rate(MemorySegment struct) { return struct.asSlice(r_frame_rate$offset(), AVRational.layout()); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVStream pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
