package org.glm4j.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * Finds, extracts and loads the shared libraries behind the bindings. Nothing is ever downloaded.
 *
 * <p>Libraries shipped inside jars on the class path are extracted once into a per-user cache folder whose name
 * carries a hash of their contents (each file's name, size and CRC-32 as the jar records them), so a new version
 * gets a new folder and an old one is never overwritten in place. Each file is written to a private temporary file,
 * checked against the jar's CRC-32 and moved into place with an atomic rename: a JVM extracting concurrently, or one
 * that died halfway, never leaves a half-written library under the final name. A cached file whose CRC-32 no longer
 * matches is extracted again.
 *
 * <p>Loaded libraries stay loaded for the life of the process (they are opened in the global arena on purpose:
 * unloading oneDNN or the CUDA driver under their own worker threads would crash the JVM).
 */
@SuppressWarnings("restricted")
public final class NativeLoader {
    private NativeLoader() {}

    /** System property naming the cache folder; overrides {@link #CACHE_ENV}. */
    public static final String CACHE_PROPERTY = "glm4j.cache.dir";
    /** Environment variable naming the cache folder. */
    public static final String CACHE_ENV = "GLM4J_CACHE_DIR";

    /** The value of system property {@code property}, else of environment variable {@code env}, else null. */
    public static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** This machine's platform in the naming of the JavaCPP artifacts: {@code linux-x86_64}, {@code linux-arm64}, … */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            default -> arch;
        };
        return o + "-" + a;
    }

    /**
     * The per-user cache folder: {@value #CACHE_PROPERTY} or {@value #CACHE_ENV}, else {@code $XDG_CACHE_HOME/glm4j},
     * else {@code ~/.cache/glm4j}.
     */
    public static Path cacheRoot() {
        String explicit = setting(CACHE_PROPERTY, CACHE_ENV);
        if (explicit != null) return Path.of(explicit);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "glm4j");
        return Path.of(System.getProperty("user.home"), ".cache", "glm4j");
    }

    /** One class-path resource as the jar describes it. */
    private record Resource(String path, String fileName, URL url, long size, long crc) {}

    /**
     * Extracts class-path resources into {@code <cacheRoot>/native/<label>-<hash>/}, each under its own file name,
     * and returns that folder. Safe under concurrent JVMs (see the class comment).
     *
     * @param loader    where the resources are looked up
     * @param label     the folder name's prefix, e.g. {@code onednn-3.8.1-linux-x86_64}
     * @param resources resource paths, e.g. {@code org/bytedeco/dnnl/linux-x86_64/libdnnl.so.3}
     * @param hint      what to add to the class path when a resource is missing (for the message)
     * @throws LibraryUnavailableException naming the missing resource or the folder that could not be written
     */
    public static Path extract(ClassLoader loader, String label, List<String> resources, String hint) {
        List<Resource> found = new ArrayList<>();
        for (String r : resources) {
            URL url = loader.getResource(r);
            if (url == null)
                throw new LibraryUnavailableException("resource " + r + " is not on the class path (" + hint + ")");
            found.add(describe(r, url));
        }
        Path root = cacheRoot();
        Path dir = root.resolve("native").resolve(label + "-" + contentKey(found));
        try {
            Files.createDirectories(dir);
            for (Resource r : found) extractOne(r, dir);
        } catch (IOException | RuntimeException e) {
            if (e instanceof LibraryUnavailableException lue) throw lue;
            throw new LibraryUnavailableException("cannot extract " + label + " into " + dir + ": " + e
                    + " (set -D" + CACHE_PROPERTY + " or " + CACHE_ENV + " to a writable folder)", e);
        }
        return dir;
    }

    private static Resource describe(String path, URL url) {
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        try {
            URLConnection c = url.openConnection();
            if (c instanceof JarURLConnection jar) {
                JarEntry e = jar.getJarEntry();
                if (e.getSize() >= 0 && e.getCrc() >= 0) return new Resource(path, fileName, url, e.getSize(), e.getCrc());
            }
            if ("file".equals(url.getProtocol())) {
                Path p = Path.of(url.toURI());
                return new Resource(path, fileName, url, Files.size(p), crc32(p));
            }
            try (InputStream in = c.getInputStream()) {
                CRC32 crc = new CRC32();
                long size = 0;
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; size += n) crc.update(buf, 0, n);
                return new Resource(path, fileName, url, size, crc.getValue());
            }
        } catch (IOException | URISyntaxException e) {
            throw new LibraryUnavailableException("cannot read resource " + path + " at " + url + ": " + e, e);
        }
    }

    /** First 16 hex digits of SHA-256 over each resource's name, size and CRC-32. */
    private static String contentKey(List<Resource> resources) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Resource r : resources)
                sha.update((r.fileName() + " " + r.size() + " " + Long.toHexString(r.crc()) + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void extractOne(Resource r, Path dir) throws IOException {
        Path target = dir.resolve(r.fileName());
        if (Files.isRegularFile(target) && Files.size(target) == r.size() && crc32(target) == r.crc()) return;
        Path tmp = Files.createTempFile(dir, r.fileName() + ".", ".part");
        try {
            CRC32 crc = new CRC32();
            long size = 0;
            try (InputStream in = r.url().openStream(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; size += n) {
                    crc.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            if (size != r.size() || crc.getValue() != r.crc())
                throw new LibraryUnavailableException("resource " + r.path() + " read back as " + size + " bytes with CRC-32 "
                        + Long.toHexString(crc.getValue()) + ", the jar says " + r.size() + " bytes and "
                        + Long.toHexString(r.crc()) + "; the jar is damaged");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " has no atomic rename", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static long crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long pos = 0; pos < size; ) {
                long n = Math.min(size - pos, 1L << 30);
                crc.update(ch.map(FileChannel.MapMode.READ_ONLY, pos, n));
                pos += n;
            }
        }
        return crc.getValue();
    }

    /** A library found and loaded by {@link #search}: its lookup and where it came from (for logs). */
    public record Found(SymbolLookup lookup, String where, Path file) {}

    /**
     * Looks for a shared library in order: each folder of {@code before}, then the system's own search by name
     * ({@code LD_LIBRARY_PATH}, the loader cache) when {@code systemPath}, then each folder of {@code after}. The
     * first file found is loaded (a broken one is reported, not skipped).
     *
     * @param what      the library's name for messages, e.g. {@code cuBLAS}
     * @param fileName  the file (soname) to find, e.g. {@code libcublas.so.13}
     * @param before    folders tried first, each with a label saying where it came from
     * @param after     folders tried last
     * @param hint      how to make the library available, appended to the message
     * @throws LibraryUnavailableException one line naming every place looked at
     */
    public static Found search(String what, String fileName, List<Labeled> before, boolean systemPath, List<Labeled> after,
                               String hint) {
        java.util.Map<String, List<String>> looked = new java.util.LinkedHashMap<>();
        for (Labeled d : before) {
            Path f = d.dir().resolve(fileName);
            if (Files.isRegularFile(f)) return new Found(load(f, what), d.label() + " (" + f + ")", f);
            looked.computeIfAbsent(d.label(), k -> new ArrayList<>()).add(d.dir().toString());
        }
        if (systemPath) {
            try {
                return new Found(SymbolLookup.libraryLookup(fileName, Arena.global()), "the system library path", null);
            } catch (IllegalArgumentException e) {
                looked.put("the system library path", List.of(loaderError(fileName)));
            }
        }
        for (Labeled d : after) {
            Path f = d.dir().resolve(fileName);
            if (Files.isRegularFile(f)) return new Found(load(f, what), d.label() + " (" + f + ")", f);
            looked.computeIfAbsent(d.label(), k -> new ArrayList<>()).add(d.dir().toString());
        }
        List<String> places = new ArrayList<>();
        looked.forEach((label, dirs) -> places.add(label + " " + dirs));
        throw new LibraryUnavailableException(what + ": " + fileName + " not found; looked in "
                + (places.isEmpty() ? "nothing" : String.join(", ", places)) + (hint == null ? "" : "; " + hint));
    }

    /** A folder to search and where it came from, e.g. {@code CUDA_HOME}. */
    public record Labeled(String label, Path dir) {}

    /**
     * Loads the shared library at {@code file} for the life of the process.
     *
     * @param what the library's name for messages, e.g. {@code oneDNN}
     * @throws LibraryUnavailableException naming the file and, where the platform says, why the loader refused it
     */
    public static SymbolLookup load(Path file, String what) {
        if (!Files.isRegularFile(file)) throw new LibraryUnavailableException(what + ": no file at " + file);
        String notElf = notAnElfLibrary(file);
        if (notElf != null) throw new LibraryUnavailableException(what + ": cannot load " + file + ": " + notElf);
        try {
            return SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new LibraryUnavailableException(what + ": cannot load " + file + ": " + loaderError(file.toString()), e);
        }
    }

    /**
     * On Linux, why {@code file} is not a complete shared library for this machine, or null. Checked before the
     * dynamic loader sees it: {@code ld.so} maps the segments the program headers name and dies with SIGBUS (taking
     * the JVM with it) when a truncated file ends before them, and the JVM prints stack-guard warnings for non-ELF
     * files. Checks the ELF magic, class, type and machine, and that every segment and the section table lie
     * inside the file. Flipped bits elsewhere are not detected (the cache's CRC-32 covers extracted files).
     */
    static String notAnElfLibrary(Path file) {
        if (!platform().startsWith("linux-")) return null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 64) return "not an ELF shared library (" + size + " bytes)";
            java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.get(0) != 0x7f || h.get(1) != 'E' || h.get(2) != 'L' || h.get(3) != 'F')
                return "not an ELF shared library (no ELF magic)";
            if (h.get(4) != 2 || h.get(5) != 1) return "not a 64-bit little-endian ELF file";
            if (h.getShort(16) != 3) return "not a shared object (ELF type " + h.getShort(16) + ")";
            int machine = h.getShort(18) & 0xffff;
            int expected = switch (platform()) {
                case "linux-x86_64" -> 62;
                case "linux-arm64" -> 183;
                default -> machine;
            };
            if (machine != expected) return "built for ELF machine " + machine + ", this is " + platform();
            long phoff = h.getLong(32), shoff = h.getLong(40);
            int phentsize = h.getShort(54) & 0xffff, phnum = h.getShort(56) & 0xffff;
            int shentsize = h.getShort(58) & 0xffff, shnum = h.getShort(60) & 0xffff;
            if (phentsize < 56 || phoff < 0 || phoff + (long) phnum * phentsize > size)
                return "truncated or damaged ELF file (program headers past its " + size + " bytes)";
            if (shnum > 0 && (shoff < 0 || shoff + (long) shnum * shentsize > size))
                return "truncated ELF file (" + size + " bytes; its section table ends at " + (shoff + (long) shnum * shentsize) + ")";
            java.nio.ByteBuffer ph = java.nio.ByteBuffer.allocate(phnum * phentsize).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(ph, phoff);
            for (int i = 0; i < phnum; i++) {
                int b = i * phentsize;
                long offset = ph.getLong(b + 8), filesz = ph.getLong(b + 32);
                if (offset < 0 || filesz < 0 || offset + filesz > size)
                    return "truncated ELF file (" + size + " bytes; segment " + i + " ends at " + (offset + filesz) + ")";
            }
            return null;
        } catch (IOException e) {
            return "cannot read it: " + e;
        }
    }

    /** The dynamic loader's own reason for refusing {@code name} ({@code dlerror}), or a generic one. */
    private static String loaderError(String name) {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MemorySegment dlopenAddr = libc.find("dlopen").orElse(null);
            MemorySegment dlerrorAddr = libc.find("dlerror").orElse(null);
            MemorySegment dlcloseAddr = libc.find("dlclose").orElse(null);
            if (dlopenAddr == null || dlerrorAddr == null || dlcloseAddr == null) return "the dynamic loader refused it";
            MethodHandle dlopen = linker.downcallHandle(dlopenAddr,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle dlerror = linker.downcallHandle(dlerrorAddr, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MethodHandle dlclose = linker.downcallHandle(dlcloseAddr, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(name), 1 /* RTLD_LAZY */);
                if (!handle.equals(MemorySegment.NULL)) {
                    int ignored = (int) dlclose.invokeExact(handle);
                    return "the dynamic loader refused it";
                }
                MemorySegment msg = (MemorySegment) dlerror.invokeExact();
                if (msg.equals(MemorySegment.NULL)) return "the dynamic loader refused it";
                return msg.reinterpret(4096).getString(0).replace('\n', ' ');
            }
        } catch (Throwable t) {
            return "the dynamic loader refused it";
        }
    }
}
