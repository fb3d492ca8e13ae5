package org.glm4j.tests.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.tests.conformance.Report.BackendResult;
import org.glm4j.tests.golden.GoldenCases;
import org.glm4j.tests.support.TestBackends;

/**
 * {@code ./glm4j conformance}: every available backend (or those named) checked against reference numbers in one
 * command — the op parity suite on that backend alone, and every golden case with f32 and bf16 weights — printed as
 * one table (backend × suite) with the failures and their messages, optionally written as JSON.
 *
 * <p>Each backend runs in a JVM of its own ({@link BackendRun}, started with {@code -Dglm4j.test.backends=NAME}),
 * one after the other: the test backends are opened once per JVM, and a backend that crashes its JVM or hangs
 * (past {@code --timeout}) fails its own row and leaves the others' results intact. Its output goes to a log file,
 * kept (and named) when something failed.
 *
 * <p>Exit status: 0 when everything that ran passed, 1 when something failed, 2 for bad usage (an unknown option,
 * backend or class, a folder that is not a golden case, a named backend that cannot open here).
 */
public final class Conformance {
    private Conformance() {}

    /** Where the parity suite lives; a backend's own tests are in {@code org.glm4j.tests.<backend>}. */
    static final String OPS_PACKAGE = "org.glm4j.tests.ops";
    static final String BACKEND_PACKAGES = "org.glm4j.tests.";
    /** Default limit on one backend's run, in seconds. */
    static final int DEFAULT_TIMEOUT_S = 1200;

    static final String USAGE = """
            usage: ./glm4j conformance [--backend B]... [--golden DIR]... [--quick] [--json FILE]
                                       [--parity CLASS]... [--no-parity] [--no-shipped-golden] [--timeout SECONDS]
              --backend B          check only B (repeatable, or comma-separated); default: every registered backend,
                                   the unavailable ones listed as SKIP with their reason. A named one that cannot open
                                   here is an error.
              --golden DIR         also check this golden folder (laid out like tests/src/test/resources/golden/*)
              --quick              parity: only the cases at the model's real sizes
              --json FILE          also write the report as JSON (format: README, "Conformance")
              --parity CLASS       run only this parity test class (simple name in org.glm4j.tests.ops or
                                   org.glm4j.tests.<backend>, or fully qualified; repeatable)
              --no-parity          skip the parity suite
              --no-shipped-golden  skip the golden cases shipped with the tests
              --timeout SECONDS    limit on one backend's run (default 1200)
            exit status: 0 everything that ran passed, 1 something failed, 2 bad usage""";

    /** The parsed command line. */
    record Options(List<String> backends, List<Path> golden, boolean quick, Path json, List<String> parity, boolean noParity,
                   boolean shippedGolden, int timeoutS) {
        static Options parse(String[] argv) {
            List<String> backends = new ArrayList<>(), parity = new ArrayList<>();
            List<Path> golden = new ArrayList<>();
            boolean quick = false, noParity = false, shipped = true;
            Path json = null;
            int timeout = DEFAULT_TIMEOUT_S;
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i], name = a, value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                switch (name) {
                    case "--quick" -> quick = true;
                    case "--no-parity" -> noParity = true;
                    case "--no-shipped-golden" -> shipped = false;
                    case "--backend", "--golden", "--json", "--parity", "--timeout" -> {
                        if (value == null) {
                            if (i + 1 >= argv.length) throw new IllegalArgumentException(name + " needs a value");
                            value = argv[++i];
                        }
                        switch (name) {
                            case "--backend" -> {
                                for (String b : value.split(",")) if (!b.isBlank()) backends.add(b.strip());
                            }
                            case "--golden" -> golden.add(Path.of(value));
                            case "--json" -> json = Path.of(value);
                            case "--parity" -> parity.add(value);
                            default -> {
                                try {
                                    timeout = Integer.parseInt(value);
                                } catch (NumberFormatException e) {
                                    timeout = -1;
                                }
                                if (timeout <= 0) throw new IllegalArgumentException("--timeout must be a positive number of seconds, got " + value);
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
                }
            }
            if (noParity && !parity.isEmpty()) throw new IllegalArgumentException("--parity and --no-parity contradict each other");
            return new Options(List.copyOf(new LinkedHashSet<>(backends)), List.copyOf(golden), quick, json, List.copyOf(parity), noParity,
                    shipped, timeout);
        }
    }

    public static void main(String[] argv) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(argv, out, err));
    }

    /** Runs the command: the table goes to {@code out}, progress and errors to {@code err}; returns the exit status. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        long t0 = System.nanoTime();
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Options o;
        List<String> classes;
        List<Path> golden;
        List<BackendResult> unavailable = new ArrayList<>();
        List<String> toRun;
        try {
            o = Options.parse(argv);
            classes = resolveClasses(o.parity());
            golden = goldenFolders(o);
            if (o.noParity() && golden.isEmpty())
                throw new IllegalArgumentException("nothing to check: --no-parity and no golden folder (--no-shipped-golden, no --golden)");
            if (o.json() != null && o.json().toAbsolutePath().getParent() != null && !Files.isDirectory(o.json().toAbsolutePath().getParent()))
                throw new IllegalArgumentException("--json " + o.json() + ": the folder " + o.json().toAbsolutePath().getParent() + " does not exist");
            toRun = backends(o.backends(), unavailable);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("glm4j conformance: " + e.getMessage());
            return 2;
        }

        Path logs;
        try {
            logs = Files.createTempDirectory("glm4j-conformance-");
        } catch (IOException e) {
            err.println("glm4j conformance: cannot make a folder for the logs: " + e.getMessage());
            return 1;
        }
        List<BackendResult> results = new ArrayList<>(unavailable);
        for (BackendResult u : unavailable) err.println("conformance: " + u.backend() + ": SKIP, " + u.unavailable());
        for (String b : toRun) {
            List<String> packages = new ArrayList<>();
            if (!o.noParity() && classes.isEmpty()) {
                packages.add(OPS_PACKAGE);
                if (hasPackage(BACKEND_PACKAGES + b)) packages.add(BACKEND_PACKAGES + b);
            }
            err.println("conformance: " + b + ": " + describe(packages, classes, golden, o.quick()));
            results.add(runBackend(b, packages, classes, golden, o, logs, err));
        }
        results.sort(Comparator.comparing((BackendResult r) -> r.unavailable() != null).thenComparingInt(r -> order(r.backend())));

        Report report = new Report(started, o.quick(), (System.nanoTime() - t0) / 1e9, results);
        out.print(report.text());
        int rc = report.exitStatus();
        if (o.json() != null) {
            try {
                Files.writeString(o.json(), report.json());
                out.println("report written to " + o.json());
            } catch (IOException e) {
                err.println("glm4j conformance: cannot write " + o.json() + ": " + e.getMessage());
                rc = 1;
            }
        }
        if (report.passed()) deleteQuietly(logs);
        else out.println("logs: " + logs);
        return rc;
    }

    // ---------------------------------------------------------------- planning

    /** jvm (the reference) first, then the others in the order {@code auto} prefers them (unavailable ones go last). */
    private static int order(String backend) {
        if (backend.equals(JvmBackend.NAME)) return -1;
        int i = Backends.names().indexOf(backend);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /**
     * The backends to run, in {@link #order}; unavailable ones that were not named go to {@code unavailable}.
     *
     * @throws IllegalArgumentException    for a name nobody registered
     *                                     or for a named backend that cannot open here
     */
    static List<String> backends(List<String> named, List<BackendResult> unavailable) {
        List<String> registered = Backends.names();
        for (String n : named)
            if (!registered.contains(n)) throw new IllegalArgumentException("no backend named '" + n + "'; registered: " + registered);
        List<BackendProvider> providers = new ArrayList<>(Backends.providers());
        providers.sort(Comparator.comparingInt(p -> order(p.name())));
        List<String> run = new ArrayList<>();
        for (BackendProvider p : providers) {
            if (!named.isEmpty() && !named.contains(p.name())) continue;
            try (Backend b = p.open()) {
                run.add(b.name());
            } catch (BackendUnavailableException e) {
                if (named.contains(p.name()))
                    throw new IllegalArgumentException("--backend " + p.name() + " cannot run here: " + e.getMessage());
                unavailable.add(BackendResult.unavailable(p.name(), e.getMessage()));
            }
        }
        return run;
    }

    /** {@code --parity} names as fully qualified classes that exist. */
    static List<String> resolveClasses(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            List<String> tried = new ArrayList<>();
            if (n.contains(".")) tried.add(n);
            else {
                tried.add(OPS_PACKAGE + "." + n);
                for (String b : Backends.names()) tried.add(BACKEND_PACKAGES + b + "." + n);
            }
            String found = tried.stream().filter(Conformance::classExists).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("--parity " + n + ": no such test class (looked for " + String.join(", ", tried) + ")"));
            out.add(found);
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** The shipped cases (unless left out) and the named folders, each checked for the files a golden check reads. */
    static List<Path> goldenFolders(Options o) {
        List<Path> dirs = new ArrayList<>();
        if (o.shippedGolden()) dirs.addAll(GoldenCases.all());
        for (Path d : o.golden()) {
            if (!Files.isDirectory(d)) throw new IllegalArgumentException("--golden " + d + ": not a folder");
            for (String f : List.of("config.json", "inputs.safetensors", "outputs.safetensors"))
                if (!Files.isRegularFile(d.resolve(f)))
                    throw new IllegalArgumentException("--golden " + d + ": no " + f + " (a golden folder has config.json, weights, "
                            + "inputs.safetensors and outputs.safetensors)");
            dirs.add(d.toAbsolutePath().normalize());
        }
        Set<Path> unique = new LinkedHashSet<>();
        for (Path d : dirs) unique.add(d.toAbsolutePath().normalize());
        return List.copyOf(unique);
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, Conformance.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean hasPackage(String name) {
        return Conformance.class.getClassLoader().getResource(name.replace('.', '/')) != null;
    }

    private static String describe(List<String> packages, List<String> classes, List<Path> golden, boolean quick) {
        List<String> parts = new ArrayList<>();
        if (!packages.isEmpty() || !classes.isEmpty())
            parts.add("parity " + String.join(", ", packages.isEmpty() ? classes : packages) + (quick ? " (--quick)" : ""));
        if (!golden.isEmpty()) parts.add(golden.size() + " golden folder" + (golden.size() == 1 ? "" : "s") + " x f32, bf16 weights");
        return parts.isEmpty() ? "nothing selected" : String.join("; ", parts);
    }

    // ---------------------------------------------------------------- one backend's JVM

    /** JVM options of the test JVM, as the launcher and Surefire give them. */
    static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
            "-Xss4m", "-XX:+UseParallelGC");

    private static BackendResult runBackend(String backend, List<String> packages, List<String> classes, List<Path> golden, Options o,
                                            Path logs, PrintStream err) {
        Path report = logs.resolve(backend + ".json"), log = logs.resolve(backend + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(classPath());
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {   // glm4j settings (threads, device, ...)
            String k = e.getKey().toString();
            if ((k.startsWith("glm4j.") || k.startsWith("glm.")) && !k.equals(TestBackends.ONLY_PROPERTY)) cmd.add("-D" + k + "=" + e.getValue());
        }
        cmd.add("-D" + TestBackends.ONLY_PROPERTY + "=" + backend);
        cmd.add(BackendRun.class.getName());
        cmd.addAll(List.of("--backend", backend, "--report", report.toString()));
        if (o.quick()) cmd.add("--quick");
        for (String p : packages) cmd.addAll(List.of("--package", p));
        for (String c : classes) cmd.addAll(List.of("--class", c));
        for (Path g : golden) cmd.addAll(List.of("--golden", g.toString()));

        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            return new BackendResult(backend, null, "cannot start a JVM for it: " + e.getMessage(), null, null, 0, List.of());
        }
        Thread pump = Thread.ofPlatform().daemon().name("conformance-" + backend).start(() -> pump(p, err));
        boolean finished;
        try {
            finished = p.waitFor(o.timeoutS(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            pump.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        BackendResult r = null;
        String unreadable = null;
        if (Files.isRegularFile(report)) {
            try {
                r = BackendResult.fromJson(Files.readString(report), report.toString());
            } catch (IOException | RuntimeException e) {
                unreadable = e.getMessage();
            }
        }
        String where = r == null || r.running() == null ? "" : " while running " + r.running();
        String why = null;
        if (!finished) why = "did not finish within --timeout " + o.timeoutS() + " s" + where + "; stopped";
        else if (p.exitValue() != 0) why = "its test JVM ended with exit status " + p.exitValue() + where;
        else if (r == null) why = "its test JVM wrote no readable report" + (unreadable == null ? "" : ": " + unreadable);
        else if (r.running() != null) why = "its test JVM stopped" + where;
        if (r == null) r = new BackendResult(backend, null, null, null, null, 0, List.of());
        if (why != null) return r.withError(why + " (log: " + log + ")", log.toString(), secs);
        return r.withLog(r.status() == Report.Status.PASS ? null : log.toString(), secs);
    }

    /** Copies the test JVM's progress lines to {@code err}, less the JDK's notice about the incubating Vector API. */
    private static void pump(Process p, PrintStream err) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; )
                if (!line.startsWith("WARNING: Using incubator modules")) err.println("  " + line);
        } catch (IOException e) {
            err.println("conformance: lost the progress of a test JVM: " + e.getMessage());
        }
    }

    /** The class path of this JVM (under Surefire the forked JVM's {@code java.class.path} is its booter jar). */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException | UncheckedIOException e) {
            System.getLogger("org.glm4j.conformance").log(System.Logger.Level.DEBUG, "could not delete " + dir, e);
        }
    }
}
