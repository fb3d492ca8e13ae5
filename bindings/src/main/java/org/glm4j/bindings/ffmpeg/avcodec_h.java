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
 * FFmpeg's libavcodec ({@code libavcodec/avcodec.h}, {@code codec_id.h}, {@code packet.h} of FFmpeg 7.1) in jextract's
 * form, limited to what glm4j calls: finding a codec, opening a context from stream parameters, the
 * send/receive decoding and encoding calls, and packets.
 *
 * <p>Each function resolves its symbol on first call through {@link FfmpegLibrary#load()}; {@link #FUNCTIONS}
 * lists every symbol so that loading can check them all up front. Constants are static methods returning their
 * value, as jextract writes them. Pointers to FFmpeg's structs are {@code MemorySegment} addresses (zero-length
 * as returned; read them through the struct classes of this package).
 */
@SuppressWarnings({"unused", "restricted"})
public final class avcodec_h {
    private avcodec_h() {}

    static final String LIBRARY = "libavcodec";

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /** Every function these bindings call, for the up-front symbol check. */
    public static final List<String> FUNCTIONS = List.of(
            "avcodec_version", "avcodec_find_decoder", "avcodec_find_encoder", "avcodec_find_encoder_by_name",
            "avcodec_get_name", "avcodec_alloc_context3", "avcodec_free_context", "avcodec_parameters_to_context",
            "avcodec_parameters_from_context", "avcodec_open2", "avcodec_send_packet", "avcodec_receive_frame",
            "avcodec_send_frame", "avcodec_receive_packet", "av_packet_alloc", "av_packet_free", "av_packet_unref",
            "av_packet_rescale_ts");

    // ---------------------------------------------------------------- functions

    private static final class avcodec_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_version", DESC);
    }

    public static int avcodec_version() {
        try {
            return (int) avcodec_version.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_version", t);
        }
    }

    private static final class avcodec_find_decoder {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_find_decoder", DESC);
    }

    public static MemorySegment avcodec_find_decoder(int id) {
        try {
            return (MemorySegment) avcodec_find_decoder.HANDLE.invokeExact(id);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_find_decoder", t);
        }
    }

    private static final class avcodec_find_encoder {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_find_encoder", DESC);
    }

    public static MemorySegment avcodec_find_encoder(int id) {
        try {
            return (MemorySegment) avcodec_find_encoder.HANDLE.invokeExact(id);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_find_encoder", t);
        }
    }

    private static final class avcodec_find_encoder_by_name {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_find_encoder_by_name", DESC);
    }

    public static MemorySegment avcodec_find_encoder_by_name(MemorySegment name) {
        try {
            return (MemorySegment) avcodec_find_encoder_by_name.HANDLE.invokeExact(name);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_find_encoder_by_name", t);
        }
    }

    private static final class avcodec_get_name {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_get_name", DESC);
    }

    public static MemorySegment avcodec_get_name(int id) {
        try {
            return (MemorySegment) avcodec_get_name.HANDLE.invokeExact(id);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_get_name", t);
        }
    }

    private static final class avcodec_alloc_context3 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_alloc_context3", DESC);
    }

    public static MemorySegment avcodec_alloc_context3(MemorySegment codec) {
        try {
            return (MemorySegment) avcodec_alloc_context3.HANDLE.invokeExact(codec);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_alloc_context3", t);
        }
    }

    private static final class avcodec_free_context {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_free_context", DESC);
    }

    public static void avcodec_free_context(MemorySegment avctx) {
        try {
            avcodec_free_context.HANDLE.invokeExact(avctx);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_free_context", t);
        }
    }

    private static final class avcodec_parameters_to_context {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_parameters_to_context", DESC);
    }

    public static int avcodec_parameters_to_context(MemorySegment codec, MemorySegment par) {
        try {
            return (int) avcodec_parameters_to_context.HANDLE.invokeExact(codec, par);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_parameters_to_context", t);
        }
    }

    private static final class avcodec_parameters_from_context {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_parameters_from_context", DESC);
    }

    public static int avcodec_parameters_from_context(MemorySegment par, MemorySegment codec) {
        try {
            return (int) avcodec_parameters_from_context.HANDLE.invokeExact(par, codec);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_parameters_from_context", t);
        }
    }

    private static final class avcodec_open2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_open2", DESC);
    }

    public static int avcodec_open2(MemorySegment avctx, MemorySegment codec, MemorySegment options) {
        try {
            return (int) avcodec_open2.HANDLE.invokeExact(avctx, codec, options);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_open2", t);
        }
    }

    private static final class avcodec_send_packet {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_send_packet", DESC);
    }

    public static int avcodec_send_packet(MemorySegment avctx, MemorySegment avpkt) {
        try {
            return (int) avcodec_send_packet.HANDLE.invokeExact(avctx, avpkt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_send_packet", t);
        }
    }

    private static final class avcodec_receive_frame {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_receive_frame", DESC);
    }

    public static int avcodec_receive_frame(MemorySegment avctx, MemorySegment frame) {
        try {
            return (int) avcodec_receive_frame.HANDLE.invokeExact(avctx, frame);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_receive_frame", t);
        }
    }

    private static final class avcodec_send_frame {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_send_frame", DESC);
    }

    public static int avcodec_send_frame(MemorySegment avctx, MemorySegment frame) {
        try {
            return (int) avcodec_send_frame.HANDLE.invokeExact(avctx, frame);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_send_frame", t);
        }
    }

    private static final class avcodec_receive_packet {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "avcodec_receive_packet", DESC);
    }

    public static int avcodec_receive_packet(MemorySegment avctx, MemorySegment avpkt) {
        try {
            return (int) avcodec_receive_packet.HANDLE.invokeExact(avctx, avpkt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("avcodec_receive_packet", t);
        }
    }

    private static final class av_packet_alloc {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_packet_alloc", DESC);
    }

    public static MemorySegment av_packet_alloc() {
        try {
            return (MemorySegment) av_packet_alloc.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_packet_alloc", t);
        }
    }

    private static final class av_packet_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_packet_free", DESC);
    }

    public static void av_packet_free(MemorySegment pkt) {
        try {
            av_packet_free.HANDLE.invokeExact(pkt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_packet_free", t);
        }
    }

    private static final class av_packet_unref {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_packet_unref", DESC);
    }

    public static void av_packet_unref(MemorySegment pkt) {
        try {
            av_packet_unref.HANDLE.invokeExact(pkt);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_packet_unref", t);
        }
    }

    private static final class av_packet_rescale_ts {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, AVRational.layout(), AVRational.layout());
        static final MethodHandle HANDLE = Downcalls.find(FfmpegLibrary.lookup(LIBRARY), LIBRARY, "av_packet_rescale_ts", DESC);
    }

    public static void av_packet_rescale_ts(MemorySegment pkt, MemorySegment tb_src, MemorySegment tb_dst) {
        try {
            av_packet_rescale_ts.HANDLE.invokeExact(pkt, tb_src, tb_dst);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("av_packet_rescale_ts", t);
        }
    }

    // ---------------------------------------------------------------- constants

    public static int AV_CODEC_ID_NONE() { return 0; }

    public static int AV_CODEC_ID_MJPEG() { return 7; }

    public static int AV_CODEC_ID_MPEG4() { return 12; }

    public static int AV_CODEC_ID_H264() { return 27; }

    public static int AV_CODEC_ID_VP8() { return 139; }

    public static int AV_CODEC_ID_VP9() { return 167; }

    public static int AV_CODEC_ID_AV1() { return 225; }

    public static int AV_CODEC_FLAG_GLOBAL_HEADER() { return 4194304; }

    public static int AV_INPUT_BUFFER_PADDING_SIZE() { return 64; }
}
