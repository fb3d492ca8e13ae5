package org.glm4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs one JMH benchmark in one forked JVM through JMH's {@link Runner} API and returns the time per call of each
 * measured iteration. JMH's own output is kept in memory and shown only when the run fails, unless verbose.
 */
final class JmhRunner {
    /** Flags of every forked JVM: FFM downcalls, the Vector API, and the launcher's collector. */
    static final List<String> FORK_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC");

    /**
     * Iteration counts and lengths. An iteration runs calls back to back for {@code iterationMs} and lasts at least
     * one call, so a slow case costs about {@code (warmups + iterations)} calls.
     */
    record Plan(int warmups, int warmupMs, int iterations, int iterationMs) {
        Plan {
            if (warmups < 0 || warmupMs < 1 || iterations < 1 || iterationMs < 1)
                throw new IllegalArgumentException("bench: bad plan " + warmups + "x" + warmupMs + "ms, " + iterations + "x" + iterationMs + "ms");
        }
    }

    /** A benchmark that did not produce results; the message carries the end of JMH's output. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) { super(message, cause); }
    }

    private final boolean verbose;

    JmhRunner(boolean verbose) { this.verbose = verbose; }

    /**
     * What one benchmark run measured: the time per call (ms) of each measured iteration, and each secondary result
     * (JMH aux counters, e.g. {@code PairedTimings}) per measured iteration.
     */
    record Run(double[] primary, Map<String, double[]> secondary) {}

    /** Milliseconds per call of each measured iteration of {@code benchmark} run with {@code params}. */
    double[] run(String benchmark, Map<String, String> params, Plan plan) throws Failure {
        return measure(benchmark, params, plan).primary();
    }

    /** Runs {@code benchmark} with {@code params}: its primary and secondary results per measured iteration. */
    Run measure(String benchmark, Map<String, String> params, Plan plan) throws Failure {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark) + "$")
                .mode(Mode.AverageTime)
                .timeUnit(TimeUnit.MILLISECONDS)
                .forks(1)
                .threads(1)
                .jvmArgs(FORK_FLAGS.toArray(String[]::new))
                .warmupIterations(plan.warmups())
                .warmupTime(TimeValue.milliseconds(plan.warmupMs()))
                .measurementIterations(plan.iterations())
                .measurementTime(TimeValue.milliseconds(plan.iterationMs()))
                .shouldFailOnError(true);
        params.forEach(options::param);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = verbose ? System.err : new PrintStream(log, true, StandardCharsets.UTF_8);
        Runner runner = new Runner(options.build(), OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL));
        List<Double> times = new ArrayList<>();
        Map<String, List<Double>> secondary = new TreeMap<>();
        try {
            for (RunResult r : runner.run())
                for (BenchmarkResult b : r.getBenchmarkResults())
                    for (IterationResult i : b.getIterationResults()) {
                        times.add(i.getPrimaryResult().getScore());
                        i.getSecondaryResults().forEach((name, result) ->
                                secondary.computeIfAbsent(name, k -> new ArrayList<>()).add(result.getScore()));
                    }
        } catch (RunnerException | RuntimeException e) {
            throw new Failure(benchmark + " " + params + " failed: " + rootMessage(e) + tail(log), e);
        }
        if (times.isEmpty()) throw new Failure(benchmark + " " + params + " produced no measurements" + tail(log), null);
        Map<String, double[]> perIteration = new TreeMap<>();
        secondary.forEach((name, values) -> perIteration.put(name, values.stream().mapToDouble(Double::doubleValue).toArray()));
        return new Run(times.stream().mapToDouble(Double::doubleValue).toArray(), perIteration);
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("median of no values");
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    private static String tail(ByteArrayOutputStream log) {
        String s = log.toString(StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) return "";
        String[] lines = s.split("\n");
        int from = Math.max(0, lines.length - 30);
        return "\n  JMH output (last " + (lines.length - from) + " lines):\n    "
                + String.join("\n    ", Arrays.copyOfRange(lines, from, lines.length));
    }
}
