package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVCodecParameters} ({@code libavcodec/codec_par.h} of FFmpeg 7.1): a stream's codec parameters. Only the
 * fields glm4j touches are named ({@code codec_type, codec_id, format, width, height}); the rest is padding at the
 * offsets of FFmpeg 7.1, checked against the real headers by {@code FfmpegAbiTest}. FFmpeg allocates these structs
 * itself (their size is not part of its ABI), so the layout's size is the 7.1 size only for that check; glm4j never
 * allocates one.
 */
@SuppressWarnings("restricted")
public final class AVCodecParameters {
    private AVCodecParameters() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            avutil_h.C_INT.withName("codec_type"),
            avutil_h.C_INT.withName("codec_id"),
            MemoryLayout.paddingLayout(36),
            avutil_h.C_INT.withName("format"),
            MemoryLayout.paddingLayout(24),
            avutil_h.C_INT.withName("width"),
            avutil_h.C_INT.withName("height"),
            MemoryLayout.paddingLayout(96)
    ).withName("AVCodecParameters");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt codec_type$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("codec_type"));
    private static final ValueLayout.OfInt codec_id$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("codec_id"));
    private static final ValueLayout.OfInt format$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("format"));
    private static final ValueLayout.OfInt width$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("width"));
    private static final ValueLayout.OfInt height$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("height"));

    public static long codec_type$offset() { return $LAYOUT.byteOffset(groupElement("codec_type")); }

    public static long codec_id$offset() { return $LAYOUT.byteOffset(groupElement("codec_id")); }

    public static long format$offset() { return $LAYOUT.byteOffset(groupElement("format")); }

    public static long width$offset() { return $LAYOUT.byteOffset(groupElement("width")); }

    public static long height$offset() { return $LAYOUT.byteOffset(groupElement("height")); }

    public static int codec_type(MemorySegment struct) { return struct.get(codec_type$LAYOUT, codec_type$offset()); }

    public static void codec_type(MemorySegment struct, int value) { struct.set(codec_type$LAYOUT, codec_type$offset(), value); }

    public static int codec_id(MemorySegment struct) { return struct.get(codec_id$LAYOUT, codec_id$offset()); }

    public static void codec_id(MemorySegment struct, int value) { struct.set(codec_id$LAYOUT, codec_id$offset(), value); }

    public static int format(MemorySegment struct) { return struct.get(format$LAYOUT, format$offset()); }

    public static void format(MemorySegment struct, int value) { struct.set(format$LAYOUT, format$offset(), value); }

    public static int width(MemorySegment struct) { return struct.get(width$LAYOUT, width$offset()); }

    public static void width(MemorySegment struct, int value) { struct.set(width$LAYOUT, width$offset(), value); }

    public static int height(MemorySegment struct) { return struct.get(height$LAYOUT, height$offset()); }

    public static void height(MemorySegment struct, int value) { struct.set(height$LAYOUT, height$offset(), value); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVCodecParameters pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
