package org.glm4j.tests.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;

/**
 * Compiles a small C program with {@code gcc} against a library's real headers and compares what it prints
 * (enum values and macros, struct sizes and field offsets) with what the Java bindings say. The expectations are
 * read from the binding classes by reflection, so every constant and struct the bindings declare is checked.
 */
final class AbiProbe {
    private AbiProbe() {}

    /** Expected values by probe expression: {@code NAME}, {@code sizeof(T)}, {@code offsetof(T, f)}. */
    private final Map<String, Long> expected = new LinkedHashMap<>();
    /** Preprocessor conditions under which an expression exists in the headers (constants newer than the oldest header). */
    private final Map<String, String> guards = new LinkedHashMap<>();
    private final List<String> notInHeaders = new ArrayList<>();
    private final List<String> defines = new ArrayList<>();

    static AbiProbe create() { return new AbiProbe(); }

    /**
     * Every constant of a jextract-style header class: its public static no-argument methods returning
     * {@code int} or {@code long} whose names are not functions of the library.
     */
    AbiProbe constants(Class<?> header, Collection<String> functions) {
        for (Method m : header.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0) continue;
            if (functions.contains(m.getName())) continue;
            if (m.getReturnType() != int.class && m.getReturnType() != long.class) continue;
            try {
                expected.put(m.getName(), ((Number) m.invoke(null)).longValue());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(header.getSimpleName() + "." + m.getName() + "()", e);
            }
        }
        return this;
    }

    /**
     * Constants the headers define only from a version on: each is checked where {@code versionMacro >= since} and
     * otherwise listed by {@link #notInHeaders()} (the bindings must not use it with such a library).
     */
    AbiProbe since(Map<String, Integer> sinceVersion, String versionMacro) {
        sinceVersion.forEach((name, v) -> guards.put(name, "defined(" + versionMacro + ") && " + versionMacro + " >= " + v));
        return this;
    }

    /** After {@link #assertMatches}: the guarded expressions these headers are too old to define. */
    List<String> notInHeaders() { return List.copyOf(notInHeaders); }

    /** A jextract-style struct class: {@code sizeof()} and every {@code field$offset()}. */
    AbiProbe struct(Class<?> struct) {
        String name = struct.getSimpleName();
        try {
            expected.put("sizeof(" + name + ")", (Long) struct.getMethod("sizeof").invoke(null));
            for (Method m : struct.getDeclaredMethods())
                if (m.getName().endsWith("$offset") && m.getParameterCount() == 0)
                    expected.put("offsetof(" + name + ", " + m.getName().substring(0, m.getName().length() - 7) + ")",
                            (Long) m.invoke(null));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(name, e);
        }
        return this;
    }

    /** A struct given by its C name, size and field offsets (for layouts not in jextract's form). */
    AbiProbe struct(String cName, long size, Map<String, Long> offsets) {
        expected.put("sizeof(" + cName + ")", size);
        offsets.forEach((f, off) -> expected.put("offsetof(" + cName + ", " + f + ")", off));
        return this;
    }

    /** An arbitrary C expression and the value the Java side computes for it. */
    AbiProbe value(String cExpression, long javaValue) {
        expected.put(cExpression, javaValue);
        return this;
    }

    int size() { return expected.size(); }

    /** A macro defined before any header (a feature-test macro such as {@code _GNU_SOURCE}). */
    AbiProbe define(String macro) {
        defines.add(macro);
        return this;
    }

    /** The {@code gcc} on the PATH; skips the calling test (visibly) when there is none. */
    static String gccOrSkip() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "gcc");
            if (Files.isExecutable(p)) return p.toString();
        }
        Assumptions.abort("no gcc on the PATH: the ABI probe compiles C against the real headers");
        return null;
    }

    /** Compiles the probe including {@code headers} with {@code includeDirs}, runs it and asserts every value matches. */
    void assertMatches(Path work, List<String> headers, List<Path> includeDirs, String library) throws Exception {
        StringBuilder c = new StringBuilder();
        for (String d : defines) c.append("#define ").append(d).append("\n");
        c.append("#include <stdio.h>\n#include <stddef.h>\n");
        for (String h : headers) c.append("#include <").append(h).append(">\n");
        c.append("int main(void) {\n");
        for (String e : expected.keySet()) {
            String guard = guards.get(e);
            if (guard != null) c.append("#if ").append(guard).append('\n');
            c.append("    printf(\"%s\\t%lld\\n\", \"").append(e).append("\", (long long)(").append(e).append("));\n");
            if (guard != null) c.append("#else\n    printf(\"%s\\tabsent\\n\", \"").append(e).append("\");\n#endif\n");
        }
        c.append("    return 0;\n}\n");
        Path src = work.resolve("probe.c"), exe = work.resolve("probe");
        Files.writeString(src, c);
        List<String> cc = new ArrayList<>(List.of(gccOrSkip(), "-std=c11", "-o", exe.toString(), src.toString()));
        for (Path d : includeDirs) cc.add(1, "-I" + d);
        String compile = run(cc, work);
        if (!Files.isExecutable(exe)) fail(library + " ABI probe did not compile:\n" + compile);
        String out = run(List.of(exe.toString()), work);
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab <= 0) continue;
            String value = line.substring(tab + 1).trim();
            if (value.equals("absent")) notInHeaders.add(line.substring(0, tab));
            else actual.put(line.substring(0, tab), Long.parseLong(value));
        }
        List<String> wrong = new ArrayList<>();
        for (var e : expected.entrySet()) {
            if (notInHeaders.contains(e.getKey())) continue;
            Long a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) wrong.add(e.getKey() + ": bindings " + e.getValue() + ", headers " + a);
        }
        assertEquals(List.of(), wrong, library + ": " + wrong.size() + " of " + expected.size() + " values differ from the headers");
    }

    private static String run(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return out;
    }

    /** Copies every class-path entry under {@code prefix} of the jar holding {@code probeResource} into {@code dir}. */
    static Path extractFromJar(ClassLoader loader, String probeResource, String prefix, Path dir) throws IOException {
        URL url = loader.getResource(probeResource);
        if (url == null) fail("resource " + probeResource + " is not on the class path");
        if (!(url.openConnection() instanceof JarURLConnection jar)) throw new IOException(url + " is not inside a jar");
        try (JarFile jf = jar.getJarFile()) {
            for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (e.isDirectory() || !e.getName().startsWith(prefix)) continue;
                Path target = dir.resolve(e.getName().substring(prefix.length()));
                Files.createDirectories(target.getParent());
                try (InputStream in = jf.getInputStream(e)) {
                    Files.copy(in, target);
                }
            }
        }
        return dir;
    }
}
