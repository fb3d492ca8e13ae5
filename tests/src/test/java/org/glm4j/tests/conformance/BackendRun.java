package org.glm4j.tests.conformance;

import org.glm4j.model.json.JsonWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.tensor.DType;
import org.glm4j.model.golden.GoldenCheck;
import org.glm4j.tests.conformance.Report.BackendResult;
import org.glm4j.tests.conformance.Report.GoldenResult;
import org.glm4j.tests.conformance.Report.ParityResult;
import org.glm4j.tests.conformance.Report.Suite;
import org.glm4j.tests.conformance.Report.TensorRow;
import org.glm4j.tests.support.TestBackends;

/**
 * One backend's part of {@code ./glm4j conformance}, in a JVM of its own that {@link Conformance} starts with
 * {@code -Dglm4j.test.backends=NAME}: the parity suite through {@link ParitySuite}, then every golden folder with
 * f32 and bf16 weights through {@link GoldenCheck} (the code of {@code ./glm4j golden-check}). It rewrites its
 * report (a {@link BackendResult} as JSON) after every suite, naming the suite it starts next, so a crash or a
 * timeout still leaves what finished and where it stopped.
 *
 * <p>Standard output and Java's standard error go to the log (the parent redirects this JVM's standard output
 * there); one progress line per test class and per golden check goes to the process's standard error.
 *
 * <p>Usage: {@code BackendRun --backend NAME --report FILE [--quick] [--package P]... [--class C]... [--golden DIR]...}
 */
public final class BackendRun {
    private BackendRun() {}

    public static void main(String[] argv) {
        PrintStream progress = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setErr(System.out);
        int rc;
        try {
            rc = run(argv, progress);
        } catch (IllegalArgumentException | IOException e) {
            progress.println("conformance (backend run): " + e.getMessage());
            rc = 2;
        }
        System.out.flush();
        System.exit(rc);
    }

    static int run(String[] argv, PrintStream progress) throws IOException {
        String backend = null;
        Path reportFile = null;
        boolean quick = false;
        List<String> packages = new ArrayList<>(), classes = new ArrayList<>();
        List<Path> golden = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--quick")) {
                quick = true;
                continue;
            }
            if (i + 1 >= argv.length) throw new IllegalArgumentException("unknown option or missing value: " + a);
            String v = argv[++i];
            switch (a) {
                case "--backend" -> backend = v;
                case "--report" -> reportFile = Path.of(v);
                case "--package" -> packages.add(v);
                case "--class" -> classes.add(v);
                case "--golden" -> golden.add(Path.of(v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (backend == null || reportFile == null) throw new IllegalArgumentException("--backend and --report are required");
        String selected = System.getProperty(TestBackends.ONLY_PROPERTY, "");
        if (!selected.equals(backend))
            throw new IllegalArgumentException("-D" + TestBackends.ONLY_PROPERTY + " must be " + backend + ", is '" + selected + "'");

        State state = new State(backend, reportFile);
        String name = backend;
        Backend open = TestBackends.all().stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
        if (open == null) {
            state.error = backend + " did not open in the test JVM: " + TestBackends.others().getFirst().unavailable();
            state.write(null);
            progress.println(state.error);
            return 0;
        }
        if (!packages.isEmpty() || !classes.isEmpty()) {
            state.write("parity");
            ParityResult p = ParitySuite.run(backend, packages, classes, quick, progress::println);
            state.suites.add(p);
            progress.printf(Locale.ROOT, "%s parity: %s, %s in %.1f s%n", backend, p.status(), p.checked(), p.wallS());
        }
        for (Path dir : golden)
            for (DType weights : List.of(DType.F32, DType.BF16)) {
                GoldenResult g = golden(state, open, dir, weights);
                state.suites.add(g);
                TensorRow w = g.worst();
                progress.printf(Locale.ROOT, "%s %s: %s, %s%s in %.1f s%n", backend, g.name(), g.status(), g.checked(),
                        w == null ? "" : ", worst " + Report.ratio(w.ofTolerance()) + " of the tolerance (" + w.tensor() + ")", g.wallS());
            }
        state.write(null);
        return 0;
    }

    /** One golden folder with one weight dtype; an exception is the check's failure, not the run's. */
    private static GoldenResult golden(State state, Backend backend, Path dir, DType weights) throws IOException {
        String w = weights.name().toLowerCase(Locale.ROOT), name = dir.getFileName().toString();
        String where = dir.toAbsolutePath().normalize().toString();
        if (weights == DType.BF16 && !GoldenCheck.hasBf16Reference(dir))
            return new GoldenResult(name, where, w, "no bf16-weights reference (logits_bf16_weights) in this folder", null, List.of(), 0);
        state.write("golden " + name + " " + w);
        System.out.println("== " + name + ", " + w + " weights, backend " + backend.name());
        long t0 = System.nanoTime();
        try {
            GoldenCheck.Result r = GoldenCheck.run(dir, backend, weights, msg -> System.out.println("   " + msg));
            System.out.println(r.table());
            return new GoldenResult(name, where, w, null, null, r.rows().stream().map(TensorRow::of).toList(), (System.nanoTime() - t0) / 1e9);
        } catch (IOException | RuntimeException e) {
            e.printStackTrace(System.out);
            return new GoldenResult(name, where, w, null, ParitySuite.message(e), List.of(), (System.nanoTime() - t0) / 1e9);
        }
    }

    /** What has finished so far, written atomically so the parent never reads half a file. */
    private static final class State {
        final String backend;
        final Path file;
        final List<Suite> suites = new ArrayList<>();
        String error;

        State(String backend, Path file) {
            this.backend = backend;
            this.file = file;
        }

        void write(String running) throws IOException {
            BackendResult r = new BackendResult(backend, null, error, running, null, 0, List.copyOf(suites));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, JsonWriter.write(r.json()) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
