package org.glm4j.bindings.ffmpeg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;

/**
 * Where {@link avformat_h}, {@link avcodec_h}, {@link avutil_h} and {@link swscale_h} find FFmpeg, and the one place
 * that loads it.
 *
 * <p>By default the shared libraries come from the Maven artifact {@code org.bytedeco:ffmpeg:7.1.1-1.5.12:<platform>}
 * on the class path (only its {@code .so} files, never its JavaCPP classes). They are extracted once into the
 * per-user cache (see {@link NativeLoader}) and loaded from there, dependencies first: {@code libdrm.so.2},
 * {@code libva.so} and {@code libva-drm.so} (files named without their sonames {@code libva.so.2} and
 * {@code libva-drm.so.2}; the dynamic loader matches a loaded library by soname, so loading them first satisfies
 * libavutil's dependencies), {@code libavutil.so.59}, {@code libswresample.so.5}, {@code libavcodec.so.61},
 * {@code libavformat.so.61}, {@code libswscale.so.8}.
 *
 * <p>Setting {@value #PROPERTY} (or {@value #ENV}) to a folder holding {@code libavutil.so.59},
 * {@code libavcodec.so.61}, {@code libavformat.so.61} and {@code libswscale.so.8} loads that FFmpeg instead (their
 * other dependencies through the system loader); the value {@code system} loads them by soname from the system
 * library path. Either must be FFmpeg 7.x with these library majors, whose struct layouts the bindings use.
 *
 * <p>{@link #load()} resolves every function of the four header classes and checks the library versions, so a
 * missing or mismatched FFmpeg is reported once, in one line, before any decoding. It also lowers FFmpeg's log
 * level to errors ({@code av_log_set_level(AV_LOG_ERROR)}, process-wide) so that informational chatter does not
 * reach stderr. Thread-safe; the outcome (success or the failure) is remembered for the life of the process.
 */
public final class FfmpegLibrary {
    /** System property naming an FFmpeg folder, or {@code system}. */
    public static final String PROPERTY = "glm4j.ffmpeg.library";
    /** Environment variable naming an FFmpeg folder, or {@code system}. */
    public static final String ENV = "GLM4J_FFMPEG_LIBRARY";
    /** The FFmpeg release these bindings were written against. */
    public static final String BINDINGS_VERSION = "7.1.1";

    private static final String ARTIFACT = "org.bytedeco:ffmpeg:7.1.1-1.5.12";

    /** Library name (as the header classes pass it) → file name and the major version the bindings need. */
    private record Lib(String name, String file, int major) {}

    private static final List<Lib> LIBS = List.of(
            new Lib("libavutil", "libavutil.so.59", 59),
            new Lib("libswscale", "libswscale.so.8", 8),
            new Lib("libavcodec", "libavcodec.so.61", 61),
            new Lib("libavformat", "libavformat.so.61", 61));

    private static volatile Map<String, SymbolLookup> lookups;
    private static FfmpegLibrary loaded;
    private static LibraryUnavailableException failure;

    private final String origin;
    private final String version;

    private FfmpegLibrary(String origin, String version) {
        this.origin = origin;
        this.version = version;
    }

    /** Where it came from, for logs: the Maven artifact and cache folder, or the override. */
    public String origin() { return origin; }

    /** FFmpeg's own version string ({@code av_version_info}), e.g. {@code 7.1.1}. */
    public String version() { return version; }

    @Override public String toString() { return "FFmpeg " + version + " from " + origin; }

    /**
     * Loads FFmpeg (once per process) and checks that it has every function the bindings call.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public static synchronized FfmpegLibrary load() {
        if (loaded != null) return loaded;
        if (failure != null) throw failure;
        try {
            loaded = open();
            return loaded;
        } catch (LibraryUnavailableException e) {
            failure = e;
            throw e;
        }
    }

    /** The lookup the header class of {@code library} ({@code libavutil}, …) resolves against, loading FFmpeg first. */
    static SymbolLookup lookup(String library) {
        Map<String, SymbolLookup> l = lookups;
        if (l == null) {
            load();
            l = lookups;
        }
        SymbolLookup s = l.get(library);
        if (s == null) throw new IllegalStateException("no FFmpeg library " + library);
        return s;
    }

    private static FfmpegLibrary open() {
        String override = NativeLoader.setting(PROPERTY, ENV);
        Map<String, SymbolLookup> found = new LinkedHashMap<>();
        String origin;
        if (override != null && override.equals("system")) {
            origin = PROPERTY + "=system (the system library path)";
            for (Lib lib : LIBS) {
                try {
                    found.put(lib.name(), SymbolLookup.libraryLookup(lib.file(), Arena.global()));
                } catch (IllegalArgumentException e) {
                    throw new LibraryUnavailableException("FFmpeg: " + lib.file() + " is not on the system library path ("
                            + origin + "); the bindings need FFmpeg 7.x (libavformat.so.61)", e);
                }
            }
        } else if (override != null) {
            Path dir = Path.of(override);
            origin = PROPERTY + "=" + override;
            if (!Files.isDirectory(dir))
                throw new LibraryUnavailableException("FFmpeg: " + origin + " is not a folder (give the folder holding "
                        + "libavformat.so.61 and the others, or 'system')");
            Path swr = dir.resolve("libswresample.so.5");
            if (Files.isRegularFile(swr)) NativeLoader.load(swr, "FFmpeg dependency libswresample.so.5");
            for (Lib lib : LIBS) {
                Path f = dir.resolve(lib.file());
                if (!Files.isRegularFile(f))
                    throw new LibraryUnavailableException("FFmpeg: no " + lib.file() + " in " + dir + " (" + origin + ")");
                found.put(lib.name(), NativeLoader.load(f, "FFmpeg (" + origin + ")"));
            }
        } else {
            String platform = NativeLoader.platform();
            if (!platform.equals("linux-x86_64") && !platform.equals("linux-arm64"))
                throw new LibraryUnavailableException("FFmpeg: no bundled build for " + platform + "; set -D" + PROPERTY
                        + " or " + ENV + " to a folder holding FFmpeg 7.x's libraries");
            String base = "org/bytedeco/ffmpeg/" + platform + "/";
            List<String> deps = List.of("libdrm.so.2", "libva.so", "libva-drm.so", "libavutil.so.59", "libswresample.so.5",
                    "libavcodec.so.61", "libavformat.so.61", "libswscale.so.8");
            List<String> resources = new ArrayList<>();
            for (String d : deps) resources.add(base + d);
            Path dir = NativeLoader.extract(FfmpegLibrary.class.getClassLoader(), "ffmpeg-" + BINDINGS_VERSION + "-" + platform,
                    resources, "add " + ARTIFACT + ":" + platform + " to the class path, or set -D" + PROPERTY);
            origin = ARTIFACT + ":" + platform + " extracted to " + dir;
            Map<String, SymbolLookup> byFile = new LinkedHashMap<>();
            for (String d : deps) byFile.put(d, NativeLoader.load(dir.resolve(d), "FFmpeg (" + d + " of " + ARTIFACT + ")"));
            for (Lib lib : LIBS) found.put(lib.name(), byFile.get(lib.file()));
        }
        checkSymbols(found, "libavutil", avutil_h.FUNCTIONS, origin);
        checkSymbols(found, "libavcodec", avcodec_h.FUNCTIONS, origin);
        checkSymbols(found, "libavformat", avformat_h.FUNCTIONS, origin);
        checkSymbols(found, "libswscale", swscale_h.FUNCTIONS, origin);
        lookups = Map.copyOf(found);
        try {
            int[] versions = { avutil_h.avutil_version(), swscale_h.swscale_version(), avcodec_h.avcodec_version(),
                    avformat_h.avformat_version() };
            for (int i = 0; i < LIBS.size(); i++) {
                Lib lib = LIBS.get(i);
                int major = versions[i] >>> 16;
                if (major != lib.major())
                    throw new LibraryUnavailableException("FFmpeg from " + origin + ": " + lib.name() + " is version " + major + "."
                            + (versions[i] >> 8 & 0xff) + "." + (versions[i] & 0xff) + "; the bindings need major " + lib.major()
                            + " (FFmpeg 7.x), whose struct layouts they read");
            }
            MemorySegment info = avutil_h.av_version_info();
            String version = info.equals(MemorySegment.NULL) ? "?" : info.reinterpret(256).getString(0);
            avutil_h.av_log_set_level(avutil_h.AV_LOG_ERROR());
            return new FfmpegLibrary(origin, version);
        } catch (RuntimeException e) {
            lookups = null;
            throw e;
        }
    }

    private static void checkSymbols(Map<String, SymbolLookup> found, String library, List<String> functions, String origin) {
        List<String> missing = new ArrayList<>();
        for (String f : functions) if (found.get(library).find(f).isEmpty()) missing.add(f);
        if (!missing.isEmpty())
            throw new LibraryUnavailableException("FFmpeg " + library + " from " + origin + " lacks " + missing.size()
                    + " functions the bindings call (" + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? ", ..." : "") + "); the bindings need FFmpeg 7.x");
    }
}
