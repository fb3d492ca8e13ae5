package org.glm4j.bindings.ffmpeg;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

/**
 * {@code AVRational} ({@code libavutil/rational.h}: {@code int num, den}) in jextract's form. Passed by value to
 * {@code av_packet_rescale_ts} and embedded in {@link AVStream} and {@link AVCodecContext}.
 */
public final class AVRational {
    private AVRational() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            avutil_h.C_INT.withName("num"),
            avutil_h.C_INT.withName("den")
    ).withName("AVRational");

    /** The struct's layout. */
    public static GroupLayout layout() { return $LAYOUT; }

    private static final ValueLayout.OfInt num$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("num"));
    private static final ValueLayout.OfInt den$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("den"));

    public static long num$offset() { return $LAYOUT.byteOffset(groupElement("num")); }

    public static long den$offset() { return $LAYOUT.byteOffset(groupElement("den")); }

    public static int num(MemorySegment struct) { return struct.get(num$LAYOUT, num$offset()); }

    public static void num(MemorySegment struct, int value) { struct.set(num$LAYOUT, num$offset(), value); }

    public static int den(MemorySegment struct) { return struct.get(den$LAYOUT, den$offset()); }

    public static void den(MemorySegment struct, int value) { struct.set(den$LAYOUT, den$offset(), value); }

    /** A new {@code AVRational} {@code num/den} from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator, int num, int den) {
        MemorySegment r = allocator.allocate($LAYOUT);
        num(r, num);
        den(r, den);
        return r;
    }

    /** {@code num/den} as a double ({@code av_q2d}, an inline function in the header); NaN when {@code den} is 0. */
    public static double toDouble(MemorySegment struct) {
        int d = den(struct);
        return d == 0 ? Double.NaN : (double) num(struct) / d;
    }

    public static long sizeof() { return layout().byteSize(); }
}
