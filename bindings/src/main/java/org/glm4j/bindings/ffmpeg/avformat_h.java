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
 * FFmpeg's libavformat ({@code libavformat/avformat.h} and {@code avio.h} of FFmpeg 7.1) in jextract's form, limited
 * to what glm4j calls: opening and probing an input, the best video stream, reading packets, and (for the tests,
 * which make their own videos) writing a file.
 *
 * <p>Each function resolves its symbol on first call through {@link FfmpegLibrary#load()}; {@link #FUNCTIONS}
 * lists every symbol so that loading can check them all up front. Constants are static methods returning their
 * value, as jextract writes them. Pointers to FFmpeg's structs are {@code MemorySegment} addresses (zero-length
 * as returned; read them through the struct classes of this package).
 */
@SuppressWarnings({"unused", "restricted"})
public final class avformat_h {
    private avformat_h() {}

    static final String LIBRARY = "libavformat";

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "avformat_version", "avformat_open_input", "avformat_find_stream_info", "av_find_best_stream",
            "av_read_frame", "avformat_close_input", "avformat_alloc_output_context2", "avformat_new_stream",
            "avformat_write_header", "av_interleaved_write_frame", "av_write_trailer", "avformat_free_context",
            "avio_open", "avio_closep");

    // ---------------------------------------------------------------- functions

    private static final class avformat_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_version", DESC);
    }

    public static int avformat_version() {
        try {
            return (int) avformat_version.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_version", t);
        }
    }

    private static final class avformat_open_input {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_open_input", DESC);
    }

    public static int avformat_open_input(MemorySegment ps, MemorySegment url, MemorySegment fmt, MemorySegment options) {
        try {
            return (int) avformat_open_input.HANDLE.invokeExact(ps, url, fmt, options);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_open_input", t);
        }
    }

    private static final class avformat_find_stream_info {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_find_stream_info", DESC);
    }

    public static int avformat_find_stream_info(MemorySegment ic, MemorySegment options) {
        try {
            return (int) avformat_find_stream_info.HANDLE.invokeExact(ic, options);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_find_stream_info", t);
        }
    }

    private static final class av_find_best_stream {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_find_best_stream", DESC);
    }

    public static int av_find_best_stream(MemorySegment ic, int type, int wanted_stream_nb, int related_stream, MemorySegment decoder_ret, int flags) {
        try {
            return (int) av_find_best_stream.HANDLE.invokeExact(ic, type, wanted_stream_nb, related_stream, decoder_ret, flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_find_best_stream", t);
        }
    }

    private static final class av_read_frame {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_read_frame", DESC);
    }

    public static int av_read_frame(MemorySegment s, MemorySegment pkt) {
        try {
            return (int) av_read_frame.HANDLE.invokeExact(s, pkt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_read_frame", t);
        }
    }

    private static final class avformat_close_input {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_close_input", DESC);
    }

    public static void avformat_close_input(MemorySegment s) {
        try {
            avformat_close_input.HANDLE.invokeExact(s);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_close_input", t);
        }
    }

    private static final class avformat_alloc_output_context2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_alloc_output_context2", DESC);
    }

    public static int avformat_alloc_output_context2(MemorySegment ctx, MemorySegment oformat, MemorySegment format_name, MemorySegment filename) {
        try {
            return (int) avformat_alloc_output_context2.HANDLE.invokeExact(ctx, oformat, format_name, filename);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_alloc_output_context2", t);
        }
    }

    private static final class avformat_new_stream {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_new_stream", DESC);
    }

    public static MemorySegment avformat_new_stream(MemorySegment s, MemorySegment c) {
        try {
            return (MemorySegment) avformat_new_stream.HANDLE.invokeExact(s, c);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_new_stream", t);
        }
    }

    private static final class avformat_write_header {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_write_header", DESC);
    }

    public static int avformat_write_header(MemorySegment s, MemorySegment options) {
        try {
            return (int) avformat_write_header.HANDLE.invokeExact(s, options);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_write_header", t);
        }
    }

    private static final class av_interleaved_write_frame {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_interleaved_write_frame", DESC);
    }

    public static int av_interleaved_write_frame(MemorySegment s, MemorySegment pkt) {
        try {
            return (int) av_interleaved_write_frame.HANDLE.invokeExact(s, pkt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_interleaved_write_frame", t);
        }
    }

    private static final class av_write_trailer {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_write_trailer", DESC);
    }

    public static int av_write_trailer(MemorySegment s) {
        try {
            return (int) av_write_trailer.HANDLE.invokeExact(s);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_write_trailer", t);
        }
    }

    private static final class avformat_free_context {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avformat_free_context", DESC);
    }

    public static void avformat_free_context(MemorySegment s) {
        try {
            avformat_free_context.HANDLE.invokeExact(s);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avformat_free_context", t);
        }
    }

    private static final class avio_open {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avio_open", DESC);
    }

    public static int avio_open(MemorySegment s, MemorySegment url, int flags) {
        try {
            return (int) avio_open.HANDLE.invokeExact(s, url, flags);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avio_open", t);
        }
    }

    private static final class avio_closep {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avio_closep", DESC);
    }

    public static int avio_closep(MemorySegment s) {
        try {
            return (int) avio_closep.HANDLE.invokeExact(s);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avio_closep", t);
        }
    }

    // ---------------------------------------------------------------- constants

    public static int AVIO_FLAG_READ() { return 1; }

    public static int AVIO_FLAG_WRITE() { return 2; }

    public static int AVFMT_NOFILE() { return 1; }

    public static int AVFMT_GLOBALHEADER() { return 64; }
}
