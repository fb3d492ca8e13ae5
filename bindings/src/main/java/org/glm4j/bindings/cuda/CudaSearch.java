package org.glm4j.bindings.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.NativeLoader.Labeled;

/**
 * Where the CUDA libraries are looked for, in the order architecture.md fixes: the explicit
 * {@value #PROPERTY} / {@value #ENV} folders, {@code CUDA_HOME} / {@code CUDA_PATH}, the standard toolkit folders,
 * the system library path, and {@code site-packages/nvidia/*}{@code /lib} of the Pythons found on the machine
 * (NVIDIA's wheels: {@code nvidia/cu13/lib} for CUDA 13 libraries, {@code nvidia/cudnn/lib} for cuDNN).
 */
public final class CudaSearch {
    private CudaSearch() {}

    /** System property: folders (path-separated) holding CUDA libraries, searched first. */
    public static final String PROPERTY = "glm4j.cuda.path";
    /** Environment variable: folders holding CUDA libraries, searched first. */
    public static final String ENV = "GLM4J_CUDA_PATH";

    /** Folders searched before the system library path: explicit, CUDA_HOME/CUDA_PATH, toolkit folders. */
    public static List<Labeled> before() {
        List<Labeled> dirs = new ArrayList<>();
        String explicit = NativeLoader.setting(PROPERTY, ENV);
        if (explicit != null)
            for (String d : explicit.split(java.io.File.pathSeparator))
                if (!d.isBlank()) dirs.add(new Labeled(PROPERTY, Path.of(d.trim())));
        for (String var : new String[] { "CUDA_HOME", "CUDA_PATH" }) {
            String home = System.getenv(var);
            if (home == null || home.isBlank()) continue;
            for (String sub : new String[] { "lib64", "lib", "targets/x86_64-linux/lib", "targets/sbsa-linux/lib" })
                if (Files.isDirectory(Path.of(home, sub))) dirs.add(new Labeled(var, Path.of(home, sub)));
        }
        for (Path root : toolkitRoots())
            for (String sub : new String[] { "lib64", "lib" })
                if (Files.isDirectory(root.resolve(sub))) dirs.add(new Labeled("the CUDA toolkit folders", root.resolve(sub)));
        return dirs;
    }

    /** Folders searched after the system library path: NVIDIA's Python wheels. */
    public static List<Labeled> after() {
        List<Labeled> dirs = new ArrayList<>();
        for (Path site : sitePackages()) {
            Path nvidia = site.resolve("nvidia");
            if (!Files.isDirectory(nvidia)) continue;
            try (Stream<Path> s = Files.list(nvidia)) {
                s.sorted().map(p -> p.resolve("lib")).filter(Files::isDirectory)
                        .forEach(p -> dirs.add(new Labeled("site-packages/nvidia/*/lib", p)));
            } catch (IOException e) {
                // unreadable folder: nothing to find there
            }
        }
        return dirs;
    }

    /** {@code /usr/local/cuda}, then {@code /usr/local/cuda-*} newest first, then {@code /opt/cuda}. */
    static List<Path> toolkitRoots() {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("/usr/local/cuda"));
        try (Stream<Path> s = Files.list(Path.of("/usr/local"))) {
            s.filter(p -> p.getFileName().toString().startsWith("cuda-"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString(), CudaSearch::compareVersions).reversed())
                    .forEach(roots::add);
        } catch (IOException e) {
            // no /usr/local: nothing to add
        }
        roots.add(Path.of("/opt/cuda"));
        Set<Path> real = new LinkedHashSet<>();
        for (Path r : roots) {
            try {
                if (Files.isDirectory(r)) real.add(r.toRealPath());
            } catch (IOException e) {
                // vanished meanwhile
            }
        }
        return List.copyOf(real);
    }

    /** {@code site-packages} and {@code dist-packages} folders of the Pythons in the usual places. */
    public static List<Path> sitePackages() {
        Set<Path> roots = new LinkedHashSet<>();
        for (String var : new String[] { "VIRTUAL_ENV", "CONDA_PREFIX" }) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) roots.add(Path.of(v));
        }
        String home = System.getProperty("user.home");
        roots.add(Path.of("/usr"));
        roots.add(Path.of("/usr/local"));
        roots.add(Path.of("/opt/conda"));
        roots.add(Path.of(home, ".local"));
        roots.add(Path.of(home, "miniconda3"));
        roots.add(Path.of(home, "anaconda3"));
        for (Path parent : new Path[] { Path.of(home, ".pyenv", "versions"), Path.of("/opt") })
            try (Stream<Path> s = Files.list(parent)) {
                s.filter(Files::isDirectory).forEach(roots::add);
            } catch (IOException e) {
                // absent: nothing to add
            }
        Set<Path> sites = new LinkedHashSet<>();
        for (Path root : roots)
            for (String lib : new String[] { "lib", "lib64" }) {
                Path l = root.resolve(lib);
                if (!Files.isDirectory(l)) continue;
                try (Stream<Path> s = Files.list(l)) {
                    s.filter(p -> p.getFileName().toString().startsWith("python3")).sorted().forEach(py -> {
                        for (String kind : new String[] { "site-packages", "dist-packages" })
                            if (Files.isDirectory(py.resolve(kind))) sites.add(py.resolve(kind));
                    });
                } catch (IOException e) {
                    // unreadable: skip
                }
            }
        if (Files.isDirectory(Path.of("/usr/lib/python3/dist-packages"))) sites.add(Path.of("/usr/lib/python3/dist-packages"));
        return List.copyOf(sites);
    }

    /** Orders {@code cuda-12.4} before {@code cuda-13.0} (numeric parts compared as numbers). */
    private static int compareVersions(String a, String b) {
        String[] x = a.replaceAll("[^0-9.]", "").split("\\."), y = b.replaceAll("[^0-9.]", "").split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int u = i < x.length && !x[i].isEmpty() ? Integer.parseInt(x[i]) : 0;
            int v = i < y.length && !y[i].isEmpty() ? Integer.parseInt(y[i]) : 0;
            if (u != v) return Integer.compare(u, v);
        }
        return a.compareTo(b);
    }

    /** The hint appended to "not found" messages, e.g. for {@code pip install nvidia-cublas}. */
    public static String hint(String wheel) {
        String wheels = after().isEmpty() ? " (no NVIDIA wheels in the " + sitePackages().size() + " Python site folders found)" : "";
        return "install the CUDA 13 toolkit, or " + wheel + " into a Python on this machine" + wheels + ", or set -D" + PROPERTY
                + " or " + ENV + " to the folder holding it";
    }
}
