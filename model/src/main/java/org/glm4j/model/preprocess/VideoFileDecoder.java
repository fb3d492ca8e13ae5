package org.glm4j.model.preprocess;

import static org.glm4j.bindings.ffmpeg.avutil_h.C_INT;
import static org.glm4j.bindings.ffmpeg.avutil_h.C_POINTER;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.ffmpeg.AVCodecParameters;
import org.glm4j.bindings.ffmpeg.AVFormatContext;
import org.glm4j.bindings.ffmpeg.AVFrame;
import org.glm4j.bindings.ffmpeg.AVInputFormat;
import org.glm4j.bindings.ffmpeg.AVPacket;
import org.glm4j.bindings.ffmpeg.AVRational;
import org.glm4j.bindings.ffmpeg.AVStream;
import org.glm4j.bindings.ffmpeg.FfmpegLibrary;
import org.glm4j.bindings.ffmpeg.avcodec_h;
import org.glm4j.bindings.ffmpeg.avformat_h;
import org.glm4j.bindings.ffmpeg.avutil_h;
import org.glm4j.bindings.ffmpeg.swscale_h;

/**
 * Opens a video file (MP4, WebM, MKV, AVI, … whatever the loaded FFmpeg demuxes and decodes) as a {@link Video}
 * through FFmpeg's libavformat/libavcodec ({@link FfmpegLibrary}).
 *
 * <p>{@link #open} reads the metadata only: the best video stream, its frame rate ({@code avg_frame_rate}, else
 * {@code r_frame_rate}; NaN when neither is known), its frame count ({@code nb_frames}, else the stream's packets
 * counted without decoding) and, as transformers' video decoders report it, {@code duration = frames / fps}. The
 * frame size and count are checked against the caps before anything is decoded. The returned video's frames decode
 * sequentially on demand: asking for increasing indices (as {@link VideoProcessor} does) decodes each frame once and
 * converts only the requested ones to RGB ({@code sws_scale} to RGB24, bilinear, FFmpeg's default BT.601
 * coefficients as PyAV's {@code to_ndarray} uses them); a lower index than the last one starts again from the
 * beginning. The native decoder is released after the last frame, by {@link FileFrames#close()}, or when the
 * video becomes unreachable.
 *
 * <p>Corrupt, truncated or unsupported files, files without a video stream and missing files give an
 * {@link IOException} naming the file and the reason; so does a missing FFmpeg library (its one-line reason).
 * A decoder holds no global state: each {@link #open} has its own FFmpeg contexts, and one video's frames may be
 * read from any thread (calls are serialised).
 */
public final class VideoFileDecoder {
    /** Default cap on the frame size (width × height): 8K UHD, 7680 × 4320. */
    public static final long DEFAULT_MAX_PIXELS = 7680L * 4320;
    /** Default cap on the number of frames: 500,000 (2.3 hours at 60 fps). */
    public static final long DEFAULT_MAX_FRAMES = 500_000;

    private static final Cleaner CLEANER = Cleaner.create();

    private final long maxPixels, maxFrames;

    public VideoFileDecoder() { this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_FRAMES); }

    /** A decoder refusing frames larger than {@code maxPixels} and videos longer than {@code maxFrames} frames. */
    public VideoFileDecoder(long maxPixels, long maxFrames) {
        if (maxPixels < 1 || maxFrames < 1) throw new IllegalArgumentException("caps must be positive: " + maxPixels + " pixels, " + maxFrames + " frames");
        this.maxPixels = maxPixels;
        this.maxFrames = maxFrames;
    }

    /**
     * Opens {@code file} and reads its metadata; frames are decoded when asked for.
     *
     * @throws IOException naming the file and why it cannot be decoded
     */
    public Video open(Path file) throws IOException {
        String name = file.toString();
        if (!Files.exists(file)) throw new IOException(name + ": no such file");
        if (!Files.isRegularFile(file)) throw new IOException(name + ": not a regular file");
        if (!Files.isReadable(file)) throw new IOException(name + ": not readable");
        if (Files.size(file) == 0) throw new IOException(name + ": empty file");
        try {
            FfmpegLibrary.load();
        } catch (LibraryUnavailableException e) {
            throw new IOException(name + ": video files need FFmpeg, which is unavailable: " + e.getMessage(), e);
        }
        Info info;
        try (Session s = Session.open(file, name, false)) {
            long declared = AVStream.nb_frames(s.stream);
            long count = declared > 0 ? declared : s.countPackets(maxFrames);
            if (count > maxFrames)
                throw new IOException(name + ": " + count + " frames exceeds the cap of " + maxFrames + " frames");
            if (count < 1) throw new IOException(name + ": the video stream has no frames");
            double fps = rate(AVStream.avg_frame_rate(s.stream));
            if (Double.isNaN(fps)) fps = rate(AVStream.r_frame_rate(s.stream));
            info = new Info((int) count, fps, s.width, s.height);
        }
        if ((long) info.width * info.height > maxPixels)
            throw new IOException(name + ": frames of " + info.width + "x" + info.height + " = " + (long) info.width * info.height
                    + " pixels exceed the cap of " + maxPixels + " pixels");
        double duration = Double.isNaN(info.fps) ? Double.NaN : info.count / info.fps;
        return new Video(new FileFrames(file, name, info), info.fps, duration);
    }

    private record Info(int count, double fps, int width, int height) {}

    private static double rate(MemorySegment r) {
        int num = AVRational.num(r), den = AVRational.den(r);
        return num > 0 && den > 0 ? (double) num / den : Double.NaN;
    }

    /**
     * The frames of one opened file, decoded in order on demand. Closing releases the native decoder (a later
     * {@link #frame} opens it again).
     */
    public static final class FileFrames implements Video.Frames, AutoCloseable {
        private final Path file;
        private final String name;
        private final Info info;
        private final State state = new State();
        private final Cleaner.Cleanable cleanable;
        private int lastIndex = -1;
        private RgbImage last;

        private FileFrames(Path file, String name, Info info) {
            this.file = file;
            this.name = name;
            this.info = info;
            this.cleanable = CLEANER.register(this, state);
        }

        @Override public int count() { return info.count; }

        /** Frame width and height in pixels (every frame is delivered at this size). */
        public int width() { return info.width; }

        public int height() { return info.height; }

        @Override
        public synchronized RgbImage frame(int index) throws IOException {
            Objects.checkIndex(index, info.count);
            if (index == lastIndex) return last;
            synchronized (state) {
                Session s = state.session;
                if (s == null || s.produced > index) {
                    state.close();
                    s = state.session = Session.open(file, name, true);
                }
                while (s.produced <= index) {
                    if (!s.nextFrame())
                        throw new IOException(name + ": frame " + index + " asked for, but the stream ended after " + s.produced
                                + " frames (the metadata says " + info.count + ")");
                    s.produced++;
                    if (s.produced <= index) avutil_h.av_frame_unref(s.frame);
                }
                RgbImage img = s.toRgb(info.width, info.height);
                if (index == info.count - 1) state.close();
                lastIndex = index;
                last = img;
                return img;
            }
        }

        /** Releases the native decoder, if one is open. */
        @Override
        public void close() { cleanable.clean(); }
    }

    /** The open session of a {@link FileFrames}; also its cleanup action, so it must not refer back to it. */
    private static final class State implements Runnable {
        Session session;

        synchronized void close() {
            if (session != null) session.close();
            session = null;
        }

        @Override public void run() { close(); }
    }

    /**
     * One opened input: the format context and the best video stream, and for decoding its codec context, a packet,
     * a frame and the RGB converter. Every FFmpeg object is freed by {@link #close()} (also on a failed open); the
     * out-parameter slots and the RGB buffer live in a shared arena closed with it.
     */
    private static final class Session implements AutoCloseable {
        final String name;
        final Arena arena = Arena.ofShared();
        final MemorySegment fmtSlot = arena.allocate(C_POINTER);
        final MemorySegment codecSlot = arena.allocate(C_POINTER);
        final MemorySegment packetSlot = arena.allocate(C_POINTER);
        final MemorySegment frameSlot = arena.allocate(C_POINTER);
        MemorySegment fmt, stream, codec, packet, frame, sws = MemorySegment.NULL;
        int streamIndex, width, height;
        int swsW, swsH, swsFormat = Integer.MIN_VALUE;
        MemorySegment rgb, dstData, dstStride;
        int rgbStride;
        int produced;
        boolean drained;
        private boolean closed;

        private Session(String name) { this.name = name; }

        static Session open(Path file, String name, boolean decode) throws IOException {
            Session s = new Session(name);
            try {
                s.openInput(file);
                if (decode) s.openDecoder();
                return s;
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        private void openInput(Path file) throws IOException {
            // "file:" keeps FFmpeg from reading a protocol out of a path that contains ':'
            MemorySegment url = arena.allocateFrom("file:" + file.toAbsolutePath());
            int rc = avformat_h.avformat_open_input(fmtSlot, url, MemorySegment.NULL, MemorySegment.NULL);
            if (rc < 0) throw new IOException(name + ": not a readable video file (" + error(rc) + ")");
            fmt = AVFormatContext.reinterpret(fmtSlot.get(C_POINTER, 0));
            rc = avformat_h.avformat_find_stream_info(fmt, MemorySegment.NULL);
            if (rc < 0) throw new IOException(name + ": corrupt or unsupported " + formatName() + " file (" + error(rc) + ")");
            rc = avformat_h.av_find_best_stream(fmt, avutil_h.AVMEDIA_TYPE_VIDEO(), -1, -1, MemorySegment.NULL, 0);
            if (rc == avutil_h.AVERROR_STREAM_NOT_FOUND()) throw new IOException(name + ": no video stream in this " + formatName() + " file");
            if (rc < 0) throw new IOException(name + ": no usable video stream (" + error(rc) + ")");
            int n = AVFormatContext.nb_streams(fmt);
            MemorySegment streams = AVFormatContext.streams(fmt);
            if (rc >= n || streams.equals(MemorySegment.NULL))
                throw new IOException(name + ": FFmpeg named stream " + rc + " of " + n);
            streamIndex = rc;
            stream = AVStream.reinterpret(streams.reinterpret(C_POINTER.byteSize() * n).getAtIndex(C_POINTER, rc));
            MemorySegment par = AVCodecParameters.reinterpret(AVStream.codecpar(stream));
            width = AVCodecParameters.width(par);
            height = AVCodecParameters.height(par);
            if (width <= 0 || height <= 0)
                throw new IOException(name + ": the video stream (" + codecName(par) + ") has no frame size (" + width + "x" + height + ")");
        }

        private void openDecoder() throws IOException {
            MemorySegment par = AVCodecParameters.reinterpret(AVStream.codecpar(stream));
            MemorySegment decoder = avcodec_h.avcodec_find_decoder(AVCodecParameters.codec_id(par));
            if (decoder.equals(MemorySegment.NULL))
                throw new IOException(name + ": this FFmpeg build has no decoder for " + codecName(par));
            codec = avcodec_h.avcodec_alloc_context3(decoder);
            if (codec.equals(MemorySegment.NULL)) throw new IOException(name + ": cannot allocate a decoder (out of memory)");
            codecSlot.set(C_POINTER, 0, codec);
            int rc = avcodec_h.avcodec_parameters_to_context(codec, par);
            if (rc < 0) throw new IOException(name + ": bad " + codecName(par) + " parameters (" + error(rc) + ")");
            rc = avcodec_h.avcodec_open2(codec, decoder, MemorySegment.NULL);
            if (rc < 0) throw new IOException(name + ": cannot open the " + codecName(par) + " decoder (" + error(rc) + ")");
            packet = avcodec_h.av_packet_alloc();
            packetSlot.set(C_POINTER, 0, packet);
            frame = avutil_h.av_frame_alloc();
            frameSlot.set(C_POINTER, 0, frame);
            if (packet.equals(MemorySegment.NULL) || frame.equals(MemorySegment.NULL))
                throw new IOException(name + ": cannot allocate a packet or frame (out of memory)");
            packet = AVPacket.reinterpret(packet);
            frame = AVFrame.reinterpret(frame);
        }

        /** Packets of the video stream up to the end, without decoding; stops once past {@code cap}. */
        long countPackets(long cap) throws IOException {
            MemorySegment pkt = avcodec_h.av_packet_alloc();
            if (pkt.equals(MemorySegment.NULL)) throw new IOException(name + ": cannot allocate a packet (out of memory)");
            packetSlot.set(C_POINTER, 0, pkt);
            pkt = AVPacket.reinterpret(pkt);
            long count = 0;
            while (count <= cap) {
                int rc = avformat_h.av_read_frame(fmt, pkt);
                if (rc == avutil_h.AVERROR_EOF()) break;
                if (rc < 0) throw new IOException(name + ": corrupt file: reading packets failed after " + count + " video frames (" + error(rc) + ")");
                if (AVPacket.stream_index(pkt) == streamIndex) count++;
                avcodec_h.av_packet_unref(pkt);
            }
            return count;
        }

        /** Decodes the next frame into {@link #frame}; false at the end of the stream. */
        boolean nextFrame() throws IOException {
            while (true) {
                int rc = avcodec_h.avcodec_receive_frame(codec, frame);
                if (rc == 0) return true;
                if (rc == avutil_h.AVERROR_EOF()) return false;
                if (rc != avutil_h.GLM4J_AVERROR_EAGAIN())
                    throw new IOException(name + ": corrupt video: decoding frame " + produced + " failed (" + error(rc) + ")");
                if (drained) return false;
                feed();
            }
        }

        /** Sends the stream's next packet to the decoder, or the end-of-stream flush. */
        private void feed() throws IOException {
            while (true) {
                int rc = avformat_h.av_read_frame(fmt, packet);
                if (rc == avutil_h.AVERROR_EOF()) {
                    drained = true;
                    rc = avcodec_h.avcodec_send_packet(codec, MemorySegment.NULL);
                    if (rc < 0 && rc != avutil_h.AVERROR_EOF())
                        throw new IOException(name + ": flushing the decoder failed (" + error(rc) + ")");
                    return;
                }
                if (rc < 0) throw new IOException(name + ": corrupt file: reading failed after frame " + produced + " (" + error(rc) + ")");
                try {
                    if (AVPacket.stream_index(packet) != streamIndex) continue;
                    rc = avcodec_h.avcodec_send_packet(codec, packet);
                    if (rc < 0) throw new IOException(name + ": corrupt video data after frame " + produced + " (" + error(rc) + ")");
                    return;
                } finally {
                    avcodec_h.av_packet_unref(packet);
                }
            }
        }

        /** The decoded {@link #frame} as RGB at {@code outW × outH}; unreferences the frame. */
        RgbImage toRgb(int outW, int outH) throws IOException {
            try {
                int w = AVFrame.width(frame), h = AVFrame.height(frame), format = AVFrame.format(frame);
                if (w <= 0 || h <= 0 || format < 0 || AVFrame.data(frame, 0).equals(MemorySegment.NULL))
                    throw new IOException(name + ": frame " + (produced - 1) + " decoded without pixels (" + w + "x" + h + ", format " + format + ")");
                if (sws.equals(MemorySegment.NULL) || w != swsW || h != swsH || format != swsFormat) {
                    if (!sws.equals(MemorySegment.NULL)) swscale_h.sws_freeContext(sws);
                    sws = swscale_h.sws_getContext(w, h, format, outW, outH, avutil_h.AV_PIX_FMT_RGB24(), swscale_h.SWS_BILINEAR(),
                            MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
                    if (sws.equals(MemorySegment.NULL))
                        throw new IOException(name + ": cannot convert " + pixelFormatName(format) + " " + w + "x" + h + " frames to RGB");
                    swsW = w;
                    swsH = h;
                    swsFormat = format;
                }
                if (rgb == null) {
                    rgbStride = (outW * 3 + 63) & ~63;
                    rgb = arena.allocate((long) rgbStride * outH + 64, 64);
                    dstData = arena.allocate(C_POINTER, 4);
                    dstData.setAtIndex(C_POINTER, 0, rgb);
                    dstStride = arena.allocate(C_INT, 4);
                    dstStride.setAtIndex(C_INT, 0, rgbStride);
                }
                MemorySegment srcData = frame.asSlice(AVFrame.data$offset(), 8 * C_POINTER.byteSize());
                MemorySegment srcStride = frame.asSlice(AVFrame.linesize$offset(), 8 * C_INT.byteSize());
                int rows = swscale_h.sws_scale(sws, srcData, srcStride, 0, h, dstData, dstStride);
                if (rows != outH) throw new IOException(name + ": converting frame " + (produced - 1) + " to RGB gave " + rows + " of " + outH + " rows");
                byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(outW, outH), 3)];
                for (int y = 0; y < outH; y++)
                    MemorySegment.copy(rgb, ValueLayout.JAVA_BYTE, (long) y * rgbStride, out, y * outW * 3, outW * 3);
                return new RgbImage(outW, outH, out);
            } finally {
                avutil_h.av_frame_unref(frame);
            }
        }

        private String formatName() {
            MemorySegment f = AVFormatContext.iformat(fmt);
            if (f.equals(MemorySegment.NULL)) return "media";
            MemorySegment n = AVInputFormat.name(AVInputFormat.reinterpret(f));
            return n.equals(MemorySegment.NULL) ? "media" : n.reinterpret(256).getString(0);
        }

        private static String codecName(MemorySegment par) {
            MemorySegment n = avcodec_h.avcodec_get_name(AVCodecParameters.codec_id(par));
            return n.equals(MemorySegment.NULL) ? "codec " + AVCodecParameters.codec_id(par) : n.reinterpret(256).getString(0);
        }

        private static String pixelFormatName(int format) {
            MemorySegment n = avutil_h.av_get_pix_fmt_name(format);
            return n.equals(MemorySegment.NULL) ? "pixel format " + format : n.reinterpret(256).getString(0);
        }

        /** FFmpeg's message for an error code ({@code av_strerror}). */
        String error(int code) {
            MemorySegment buf = arena.allocate(avutil_h.AV_ERROR_MAX_STRING_SIZE());
            if (avutil_h.av_strerror(code, buf, buf.byteSize()) < 0) return "error " + code;
            return buf.getString(0) + ", error " + code;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            if (!sws.equals(MemorySegment.NULL)) swscale_h.sws_freeContext(sws);
            if (!frameSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avutil_h.av_frame_free(frameSlot);
            if (!packetSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avcodec_h.av_packet_free(packetSlot);
            if (!codecSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avcodec_h.avcodec_free_context(codecSlot);
            if (!fmtSlot.get(C_POINTER, 0).equals(MemorySegment.NULL)) avformat_h.avformat_close_input(fmtSlot);
            arena.close();
        }
    }
}
