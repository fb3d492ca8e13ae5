package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

/**
 * {@code AVInputFormat} ({@code libavformat/avformat.h} of FFmpeg 7.1): a demuxer's description; glm4j reads its
 * names for messages. Only the fields glm4j touches are named ({@code name, long_name}); the rest is padding at the
 * offsets of FFmpeg 7.1, checked against the real headers by {@code FfmpegAbiTest}. FFmpeg allocates these structs
 * itself (their size is not part of its ABI), so the layout's size is the 7.1 size only for that check; glm4j never
 * allocates one.
 */
@SuppressWarnings("restricted")
public final class AVInputFormat {
    private AVInputFormat() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            avutil_h.C_POINTER.withName("name"),
            avutil_h.C_POINTER.withName("long_name"),
            MemoryLayout.paddingLayout(40)
    ).withName("AVInputFormat");

    /** The struct's layout (named fields at their 7.1 offsets, padding elsewhere). */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final AddressLayout name$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("name"));
    private static final AddressLayout long_name$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("long_name"));

    public static long name$offset() { return $LAYOUT.byteOffset(groupElement("name")); }

    public static long long_name$offset() { return $LAYOUT.byteOffset(groupElement("long_name")); }

    public static MemorySegment name(MemorySegment struct) { return struct.get(name$LAYOUT, name$offset()); }

    public static void name(MemorySegment struct, MemorySegment value) { struct.set(name$LAYOUT, name$offset(), value); }

    public static MemorySegment long_name(MemorySegment struct) { return struct.get(long_name$LAYOUT, long_name$offset()); }

    public static void long_name(MemorySegment struct, MemorySegment value) { struct.set(long_name$LAYOUT, long_name$offset(), value); }

    /** The struct behind a pointer FFmpeg returned (a zero-length segment), sized to the layout. */
    public static MemorySegment reinterpret(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) throw new IllegalArgumentException("NULL AVInputFormat pointer");
        return pointer.reinterpret(layout().byteSize());
    }

    public static long sizeof() { return layout().byteSize(); }
}
