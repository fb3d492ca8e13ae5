package org.glm4j.bindings.ffmpeg;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.glm4j.bindings.Downcalls;

/**
 * FFmpeg's libswscale ({@code libswscale/swscale.h} of FFmpeg 7.1) in jextract's form, limited to what glm4j calls:
 * a scaling/conversion context, {@code sws_scale}, and freeing it.
 *
 * <p>Each function resolves its symbol on first call through {@link FfmpegLibrary#load()}; {@link #FUNCTIONS}
 * lists every symbol so that loading can check them all up front. Constants are static methods returning their
 * value, as jextract writes them. Pointers to FFmpeg's structs are {@code MemorySegment} addresses (zero-length
 * as returned; read them through the struct classes of this package).
 */
@SuppressWarnings({"unused", "restricted"})
public final class swscale_h {
    private swscale_h() {}

    static final String LIBRARY = "libswscale";

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "swscale_version", "sws_getContext", "sws_scale", "sws_freeContext");

    // ---------------------------------------------------------------- functions

    private static final class swscale_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "swscale_version", DESC);
    }

    public static int swscale_version() {
        try {
            return (int) swscale_version.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("swscale_version", t);
        }
    }

    private static final class sws_getContext {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "sws_getContext", DESC);
    }

    public static MemorySegment sws_getContext(int srcW, int srcH, int srcFormat, int dstW, int dstH, int dstFormat, int flags, MemorySegment srcFilter, MemorySegment dstFilter, MemorySegment param) {
        try {
            return (MemorySegment) sws_getContext.HANDLE.invokeExact(srcW, srcH, srcFormat, dstW, dstH, dstFormat, flags, srcFilter, dstFilter, param);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("sws_getContext", t);
        }
    }

    private static final class sws_scale {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "sws_scale", DESC);
    }

    public static int sws_scale(MemorySegment c, MemorySegment srcSlice, MemorySegment srcStride, int srcSliceY, int srcSliceH, MemorySegment dst, MemorySegment dstStride) {
        try {
            return (int) sws_scale.HANDLE.invokeExact(c, srcSlice, srcStride, srcSliceY, srcSliceH, dst, dstStride);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("sws_scale", t);
        }
    }

    private static final class sws_freeContext {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "sws_freeContext", DESC);
    }

    public static void sws_freeContext(MemorySegment swsContext) {
        try {
            sws_freeContext.HANDLE.invokeExact(swsContext);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("sws_freeContext", t);
        }
    }

    // ---------------------------------------------------------------- constants

    public static int SWS_FAST_BILINEAR() { return 1; }

    public static int SWS_BILINEAR() { return 2; }

    public static int SWS_BICUBIC() { return 4; }

    public static int SWS_POINT() { return 16; }

    public static int SWS_FULL_CHR_H_INT() { return 8192; }

    public static int SWS_ACCURATE_RND() { return 262144; }
}
