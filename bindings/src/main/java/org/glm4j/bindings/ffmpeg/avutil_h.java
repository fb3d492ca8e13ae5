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
 * FFmpeg's libavutil ({@code libavutil/avutil.h} with {@code frame.h}, {@code error.h}, {@code opt.h}, {@code pixfmt.h}
 * and {@code log.h} of FFmpeg 7.1) in jextract's form, limited to what glm4j calls: frames, error strings, options
 * and the log level.
 *
 * <p>Each function resolves its symbol on first call through {@link FfmpegLibrary#load()}; {@link #FUNCTIONS}
 * lists every symbol so that loading can check them all up front. Constants are static methods returning their
 * value, as jextract writes them. Pointers to FFmpeg's structs are {@code MemorySegment} addresses (zero-length
 * as returned; read them through the struct classes of this package).
 */
@SuppressWarnings({"unused", "restricted"})
public final class avutil_h {
    private avutil_h() {}

    static final String LIBRARY = "libavutil";

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "avutil_version", "av_version_info", "av_frame_alloc", "av_frame_free", "av_frame_unref",
            "av_frame_get_buffer", "av_frame_make_writable", "av_strerror", "av_log_set_level", "av_log_get_level",
            "av_opt_set", "av_opt_set_int", "av_get_pix_fmt_name");

    // ---------------------------------------------------------------- functions

    private static final class avutil_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avutil_version", DESC);
    }

    public static int avutil_version() {
        try {
            return (int) avutil_version.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avutil_version", t);
        }
    }

    private static final class av_version_info {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_version_info", DESC);
    }

    public static MemorySegment av_version_info() {
        try {
            return (MemorySegment) av_version_info.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_version_info", t);
        }
    }

    private static final class av_frame_alloc {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_frame_alloc", DESC);
    }

    public static MemorySegment av_frame_alloc() {
        try {
            return (MemorySegment) av_frame_alloc.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_frame_alloc", t);
        }
    }

    private static final class av_frame_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_frame_free", DESC);
    }

    public static void av_frame_free(MemorySegment frame) {
        try {
            av_frame_free.HANDLE.invokeExact(frame);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_frame_free", t);
        }
    }

    private static final class av_frame_unref {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_frame_unref", DESC);
    }

    public static void av_frame_unref(MemorySegment frame) {
        try {
            av_frame_unref.HANDLE.invokeExact(frame);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_frame_unref", t);
        }
    }

    private static final class av_frame_get_buffer {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_frame_get_buffer", DESC);
    }

    public static int av_frame_get_buffer(MemorySegment frame, int align) {
        try {
            return (int) av_frame_get_buffer.HANDLE.invokeExact(frame, align);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_frame_get_buffer", t);
        }
    }

    private static final class av_frame_make_writable {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_frame_make_writable", DESC);
    }

    public static int av_frame_make_writable(MemorySegment frame) {
        try {
            return (int) av_frame_make_writable.HANDLE.invokeExact(frame);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_frame_make_writable", t);
        }
    }

    private static final class av_strerror {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_strerror", DESC);
    }

    public static int av_strerror(int errnum, MemorySegment errbuf, long errbuf_size) {
        try {
            return (int) av_strerror.HANDLE.invokeExact(errnum, errbuf, errbuf_size);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_strerror", t);
        }
    }

    private static final class av_log_set_level {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_log_set_level", DESC);
    }

    public static void av_log_set_level(int level) {
        try {
            av_log_set_level.HANDLE.invokeExact(level);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_log_set_level", t);
        }
    }

    private static final class av_log_get_level {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_log_get_level", DESC);
    }

    public static int av_log_get_level() {
        try {
            return (int) av_log_get_level.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_log_get_level", t);
        }
    }

    private static final class av_opt_set {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_opt_set", DESC);
    }

    public static int av_opt_set(MemorySegment obj, MemorySegment name, MemorySegment val, int search_flags) {
        try {
            return (int) av_opt_set.HANDLE.invokeExact(obj, name, val, search_flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_opt_set", t);
        }
    }

    private static final class av_opt_set_int {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG_LONG, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_opt_set_int", DESC);
    }

    public static int av_opt_set_int(MemorySegment obj, MemorySegment name, long val, int search_flags) {
        try {
            return (int) av_opt_set_int.HANDLE.invokeExact(obj, name, val, search_flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_opt_set_int", t);
        }
    }

    private static final class av_get_pix_fmt_name {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_get_pix_fmt_name", DESC);
    }

    public static MemorySegment av_get_pix_fmt_name(int pix_fmt) {
        try {
            return (MemorySegment) av_get_pix_fmt_name.HANDLE.invokeExact(pix_fmt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_get_pix_fmt_name", t);
        }
    }

    // ---------------------------------------------------------------- constants

    public static int AVMEDIA_TYPE_UNKNOWN() { return -1; }

    public static int AVMEDIA_TYPE_VIDEO() { return 0; }

    public static int AVMEDIA_TYPE_AUDIO() { return 1; }

    public static int AV_PIX_FMT_NONE() { return -1; }

    public static int AV_PIX_FMT_YUV420P() { return 0; }

    public static int AV_PIX_FMT_RGB24() { return 2; }

    public static int AV_PIX_FMT_YUVJ420P() { return 12; }

    public static long AV_NOPTS_VALUE() { return Long.MIN_VALUE; }

    public static int AV_TIME_BASE() { return 1000000; }

    public static int AVERROR_EOF() { return -541478725; }

    public static int AVERROR_INVALIDDATA() { return -1094995529; }

    public static int AVERROR_STREAM_NOT_FOUND() { return -1381258232; }

    public static int AVERROR_DECODER_NOT_FOUND() { return -1128613112; }

    /** {@code AVERROR(EAGAIN)} (a function-like macro; {@code native/jextract/ffmpeg/glm4j_ffmpeg.h} names it). */
    public static int GLM4J_AVERROR_EAGAIN() { return -11; }

    /** {@code AVERROR(ENOMEM)} (a function-like macro; {@code native/jextract/ffmpeg/glm4j_ffmpeg.h} names it). */
    public static int GLM4J_AVERROR_ENOMEM() { return -12; }

    public static int AV_LOG_QUIET() { return -8; }

    public static int AV_LOG_ERROR() { return 16; }

    public static int AV_LOG_WARNING() { return 24; }

    public static int AV_OPT_SEARCH_CHILDREN() { return 1; }

    public static int AV_ERROR_MAX_STRING_SIZE() { return 64; }

    public static int AV_NUM_DATA_POINTERS() { return 8; }
}
