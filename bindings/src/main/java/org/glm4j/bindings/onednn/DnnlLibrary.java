package org.glm4j.bindings.onednn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;

/**
 * Where {@link dnnl_h} finds oneDNN, and the one place that loads it.
 *
 * <p>By default the shared libraries come from the Maven artifacts on the class path: {@code libdnnl.so.3} and
 * the {@code libgomp.so.1} it was built with from {@code org.bytedeco:dnnl:3.8.1-1.5.12:<platform>}, plus the
 * OpenCL ICD loader {@code libOpenCL.so.1} from {@code org.bytedeco:opencl:3.0-1.5.12:<platform>} (this oneDNN
 * build links its GPU runtime against it; the CPU engine never calls it). They are extracted once into the
 * per-user cache (see {@link NativeLoader}) and loaded from there, dependencies first. Setting
 * {@value #PROPERTY} (or {@value #ENV}) to a {@code libdnnl.so.3} file, or a folder holding one, loads a system
 * oneDNN instead; its dependencies are then found by the system loader.
 *
 * <p>{@link #load()} resolves every function of {@link dnnl_h} and checks the version, so a missing or too old
 * library is reported once, in one line, before any model work. Thread-safe; the outcome (success or the failure)
 * is remembered for the life of the process.
 */
public final class DnnlLibrary {
    /** System property naming a system oneDNN ({@code libdnnl.so.3} or its folder). */
    public static final String PROPERTY = "glm4j.onednn.library";
    /** Environment variable naming a system oneDNN. */
    public static final String ENV = "GLM4J_ONEDNN_LIBRARY";
    /** The oneDNN version these bindings were written against. */
    public static final String BINDINGS_VERSION = "3.8.1";
    /** Oldest oneDNN whose C API has every function in {@link dnnl_h}. */
    public static final int MIN_MAJOR = 3, MIN_MINOR = 5;

    private static final String ARTIFACT = "org.bytedeco:dnnl:3.8.1-1.5.12";
    private static final String OPENCL_ARTIFACT = "org.bytedeco:opencl:3.0-1.5.12";

    private static volatile SymbolLookup lookup;
    private static DnnlLibrary loaded;
    private static LibraryUnavailableException failure;

    private final Path file;
    private final String origin;
    private final String version;

    private DnnlLibrary(Path file, String origin, String version) {
        this.file = file;
        this.origin = origin;
        this.version = version;
    }

    /** The loaded {@code libdnnl} file. */
    public Path file() { return file; }

    /** Where it came from, for logs: the Maven artifact and cache folder, or the override. */
    public String origin() { return origin; }

    /** {@code major.minor.patch} as the library reports it. */
    public String version() { return version; }

    @Override public String toString() { return "oneDNN " + version + " from " + origin; }

    /**
     * Loads oneDNN (once per process) and checks that it has every function the bindings call.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public static synchronized DnnlLibrary load() {
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

    /** The lookup {@link dnnl_h} resolves against, loading oneDNN if no one has yet. */
    static SymbolLookup lookup() {
        SymbolLookup l = lookup;
        if (l != null) return l;
        load();
        return lookup;
    }

    private static DnnlLibrary open() {
        String override = NativeLoader.setting(PROPERTY, ENV);
        Path dnnl;
        String origin;
        SymbolLookup l;
        if (override != null) {
            Path p = Path.of(override);
            dnnl = Files.isDirectory(p) ? p.resolve("libdnnl.so.3") : p;
            origin = PROPERTY + "=" + override;
            if (!Files.exists(p))
                throw new LibraryUnavailableException("oneDNN: " + origin + " names nothing (looked for the file " + p
                        + " and for " + p.resolve("libdnnl.so.3") + ")");
            l = NativeLoader.load(dnnl, "oneDNN (" + origin + ")");
        } else {
            String platform = NativeLoader.platform();
            if (!platform.startsWith("linux-"))
                throw new LibraryUnavailableException("oneDNN: no bundled build for " + platform
                        + "; set -D" + PROPERTY + " or " + ENV + " to a oneDNN " + MIN_MAJOR + "." + MIN_MINOR + "+ library");
            List<String> resources = List.of(
                    "org/bytedeco/opencl/" + platform + "/libOpenCL.so.1",
                    "org/bytedeco/dnnl/" + platform + "/libgomp.so.1",
                    "org/bytedeco/dnnl/" + platform + "/libdnnl.so.3");
            Path dir = NativeLoader.extract(DnnlLibrary.class.getClassLoader(), "onednn-" + BINDINGS_VERSION + "-" + platform,
                    resources, "add " + ARTIFACT + ":" + platform + " and " + OPENCL_ARTIFACT + ":" + platform
                            + " to the class path, or set -D" + PROPERTY);
            for (String r : resources.subList(0, 2)) {
                String name = r.substring(r.lastIndexOf('/') + 1);
                NativeLoader.load(dir.resolve(name), "oneDNN dependency " + name);
            }
            dnnl = dir.resolve("libdnnl.so.3");
            origin = ARTIFACT + ":" + platform + " extracted to " + dir;
            l = NativeLoader.load(dnnl, "oneDNN");
        }
        List<String> missing = new ArrayList<>();
        for (String f : dnnl_h.FUNCTIONS) if (l.find(f).isEmpty()) missing.add(f);
        if (!missing.isEmpty())
            throw new LibraryUnavailableException("oneDNN at " + dnnl + " (" + origin + ") lacks " + missing.size()
                    + " functions the bindings call (" + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? ", ..." : "") + "); it needs oneDNN " + MIN_MAJOR + "." + MIN_MINOR + " or newer");
        lookup = l;
        MemorySegment v = dnnl_version_t.reinterpret(dnnl_h.dnnl_version());
        int major = dnnl_version_t.major(v), minor = dnnl_version_t.minor(v), patch = dnnl_version_t.patch(v);
        String version = major + "." + minor + "." + patch;
        if (major != MIN_MAJOR || minor < MIN_MINOR) {
            lookup = null;
            throw new LibraryUnavailableException("oneDNN at " + dnnl + " (" + origin + ") is version " + version
                    + "; the bindings need " + MIN_MAJOR + "." + MIN_MINOR + " to " + MIN_MAJOR + ".x");
        }
        return new DnnlLibrary(dnnl, origin, version);
    }
}
