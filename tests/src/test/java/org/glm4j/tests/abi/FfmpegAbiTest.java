package org.glm4j.tests.abi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.ffmpeg.AVCodecContext;
import org.glm4j.bindings.ffmpeg.AVCodecParameters;
import org.glm4j.bindings.ffmpeg.AVFormatContext;
import org.glm4j.bindings.ffmpeg.AVFrame;
import org.glm4j.bindings.ffmpeg.AVInputFormat;
import org.glm4j.bindings.ffmpeg.AVPacket;
import org.glm4j.bindings.ffmpeg.AVRational;
import org.glm4j.bindings.ffmpeg.AVStream;
import org.glm4j.bindings.ffmpeg.avcodec_h;
import org.glm4j.bindings.ffmpeg.avformat_h;
import org.glm4j.bindings.ffmpeg.avutil_h;
import org.glm4j.bindings.ffmpeg.swscale_h;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFmpeg bindings against FFmpeg 7.1's real headers (see {@link AbiProbe}): every constant, and the offset of
 * every struct field the bindings read, plus the structs' 7.1 sizes. The bytedeco jar ships no headers, so they come
 * from {@value #PROPERTY} / {@value #ENV} (include folders separated by {@code :}, e.g. Debian trixie's
 * {@code libav*-dev} unpacked: {@code usr/include} and {@code usr/include/x86_64-linux-gnu}), else from the system
 * when its {@code libavformat-dev} is FFmpeg 7.1; otherwise the test is skipped, saying so.
 */
class FfmpegAbiTest {
    static final String PROPERTY = "glm4j.ffmpeg.include", ENV = "GLM4J_FFMPEG_INCLUDE";

    @Test
    void constantsAndStructs_matchTheFfmpeg71Headers(@TempDir Path tmp) throws Exception {
        List<Path> include = includeDirsOrSkip();
        Path recipe = recipeDir();
        include.add(0, recipe);
        AbiProbe probe = AbiProbe.create()
                .constants(avutil_h.class, avutil_h.FUNCTIONS).constants(avcodec_h.class, avcodec_h.FUNCTIONS)
                .constants(avformat_h.class, avformat_h.FUNCTIONS).constants(swscale_h.class, swscale_h.FUNCTIONS)
                .struct(AVFormatContext.class).struct(AVInputFormat.class).struct(AVStream.class)
                .struct(AVCodecParameters.class).struct(AVCodecContext.class).struct(AVFrame.class)
                .struct(AVPacket.class).struct(AVRational.class)
                .value("LIBAVUTIL_VERSION_MAJOR", 59).value("LIBAVCODEC_VERSION_MAJOR", 61)
                .value("LIBAVFORMAT_VERSION_MAJOR", 61).value("LIBSWSCALE_VERSION_MAJOR", 8);
        assertTrue(probe.size() > 90, "the probe covers the bindings' constants and struct fields (" + probe.size() + ")");
        probe.assertMatches(tmp, List.of("glm4j_ffmpeg.h"), include, "FFmpeg");
    }

    /** {@code native/jextract/ffmpeg} of this checkout (its {@code glm4j_ffmpeg.h} names the function-like macros). */
    private static Path recipeDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path r = d.resolve("native/jextract/ffmpeg");
            if (Files.isRegularFile(r.resolve("glm4j_ffmpeg.h"))) return r;
        }
        throw new AssertionError("native/jextract/ffmpeg/glm4j_ffmpeg.h not found above " + Path.of("").toAbsolutePath());
    }

    private static List<Path> includeDirsOrSkip() throws IOException {
        List<Path> dirs = new ArrayList<>();
        String explicit = NativeLoader.setting(PROPERTY, ENV);
        if (explicit != null) {
            for (String s : explicit.split(":")) if (!s.isBlank()) dirs.add(Path.of(s));
        } else {
            dirs.add(Path.of("/usr/include"));
            dirs.add(Path.of("/usr/include/" + System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu"));
        }
        Path versionHeader = dirs.stream().map(d -> d.resolve("libavformat/version_major.h")).filter(Files::isRegularFile)
                .findFirst().orElse(null);
        Assumptions.assumeTrue(versionHeader != null, () -> "no FFmpeg headers (libavformat/version_major.h) in " + dirs
                + "; set -D" + PROPERTY + " or " + ENV + " to FFmpeg 7.1's include folders");
        Matcher m = Pattern.compile("#define\\s+LIBAVFORMAT_VERSION_MAJOR\\s+(\\d+)").matcher(Files.readString(versionHeader));
        int major = m.find() ? Integer.parseInt(m.group(1)) : -1;
        if (explicit == null)
            Assumptions.assumeTrue(major == 61, () -> "the system's FFmpeg headers (" + versionHeader + ") are libavformat "
                    + major + ", not 61 (FFmpeg 7.1); set -D" + PROPERTY + " or " + ENV + " to FFmpeg 7.1's include folders");
        Assumptions.assumeTrue(gccPresent(), "no gcc on the PATH: the ABI probe compiles C against the real headers");
        return new ArrayList<>(dirs);
    }

    private static boolean gccPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            if (Files.isExecutable(Path.of(dir, "gcc"))) return true;
        return false;
    }
}
