package org.glm4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code ./glm4j bench}.
 *
 * @param backends backends to run, in order; empty for every available one
 * @param cases    cases to run, in order; empty for all
 * @param json     where to write the JSON report, or null
 * @param full     longer JMH warmup and measurement
 * @param warm     keep one copy of streamed operands (cache-warm) instead of rotating copies past the cache
 * @param verbose  show JMH's own output
 * @param help     print usage and exit
 */
public record BenchArgs(List<String> backends, List<String> cases, Path json, boolean full, boolean warm,
                        boolean verbose, boolean help) {
    public BenchArgs {
        backends = List.copyOf(backends);
        cases = List.copyOf(cases);
    }

    /** Usage text, naming the known cases. */
    static String usage(List<String> caseNames) {
        StringBuilder names = new StringBuilder();
        int width = 0;
        for (int i = 0; i < caseNames.size(); i++) {
            String n = caseNames.get(i) + (i + 1 < caseNames.size() ? ", " : "");
            if (width > 0 && width + n.length() > 80) {
                names.append("\n").append(" ".repeat(18));
                width = 0;
            }
            names.append(n);
            width += n.length();
        }
        return """
                usage: ./glm4j bench [options]
                  --backend NAME  run on this backend (repeatable; default: every backend that opens here)
                  --case NAME     run only this case (repeatable; default: all), one of
                                  %s
                  --json FILE     also write the results as JSON to FILE
                  --full          longer warmup and measurement (default: a quick run of about a minute per backend)
                  --warm          do not rotate streamed operands past the last-level cache (default: rotate)
                  --verbose       show JMH's output while it runs
                  --help          this text
                end to end on a checkpoint (./glm4j synth makes one):
                  --e2e --model DIR [--image-size 448] [--prompt-tokens 64] [--new-tokens 16] [--reps 3] [--backend B] [--json FILE]
                Runs two machine probes (read bandwidth, FMA throughput), then each case on each backend in its own
                JVM, and prints the median time per call, the achieved figure and its fraction of the probe.
                """.formatted(names.toString().stripTrailing());
    }

    /**
     * Parses command-line options.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public static BenchArgs parse(String... args) {
        List<String> backends = new ArrayList<>(), cases = new ArrayList<>();
        Path json = null;
        boolean full = false, warm = false, verbose = false, help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--backend" -> backends.add(value(args, ++i, a));
                case "--case" -> cases.add(value(args, ++i, a));
                case "--json" -> {
                    if (json != null) throw new IllegalArgumentException("--json given twice");
                    json = Path.of(value(args, ++i, a));
                    Path parent = json.toAbsolutePath().getParent();
                    if (parent != null && !Files.isDirectory(parent))
                        throw new IllegalArgumentException("--json " + json + ": folder " + parent + " does not exist");
                    if (Files.isDirectory(json)) throw new IllegalArgumentException("--json " + json + " is a folder");
                }
                case "--full" -> full = true;
                case "--warm" -> warm = true;
                case "--verbose" -> verbose = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return new BenchArgs(backends, cases, json, full, warm, verbose, help);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--"))
            throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
