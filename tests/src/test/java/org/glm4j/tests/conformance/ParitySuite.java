package org.glm4j.tests.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.tests.conformance.Report.Failure;
import org.glm4j.tests.conformance.Report.ParityResult;
import org.glm4j.tests.support.TestBackends;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the existing JUnit parity tests through the JUnit Platform Launcher API in this JVM, whose
 * {@code -Dglm4j.test.backends} names the backend under test (so {@link TestBackends} opens only it and jvm), and
 * counts what happened: nothing here checks numbers itself.
 *
 * <p>On the jvm backend the level-2 tests — methods taking a {@link TestBackends.Candidate}, which compare another
 * backend with jvm — are left out: there is nothing to compare jvm with. Packages are filtered as Surefire and the
 * console launcher do (class names {@code *Test}, {@code *Tests}, {@code Test*}); named classes run as named.
 */
final class ParitySuite {
    private ParitySuite() {}

    /**
     * Runs the selection and returns its counts.
     *
     * @param backend  the backend under test (its name decides whether level-2 tests run)
     * @param packages packages to run
     * @param classes  fully qualified test classes to run
     * @param quick    only the real-shape cases ({@link QuickSubset})
     * @param progress gets one line per finished test class
     */
    static ParityResult run(String backend, List<String> packages, List<String> classes, boolean quick, Consumer<String> progress) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String p : packages) selectors.add(DiscoverySelectors.selectPackage(p));
        for (String c : classes) selectors.add(DiscoverySelectors.selectClass(c));
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request().selectors(selectors);
        if (!packages.isEmpty()) request.filters(ClassNameFilter.includeClassNamePatterns(ClassNameFilter.STANDARD_INCLUDE_PATTERN));
        if (backend.equals(JvmBackend.NAME)) request.filters(withoutLevelTwo());
        if (quick)
            request.configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .configurationParameter(QuickSubset.PARAMETER, "true");
        LauncherDiscoveryRequest discovery = request.build();

        Collector collector = new Collector(backend, progress);
        long t0 = System.nanoTime();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(discovery, collector);
        List<String> selection = new ArrayList<>(packages);
        selection.addAll(classes);
        return new ParityResult(List.copyOf(selection), collector.passed, collector.failed, collector.skipped, collector.notRun,
                List.copyOf(collector.failures), List.copyOf(collector.skipReasons), (System.nanoTime() - t0) / 1e9);
    }

    /** Leaves out test methods that take a {@link TestBackends.Candidate} (another backend against jvm). */
    private static PostDiscoveryFilter withoutLevelTwo() {
        return descriptor -> {
            if (descriptor.getSource().orElse(null) instanceof MethodSource m) {
                Class<?>[] params;
                try {
                    params = m.getJavaMethod().getParameterTypes();
                } catch (RuntimeException e) {
                    return FilterResult.included("parameter types unknown");
                }
                if (Arrays.asList(params).contains(TestBackends.Candidate.class))
                    return FilterResult.excluded("compares another backend with jvm");
            }
            return FilterResult.included("runs on jvm");
        };
    }

    /** Counts results; a failing container (a method source that throws, a failing {@code @BeforeAll}) is a failure. */
    private static final class Collector implements TestExecutionListener {
        private final String backend;
        private final Consumer<String> progress;
        int passed, failed, skipped, notRun;
        final List<Failure> failures = new ArrayList<>();
        final Set<String> skipReasons = new LinkedHashSet<>();
        private final Map<String, int[]> atClassStart = new HashMap<>();
        private final Map<String, Long> classStartNanos = new HashMap<>();

        Collector(String backend, Consumer<String> progress) {
            this.backend = backend;
            this.progress = progress;
        }

        @Override public void executionStarted(TestIdentifier id) {
            if (id.getSource().orElse(null) instanceof ClassSource c) {
                atClassStart.put(c.getClassName(), new int[] { passed, failed, skipped, notRun });
                classStartNanos.put(c.getClassName(), System.nanoTime());
            }
        }

        @Override public void executionSkipped(TestIdentifier id, String reason) {
            String why = reason == null || reason.isBlank() ? "skipped without a reason" : reason.strip();
            if (why.contains(QuickSubset.REASON)) {
                notRun++;
                return;
            }
            skipped++;
            skipReasons.add(why);
        }

        @Override public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            switch (result.getStatus()) {
                case SUCCESSFUL -> { if (id.isTest()) passed++; }
                case ABORTED -> {
                    skipped++;
                    skipReasons.add(result.getThrowable().map(Throwable::getMessage).filter(m -> m != null && !m.isBlank())
                            .map(m -> m.strip().replaceFirst("^Assumption failed: ", "")).orElse("aborted without a reason"));
                }
                case FAILED -> {
                    failed++;
                    failures.add(new Failure(name(id), message(result.getThrowable().orElse(null))));
                    System.out.println("FAILED " + name(id));                  // the log keeps the whole trace
                    result.getThrowable().ifPresent(t -> t.printStackTrace(System.out));
                }
            }
            if (id.getSource().orElse(null) instanceof ClassSource c && atClassStart.containsKey(c.getClassName())) {
                int[] s = atClassStart.remove(c.getClassName());
                double secs = (System.nanoTime() - classStartNanos.remove(c.getClassName())) / 1e9;
                progress.accept(String.format(Locale.ROOT, "%s parity %-34s %4d passed %3d failed %3d skipped%s  %.1f s", backend,
                        simpleName(c.getClassName()), passed - s[0], failed - s[1], skipped - s[2],
                        notRun > s[3] ? String.format(Locale.ROOT, " %4d not in --quick", notRun - s[3]) : "", secs));
            }
        }
    }

    /** {@code Class.method}, plus the case's display name for a parameterized invocation. */
    static String name(TestIdentifier id) {
        TestSource source = id.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            String base = simpleName(m.getClassName()) + "." + m.getMethodName();
            String display = id.getDisplayName();
            return display.startsWith(m.getMethodName() + "(") ? base : base + " [" + display + "]";
        }
        if (source instanceof ClassSource c) return simpleName(c.getClassName());
        return id.getDisplayName();
    }

    /** An assertion's message as it is; any other exception with its class and where in glm4j it was thrown. */
    static String message(Throwable t) {
        if (t == null) return "failed without an exception";
        String m = t.getMessage() == null ? "" : t.getMessage().strip();
        if (t instanceof AssertionError && !m.isEmpty()) return m;
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        if (!m.isEmpty()) sb.append(": ").append(m);
        for (StackTraceElement e : t.getStackTrace())
            if (e.getClassName().startsWith("org.glm4j.")) {
                sb.append(" (at ").append(simpleName(e.getClassName())).append('.').append(e.getMethodName()).append(':')
                        .append(e.getLineNumber()).append(')');
                break;
            }
        return sb.toString();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }
}
