package org.glm4j.tests.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.onednn.DnnlLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading oneDNN, each case in fresh child JVMs (a JVM loads oneDNN once): extraction into an empty cache by two
 * JVMs at once, healing of a damaged cached file, and the one-line reasons for a corrupt or missing library and for
 * a class path without the native artifacts. No case may crash a JVM.
 */
class OneDnnLoadingTest {
    private static final long TIMEOUT_S = 120;

    @BeforeAll static void onlyWhereBundled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnnTesting.bundled(),
                () -> "oneDNN is bundled for linux-x86_64 only; this is " + NativeLoader.platform());
    }

    /** Output (stdout and stderr) and exit status of a child JVM. */
    record Run(int exit, String out) {
        String line(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
        }
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    private static Process start(String classPath, Path log, String... props) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(List.of(props));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(LoadProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("GLM4J_ONEDNN_LIBRARY");
        pb.environment().remove("GLM4J_CACHE_DIR");
        return pb.start();
    }

    private static Run finish(Process p, Path log) throws Exception {
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish in " + TIMEOUT_S + " s");
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Run run(Path dir, String classPath, String... props) throws Exception {
        Path log = Files.createTempFile(dir, "child", ".log");
        return finish(start(classPath, log, props), log);
    }

    private static void assertOneLineReason(Run r, String... mustContain) {
        assertEquals(3, r.exit(), () -> "expected a clean 'unavailable' exit, got " + r.exit() + ":\n" + r.out());
        String line = r.line("UNAVAILABLE ");
        assertFalse(line.isEmpty(), () -> "no reason printed:\n" + r.out());
        assertFalse(r.out().contains("hs_err") || r.out().contains("SIGSEGV"), () -> "the JVM crashed:\n" + r.out());
        for (String s : mustContain) assertTrue(line.contains(s), () -> "reason should name '" + s + "': " + line);
    }

    @Test
    void twoJvmsExtractingAtOnce_bothLoadAndLeaveOneCompleteFolder(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        String prop = "-D" + NativeLoader.CACHE_PROPERTY + "=" + cache;
        Path logA = tmp.resolve("a.log"), logB = tmp.resolve("b.log");
        Process a = start(classPath(), logA, prop), b = start(classPath(), logB, prop);
        Run ra = finish(a, logA), rb = finish(b, logB);
        assertEquals(0, ra.exit(), () -> "first JVM:\n" + ra.out());
        assertEquals(0, rb.exit(), () -> "second JVM:\n" + rb.out());
        List<Path> folders;
        try (Stream<Path> s = Files.list(cache.resolve("native"))) {
            folders = s.toList();
        }
        assertEquals(1, folders.size(), () -> "one folder per content hash, found " + folders);
        Path folder = folders.get(0);
        assertTrue(folder.getFileName().toString().startsWith("onednn-3.8.1-linux-x86_64-"), folder::toString);
        List<String> names;
        try (Stream<Path> s = Files.list(folder)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("libOpenCL.so.1", "libdnnl.so.3", "libgomp.so.1"), names, "no temporary files left behind");
        assertTrue(ra.line("OK ").contains(folder.toString()), ra::out);
    }

    @Test
    void damagedCachedLibrary_isExtractedAgain(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        String prop = "-D" + NativeLoader.CACHE_PROPERTY + "=" + cache;
        Run first = run(tmp, classPath(), prop);
        assertEquals(0, first.exit(), first::out);
        Path gomp;
        try (Stream<Path> s = Files.list(cache.resolve("native"))) {
            gomp = s.findFirst().orElseThrow().resolve("libgomp.so.1");
        }
        long size = Files.size(gomp);
        Files.write(gomp, new byte[] { 1, 2, 3 });
        Run second = run(tmp, classPath(), prop);
        assertEquals(0, second.exit(), second::out);
        assertEquals(size, Files.size(gomp), "the damaged file was replaced by the jar's");
    }

    @Test
    void corruptLibrary_givesOneLineReasonNamingIt(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("libdnnl.so.3");
        Files.write(bad, "this is not an ELF file".getBytes(StandardCharsets.UTF_8));
        Run r = run(tmp, classPath(), "-Dglm4j.onednn.library=" + bad);
        assertOneLineReason(r, bad.toString(), "glm4j.onednn.library", "not an ELF");
    }

    /** A library cut short (an interrupted copy): the dynamic loader would die with SIGBUS mapping its segments. */
    @Test
    void truncatedLibrary_givesOneLineReasonInsteadOfACrash(@TempDir Path tmp) throws Exception {
        Path real = DnnlLibrary.load().file();
        Path cut = tmp.resolve("libdnnl.so.3");
        try (var in = Files.newInputStream(real)) {
            Files.write(cut, in.readNBytes(2 << 20));
        }
        Run r = run(tmp, classPath(), "-Dglm4j.onednn.library=" + cut);
        assertOneLineReason(r, cut.toString(), "truncated");
    }

    @Test
    void missingLibrary_givesOneLineReasonNamingWhere(@TempDir Path tmp) throws Exception {
        Path nowhere = tmp.resolve("no-such-dir");
        Run r = run(tmp, classPath(), "-Dglm4j.onednn.library=" + nowhere);
        assertOneLineReason(r, nowhere.resolve("libdnnl.so.3").toString());
    }

    @Test
    void classPathWithoutTheNativeArtifact_givesOneLineReasonNamingIt(@TempDir Path tmp) throws Exception {
        String cp = Stream.of(classPath().split(File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("dnnl-"))
                .reduce((x, y) -> x + File.pathSeparator + y).orElseThrow();
        Run r = run(tmp, cp, "-D" + NativeLoader.CACHE_PROPERTY + "=" + tmp.resolve("cache"));
        assertOneLineReason(r, "org/bytedeco/dnnl/linux-x86_64/libgomp.so.1", "org.bytedeco:dnnl:3.8.1-1.5.12:linux-x86_64");
    }
}
