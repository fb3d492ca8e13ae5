package org.glm4j.tests.model;

import static org.glm4j.bindings.ffmpeg.avutil_h.C_INT;
import static org.glm4j.bindings.ffmpeg.avutil_h.C_POINTER;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.glm4j.bindings.ffmpeg.AVCodecContext;
import org.glm4j.bindings.ffmpeg.AVFormatContext;
import org.glm4j.bindings.ffmpeg.AVFrame;
import org.glm4j.bindings.ffmpeg.AVPacket;
import org.glm4j.bindings.ffmpeg.AVRational;
import org.glm4j.bindings.ffmpeg.AVStream;
import org.glm4j.bindings.ffmpeg.avcodec_h;
import org.glm4j.bindings.ffmpeg.avformat_h;
import org.glm4j.bindings.ffmpeg.avutil_h;
import org.glm4j.bindings.ffmpeg.swscale_h;
import org.glm4j.model.preprocess.RgbImage;

/**
 * Makes the test videos: synthetic RGB frames encoded with FFmpeg's own encoders through the same bindings the
 * decoder uses, into a container written by FFmpeg's muxers.
 */
final class TestVideos {
    private TestVideos() {}

    /** 16×16 blocks of flat colour; every block and channel moves by at least 20 levels from frame to frame. */
    static RgbImage frame(int index, int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                int[] c = blockColour(index, x / 16, y / 16);
                int o = (y * width + x) * 3;
                for (int k = 0; k < 3; k++) rgb[o + k] = (byte) c[k];
            }
        return new RgbImage(width, height, rgb);
    }

    static int[] blockColour(int index, int bx, int by) {
        return new int[] { 40 + (bx * 50 + index * 23) % 180, 40 + (by * 70 + index * 29) % 180, 40 + ((bx + by) * 40 + index * 31) % 180 };
    }

    /**
     * Encodes {@code frames} at {@code fps} with the encoder {@code encoder} (e.g. {@code mpeg4}, {@code libvpx})
     * in pixel format {@code pixFmt} into {@code file}, muxed as {@code muxer} (e.g. {@code mp4}).
     *
     * @return false when this FFmpeg build has no such encoder
     */
    static boolean encode(Path file, String muxer, String encoder, int pixFmt, int fps, List<RgbImage> frames) throws IOException {
        int w = frames.get(0).width(), h = frames.get(0).height();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment enc = avcodec_h.avcodec_find_encoder_by_name(arena.allocateFrom(encoder));
            if (enc.equals(MemorySegment.NULL)) return false;
            MemorySegment fmtSlot = arena.allocate(C_POINTER), codecSlot = arena.allocate(C_POINTER);
            MemorySegment frameSlot = arena.allocate(C_POINTER), packetSlot = arena.allocate(C_POINTER);
            MemorySegment sws = MemorySegment.NULL, oc = MemorySegment.NULL;
            try {
                check(avformat_h.avformat_alloc_output_context2(fmtSlot, MemorySegment.NULL, arena.allocateFrom(muxer),
                        arena.allocateFrom(file.toString())), "avformat_alloc_output_context2");
                oc = AVFormatContext.reinterpret(fmtSlot.get(C_POINTER, 0));
                MemorySegment st = AVStream.reinterpret(avformat_h.avformat_new_stream(oc, MemorySegment.NULL));
                MemorySegment cc = avcodec_h.avcodec_alloc_context3(enc);
                codecSlot.set(C_POINTER, 0, cc);
                cc = AVCodecContext.reinterpret(cc);
                AVCodecContext.width(cc, w);
                AVCodecContext.height(cc, h);
                AVCodecContext.pix_fmt(cc, pixFmt);
                AVRational.num(AVCodecContext.time_base(cc), 1);
                AVRational.den(AVCodecContext.time_base(cc), fps);
                AVRational.num(AVCodecContext.framerate(cc), fps);
                AVRational.den(AVCodecContext.framerate(cc), 1);
                AVCodecContext.gop_size(cc, 4);
                AVCodecContext.max_b_frames(cc, 0);
                AVCodecContext.bit_rate(cc, 4_000_000L);
                if (!muxer.equals("avi")) AVCodecContext.flags(cc, AVCodecContext.flags(cc) | avcodec_h.AV_CODEC_FLAG_GLOBAL_HEADER());
                if (encoder.startsWith("libvpx")) {
                    avutil_h.av_opt_set(cc, arena.allocateFrom("deadline"), arena.allocateFrom("realtime"), avutil_h.AV_OPT_SEARCH_CHILDREN());
                    avutil_h.av_opt_set(cc, arena.allocateFrom("crf"), arena.allocateFrom("4"), avutil_h.AV_OPT_SEARCH_CHILDREN());
                }
                if (encoder.equals("mjpeg") || encoder.equals("mpeg4")) {
                    avutil_h.av_opt_set(cc, arena.allocateFrom("qmin"), arena.allocateFrom("1"), 0);
                    avutil_h.av_opt_set(cc, arena.allocateFrom("qmax"), arena.allocateFrom("3"), 0);
                }
                check(avcodec_h.avcodec_open2(cc, enc, MemorySegment.NULL), "avcodec_open2 " + encoder);
                check(avcodec_h.avcodec_parameters_from_context(AVStream.codecpar(st), cc), "avcodec_parameters_from_context");
                AVRational.num(AVStream.time_base(st), 1);
                AVRational.den(AVStream.time_base(st), fps);
                check(avformat_h.avio_open(oc.asSlice(AVFormatContext.pb$offset(), C_POINTER.byteSize()), arena.allocateFrom(file.toString()),
                        avformat_h.AVIO_FLAG_WRITE()), "avio_open");
                check(avformat_h.avformat_write_header(oc, MemorySegment.NULL), "avformat_write_header");

                MemorySegment frame = AVFrame.reinterpret(avutil_h.av_frame_alloc());
                frameSlot.set(C_POINTER, 0, frame);
                AVFrame.width(frame, w);
                AVFrame.height(frame, h);
                AVFrame.format(frame, pixFmt);
                check(avutil_h.av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
                MemorySegment packet = AVPacket.reinterpret(avcodec_h.av_packet_alloc());
                packetSlot.set(C_POINTER, 0, packet);
                sws = swscale_h.sws_getContext(w, h, avutil_h.AV_PIX_FMT_RGB24(), w, h, pixFmt, swscale_h.SWS_BILINEAR(),
                        MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
                if (sws.equals(MemorySegment.NULL)) throw new IOException("sws_getContext RGB24 -> " + pixFmt);
                MemorySegment rgb = arena.allocate((long) w * h * 3 + 64, 64);
                MemorySegment srcData = arena.allocate(C_POINTER, 4), srcStride = arena.allocate(C_INT, 4);
                srcData.setAtIndex(C_POINTER, 0, rgb);
                srcStride.setAtIndex(C_INT, 0, w * 3);
                for (int i = 0; i < frames.size(); i++) {
                    MemorySegment.copy(frames.get(i).rgb(), 0, rgb, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, w * h * 3);
                    check(avutil_h.av_frame_make_writable(frame), "av_frame_make_writable");
                    swscale_h.sws_scale(sws, srcData, srcStride, 0, h, frame.asSlice(AVFrame.data$offset(), 64),
                            frame.asSlice(AVFrame.linesize$offset(), 32));
                    AVFrame.pts(frame, i);
                    check(avcodec_h.avcodec_send_frame(cc, frame), "avcodec_send_frame");
                    drain(oc, cc, st, packet);
                }
                check(avcodec_h.avcodec_send_frame(cc, MemorySegment.NULL), "avcodec_send_frame(NULL)");
                drain(oc, cc, st, packet);
                check(avformat_h.av_write_trailer(oc), "av_write_trailer");
                return true;
            } finally {
                if (!sws.equals(MemorySegment.NULL)) swscale_h.sws_freeContext(sws);
                if (!frameSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avutil_h.av_frame_free(frameSlot);
                if (!packetSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avcodec_h.av_packet_free(packetSlot);
                if (!codecSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avcodec_h.avcodec_free_context(codecSlot);
                if (!oc.equals(MemorySegment.NULL)) {
                    MemorySegment pb = oc.asSlice(AVFormatContext.pb$offset(), C_POINTER.byteSize());
                    if (!pb.get(C_POINTER, 0).equals(MemorySegment.NULL)) avformat_h.avio_closep(pb);
                    avformat_h.avformat_free_context(oc);
                }
            }
        }
    }

    private static void drain(MemorySegment oc, MemorySegment cc, MemorySegment st, MemorySegment packet) throws IOException {
        while (true) {
            int rc = avcodec_h.avcodec_receive_packet(cc, packet);
            if (rc == avutil_h.GLM4J_AVERROR_EAGAIN() || rc == avutil_h.AVERROR_EOF()) return;
            check(rc, "avcodec_receive_packet");
            // one frame per tick of 1/fps; without a duration the MP4 muxer leaves the last frame out of the stream's
            // duration, and avg_frame_rate = frames / duration comes out high
            if (AVPacket.duration(packet) == 0) AVPacket.duration(packet, 1);
            avcodec_h.av_packet_rescale_ts(packet, AVCodecContext.time_base(cc), AVStream.time_base(st));
            AVPacket.stream_index(packet, AVStream.index(st));
            check(avformat_h.av_interleaved_write_frame(oc, packet), "av_interleaved_write_frame");
        }
    }

    private static void check(int rc, String call) throws IOException {
        if (rc < 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(64);
                avutil_h.av_strerror(rc, buf, 64);
                throw new IOException(call + " -> " + rc + " (" + buf.getString(0) + ")");
            }
        }
    }
}
