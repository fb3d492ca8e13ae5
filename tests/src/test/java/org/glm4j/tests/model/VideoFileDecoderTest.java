package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.ffmpeg.FfmpegLibrary;
import org.glm4j.bindings.ffmpeg.avutil_h;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoFileDecoder;
import org.glm4j.model.preprocess.VideoProcessor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VideoFileDecoder} on videos the test makes itself ({@link TestVideos}: FFmpeg's encoders through the same
 * bindings): frame count, frame rate, duration, size and pixel values within the codec's loss, in MP4 (MPEG-4
 * Part 2), WebM (VP8, VP9) and AVI (MJPEG); and the errors for corrupt, missing and non-video files and the caps.
 */
class VideoFileDecoderTest {
    static final int W = 64, H = 48;
    /**
     * Largest difference from the encoded colour at a block's centre: encoder quantisation plus two 8-bit
     * RGB↔YUV 4:2:0 conversions (BT.601, limited range) is a few levels on these flat blocks; neighbouring frames
     * differ by at least 20, so a frame out of order fails.
     */
    static final int TOLERANCE = 8;

    @TempDir static Path dir;

    @BeforeAll
    static void ffmpeg() {
        String platform = NativeLoader.platform();
        if (!platform.equals("linux-x86_64"))
            Assumptions.assumeTrue(loads(), () -> "the build bundles FFmpeg for linux-x86_64 only; this is " + platform
                    + " and -D" + FfmpegLibrary.PROPERTY + " names no loadable FFmpeg 7");
        FfmpegLibrary.load();                                   // on linux-x86_64 the bundled FFmpeg must load
    }

    private static boolean loads() {
        try {
            FfmpegLibrary.load();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<RgbImage> frames(int n) {
        List<RgbImage> f = new ArrayList<>();
        for (int i = 0; i < n; i++) f.add(TestVideos.frame(i, W, H));
        return f;
    }

    private static Path make(String name, String muxer, String encoder, int pixFmt, int fps, int n) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            boolean made = TestVideos.encode(file, muxer, encoder, pixFmt, fps, frames(n));
            Assumptions.assumeTrue(made, () -> "this FFmpeg build (" + FfmpegLibrary.load() + ") has no " + encoder + " encoder");
        }
        return file;
    }

    private static void assertDecodes(Path file, int n, int fps) throws IOException {
        Video v = new VideoFileDecoder().open(file);
        assertEquals(n, v.frames().count(), file + ": frame count");
        assertEquals(fps, v.sourceFps(), 1e-9, file + ": fps");
        assertEquals((double) n / fps, v.duration(), 1e-9, file + ": duration = frames / fps");
        for (int i = 0; i < n; i++) assertFrame(file, v.frame(i), i);
        assertFrame(file, v.frame(n - 1), n - 1);                              // the repeated last index
        assertFrame(file, v.frame(1), 1);                                      // going back starts again
        assertFrame(file, v.frame(2), 2);
        ((VideoFileDecoder.FileFrames) v.frames()).close();
        assertFrame(file, v.frame(3), 3);                                      // reopens after close
        ((VideoFileDecoder.FileFrames) v.frames()).close();
    }

    private static void assertFrame(Path file, RgbImage img, int index) {
        assertEquals(W, img.width(), file + " frame " + index + " width");
        assertEquals(H, img.height(), file + " frame " + index + " height");
        int worst = 0;
        String where = "";
        for (int by = 0; by < H / 16; by++)
            for (int bx = 0; bx < W / 16; bx++) {
                int[] expected = TestVideos.blockColour(index, bx, by);
                for (int dy = 6; dy <= 9; dy++)
                    for (int dx = 6; dx <= 9; dx++)
                        for (int c = 0; c < 3; c++) {
                            int d = Math.abs(img.get(bx * 16 + dx, by * 16 + dy, c) - expected[c]);
                            if (d > worst) {
                                worst = d;
                                where = "block (" + bx + "," + by + ") channel " + c + ": expected " + expected[c] + ", got "
                                        + img.get(bx * 16 + dx, by * 16 + dy, c);
                            }
                        }
            }
        assertTrue(worst <= TOLERANCE, file.getFileName() + " frame " + index + ": off by " + worst + " at " + where);
    }

    @Test
    void mp4Mpeg4_decodesEveryFrame() throws IOException {
        assertDecodes(make("mpeg4.mp4", "mp4", "mpeg4", avutil_h.AV_PIX_FMT_YUV420P(), 24, 12), 12, 24);
    }

    @Test
    void webmVp8_decodesEveryFrame_countingPacketsWithoutFrameCount() throws IOException {
        assertDecodes(make("vp8.webm", "webm", "libvpx", avutil_h.AV_PIX_FMT_YUV420P(), 10, 10), 10, 10);
    }

    @Test
    void webmVp9_decodesEveryFrame() throws IOException {
        assertDecodes(make("vp9.webm", "webm", "libvpx-vp9", avutil_h.AV_PIX_FMT_YUV420P(), 5, 8), 8, 5);
    }

    @Test
    void aviMjpeg_decodesEveryFrame() throws IOException {
        assertDecodes(make("mjpeg.avi", "avi", "mjpeg", avutil_h.AV_PIX_FMT_YUVJ420P(), 5, 6), 6, 5);
    }

    @Test
    void videoProcessor_samplesADecodedFile() throws IOException {
        Video v = new VideoFileDecoder().open(make("mpeg4.mp4", "mp4", "mpeg4", avutil_h.AV_PIX_FMT_YUV420P(), 24, 12));
        VideoProcessor.Result r = VideoProcessor.defaults().process(v);
        assertArrayEquals(new int[] { 0, 0 }, r.sample().indices(), "0.5 s at 2 fps: one sample, repeated to an even count");
        assertEquals(1, r.patches().grids().get(0)[0], "one temporal patch");
    }

    @Test
    void missingFile_givesIOExceptionNamingIt() {
        Path missing = dir.resolve("nope.mp4");
        IOException e = assertThrows(IOException.class, () -> new VideoFileDecoder().open(missing));
        assertTrue(e.getMessage().contains("nope.mp4") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void textFile_givesIOExceptionNamingIt() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "these are not the frames you are looking for\n".repeat(20));
        IOException e = assertThrows(IOException.class, () -> new VideoFileDecoder().open(text));
        assertTrue(e.getMessage().startsWith(text.toString() + ": "), e.getMessage());
    }

    @Test
    void randomBytes_giveIOException() throws IOException {
        byte[] noise = new byte[20_000];
        new SplittableRandom(7).nextBytes(noise);
        Path f = Files.write(dir.resolve("noise.webm"), noise);
        IOException e = assertThrows(IOException.class, () -> new VideoFileDecoder().open(f));
        assertTrue(e.getMessage().contains("noise.webm"), e.getMessage());
    }

    @Test
    void truncatedMp4_givesIOException() throws IOException {
        byte[] whole = Files.readAllBytes(make("mpeg4.mp4", "mp4", "mpeg4", avutil_h.AV_PIX_FMT_YUV420P(), 24, 12));
        Path cut = Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> new VideoFileDecoder().open(cut));
        assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
    }

    @Test
    void truncatedWebm_decodesWhatIsThereOrFailsCleanly() throws IOException {
        byte[] whole = Files.readAllBytes(make("vp8.webm", "webm", "libvpx", avutil_h.AV_PIX_FMT_YUV420P(), 10, 10));
        Path cut = Files.write(dir.resolve("cut.webm"), java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        Video v = new VideoFileDecoder().open(cut);
        assertTrue(v.frames().count() >= 1 && v.frames().count() < 10, "a third of the packets are gone: " + v.frames().count());
        for (int i = 0; i < v.frames().count() - 1; i++) assertFrame(cut, v.frame(i), i);    // the last may be partial
    }

    @Test
    void caps_areCheckedBeforeDecoding() throws IOException {
        Path f = make("mpeg4.mp4", "mp4", "mpeg4", avutil_h.AV_PIX_FMT_YUV420P(), 24, 12);
        IOException px = assertThrows(IOException.class, () -> new VideoFileDecoder(W * H - 1, 1000).open(f));
        assertTrue(px.getMessage().contains("64x48") && px.getMessage().contains("cap"), px.getMessage());
        IOException fr = assertThrows(IOException.class, () -> new VideoFileDecoder(1 << 20, 11).open(f));
        assertTrue(fr.getMessage().contains("12 frames") && fr.getMessage().contains("cap"), fr.getMessage());
    }

    @Test
    void frameIndex_outOfRangeIsRefused() throws IOException {
        Video v = new VideoFileDecoder().open(make("mpeg4.mp4", "mp4", "mpeg4", avutil_h.AV_PIX_FMT_YUV420P(), 24, 12));
        assertThrows(IndexOutOfBoundsException.class, () -> v.frames().frame(12));
        assertThrows(IndexOutOfBoundsException.class, () -> v.frames().frame(-1));
    }
}
