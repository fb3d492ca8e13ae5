package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVCodecContext} ({@code libavcodec/avcodec.h} of FFmpeg 7.1): an open decoder or encoder. glm4j sets the
 * encoder fields the tests need. Only the fields glm4j touches are named ({@code codec_type, bit_rate, flags,
 * time_base, framerate, width, height, pix_fmt, max_b_frames, gop_size}); the rest is padding at the offsets of
 * FFmpeg 7.1, checked against the real headers by {@code FfmpegAbiTest}. FFmpeg allocates these structs itself
 * (their size is not part of its ABI), so the layout's size is the 7.1 size only for that check; glm4j never
 * allocates one.
 */
@SuppressWarnings("restricted")
public final class AVCodecContext {
    private AVCodecContext() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.paddingLayout(12),
            avutil_h.C_INT.withName("codec_type"),
            MemoryLayout.paddingLayout(40),
            avutil_h.C_LONG_LONG.withName("bit_rate"),
            avutil_h.C_INT.withName("flags"),
            MemoryLayout.paddingLayout(16),
            AVRational.layout().withName("time_base"),
            MemoryLayout.paddingLayout(8),
            AVRational.layout().withName("framerate"),
            MemoryLayout.paddingLayout(8),
            avutil_h.C_INT.withName("width"),
            avutil_h.C_INT.withName("height"),
            MemoryLayout.paddingLayout(16),
            avutil_h.C_INT.withName("pix_fmt"),
            MemoryLayout.paddingLayout(56),
            avutil_h.C_INT.withName("max_b_frames"),
            MemoryLayout.paddingLayout(128),
            avutil_h.C_INT.withName("gop_size"),
            MemoryLayout.paddingLayout(528)
    ).withName("AVCodecContext");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt codec_type$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("codec_type"));
    private static final ValueLayout.OfLong bit_rate$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("bit_rate"));
    private static final ValueLayout.OfInt flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("flags"));
    private static final ValueLayout.OfInt width$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("width"));
    private static final ValueLayout.OfInt height$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("height"));
    private static final ValueLayout.OfInt pix_fmt$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("pix_fmt"));
    private static final ValueLayout.OfInt max_b_frames$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_b_frames"));
    private static final ValueLayout.OfInt gop_size$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("gop_size"));

    public static long codec_type$offset() { return $LAYOUT.byteOffset(groupElement("codec_type")); }

    public static long bit_rate$offset() { return $LAYOUT.byteOffset(groupElement("bit_rate")); }

    public static long flags$offset() { return $LAYOUT.byteOffset(groupElement("flags")); }

    public static long time_base$offset() { return $LAYOUT.byteOffset(groupElement("time_base")); }

    public static long framerate$offset() { return $LAYOUT.byteOffset(groupElement("framerate")); }

    public static long width$offset() { return $LAYOUT.byteOffset(groupElement("width")); }

    public static long height$offset() { return $LAYOUT.byteOffset(groupElement("height")); }

    public static long pix_fmt$offset() { return $LAYOUT.byteOffset(groupElement("pix_fmt")); }

    public static long max_b_frames$offset() { return $LAYOUT.byteOffset(groupElement("max_b_frames")); }

    public static long gop_size$offset() { return $LAYOUT.byteOffset(groupElement("gop_size")); }

    public static int codec_type(MemorySegment struct) { return struct.get(codec_type$LAYOUT, codec_type$offset()); }

    public static void codec_type(MemorySegment struct, int value) { struct.set(codec_type$LAYOUT, codec_type$offset(), value); }

    public static long bit_rate(MemorySegment struct) { return struct.get(bit_rate$LAYOUT, bit_rate$offset()); }

    public static void bit_rate(MemorySegment struct, long value) { struct.set(bit_rate$LAYOUT, bit_rate$offset(), value); }

    public static int flags(MemorySegment struct) { return struct.get(flags$LAYOUT, flags$offset()); }

    public static void flags(MemorySegment struct, int value) { struct.set(flags$LAYOUT, flags$offset(), value); }

    /** The {@code AVRational} field in place (a slice of {@code struct}). */
    public static MemorySegment time_base(MemorySegment struct) { return struct.asSlice(time_base$offset(), AVRational.layout()); }

    /** The {@code AVRational} field in place (a slice of {@code struct}). */
    public static MemorySegment framerate(MemorySegment struct) { return struct.asSlice(framerate$offset(), AVRational.layout()); }

    public static int width(MemorySegment struct) { return struct.get(width$LAYOUT, width$offset()); }

    public static void width(MemorySegment struct, int value) { struct.set(width$LAYOUT, width$offset(), value); }

    public static int height(MemorySegment struct) { return struct.get(height$LAYOUT, height$offset()); }

    public static void height(MemorySegment struct, int value) { struct.set(height$LAYOUT, height$offset(), value); }

    public static int pix_fmt(MemorySegment struct) { return struct.get(pix_fmt$LAYOUT, pix_fmt$offset()); }

    public static void pix_fmt(MemorySegment struct, int value) { struct.set(pix_fmt$LAYOUT, pix_fmt$offset(), value); }

    public static int max_b_frames(MemorySegment struct) { return struct.get(max_b_frames$LAYOUT, max_b_frames$offset()); }

    public static void max_b_frames(MemorySegment struct, int value) { struct.set(max_b_frames$LAYOUT, max_b_frames$offset(), value); }

    public static int gop_size(MemorySegment struct) { return struct.get(gop_size$LAYOUT, gop_size$offset()); }

    public static void gop_size(MemorySegment struct, int value) { struct.set(gop_size$LAYOUT, gop_size$offset(), value); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVCodecContext pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
