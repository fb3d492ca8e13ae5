package org.glm4j.bench.e2e;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glm4j.bench.probe.ReadBandwidthProbe;
import org.glm4j.bench.report.BenchReport;
import org.glm4j.bench.report.ResultRow;
import org.glm4j.bench.report.TargetCheck;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.Glm4v;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.config.TextConfig;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.generate.GenerationConfig;
import org.glm4j.model.generate.Prompt;
import org.glm4j.model.generate.Request;
import org.glm4j.model.generate.Result;
import org.glm4j.model.generate.Session;
import org.glm4j.model.preprocess.RgbImage;

/**
 * {@code ./glm4j bench --e2e --model DIR}: one image and a prompt through the whole model, repeated, reporting
 * vision encode, prefill and decode against limits measured in the same run, after every rep — the read-bandwidth
 * probe (decode: bytes each step must read) and the same backend's bf16 matmul at M=K=N=2048 (vision and prefill:
 * their matmul and attention FLOPs). Each rep's fraction is taken against the limits measured right after it and
 * the row reports the median fraction, so load that comes and goes on a shared machine moves both sides alike.
 * Rows use the op benchmark's format and the cases {@code vision-encode}, {@code prefill}, {@code decode}.
 */
public final class E2eBench {
    private E2eBench() {}

    record Options(Path model, int imageSize, int promptTokens, int newTokens, String backend, Path json, int reps) {}

    static String usage() {
        return """
                usage: ./glm4j bench --e2e --model DIR [--image-size 448] [--prompt-tokens 64] [--new-tokens 16]
                                     [--backend auto|jvm|onednn|cuda] [--reps 3] [--json FILE]
                """;
    }

    static Options parse(String[] argv) {
        Path model = null, json = null;
        int size = 448, prompt = 64, fresh = 16, reps = 3;
        String backend = "auto";
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--e2e" -> { }
                case "--model" -> model = Path.of(value(argv, ++i, a));
                case "--image-size" -> size = Integer.parseInt(value(argv, ++i, a));
                case "--prompt-tokens" -> prompt = Integer.parseInt(value(argv, ++i, a));
                case "--new-tokens" -> fresh = Integer.parseInt(value(argv, ++i, a));
                case "--backend" -> backend = value(argv, ++i, a);
                case "--reps" -> reps = Integer.parseInt(value(argv, ++i, a));
                case "--json" -> json = Path.of(value(argv, ++i, a));
                default -> throw new IllegalArgumentException("unknown e2e option " + a);
            }
        }
        if (model == null) throw new IllegalArgumentException("--e2e needs --model DIR (./glm4j synth makes one)");
        if (size < 28 || prompt < 1 || fresh < 2 || reps < 1) throw new IllegalArgumentException("sizes and counts must be positive (--new-tokens >= 2)");
        return new Options(model, size, prompt, fresh, backend, json, reps);
    }

    private static String value(String[] argv, int i, String option) {
        if (i >= argv.length) throw new IllegalArgumentException(option + " needs a value");
        return argv[i];
    }

    /** Runs the benchmark; returns the exit status. */
    public static int run(String[] argv) {
        Options o;
        try {
            o = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(usage());
            return 2;
        }
        try (Glm4v glm = Glm4v.load(o.model(), Glm4v.Options.defaults().withBackend(o.backend()).withLog(System.err::println));
             Session session = glm.newSession()) {
            return measure(glm, session, o);
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: e2e failed: " + e);
            return 1;
        }
    }

    private static int measure(Glm4v glm, Session session, Options o) throws IOException {
        Backend backend = glm.backend();
        Glm4vConfig c = glm.model().config();
        RgbImage image = syntheticImage(o.imageSize());
        String text = fillerText(glm, o.promptTokens());
        Prompt prompt = session.prepare(Request.of(text, List.of(image)));
        GenerationConfig gen = GenerationConfig.greedy(o.newTokens(), List.of());
        System.err.printf("bench: e2e %s on %s: %dx%d image -> %d patches, prompt %d tokens, %d new tokens, %d reps%n",
                o.model().getFileName(), backend.name(), o.imageSize(), o.imageSize(), prompt.images().rows(), prompt.ids().length,
                o.newTokens(), o.reps());

        double[] vision = new double[o.reps()], prefill = new double[o.reps()], decode = new double[o.reps()];
        double[] readRuns = new double[o.reps()], matmulRuns = new double[o.reps()];
        // Warm-up: one whole rep, so that weights are packed and the decode path's Java code (called once per token
        // and layer) is compiled before measuring; two tokens left the first reps' decode ~1.5x slower than the last.
        session.generate(prompt, gen, (id, t, s) -> { });
        long peakRss = peakRssBytes(), weights = checkpointBytes(o.model());
        // Each rep is followed by the in-run limits, so that every rep is compared with limits measured next to it
        // (the machine is shared: load moves both alike within seconds, not across a minute). The probes' buffers
        // are freed before the next rep, and the peak-RSS mark is reset after them where Linux allows it, so the
        // reported peak is the model's alone.
        boolean peakResets = true;
        for (int r = 0; r < o.reps(); r++) {
            Result res = session.generate(prompt, gen, (id, t, s) -> { });
            vision[r] = res.stats().visionMs();
            prefill[r] = res.stats().prefillMs() - res.stats().visionMs();
            decode[r] = res.stats().decodeMsPerToken();
            peakRss = Math.max(peakRss, peakRssBytes());
            if (r == 0 || peakResets) {
                matmulRuns[r] = matmul2048(backend, glm.model().dtype());
                readRuns[r] = readProbe();
                peakResets = resetPeakRss();
            } else {                                                       // the probes would raise the peak mark
                matmulRuns[r] = matmulRuns[0];
                readRuns[r] = readRuns[0];
            }
            System.err.printf("bench: rep %d: vision %.1f ms, prefill %.1f ms, decode %.2f ms/token; then read probe %.1f GB/s,"
                    + " matmul 2048^3 %.1f GFLOP/s%n", r + 1, vision[r], prefill[r], decode[r], readRuns[r], matmulRuns[r]);
        }
        if (!peakResets)
            System.err.println("bench: /proc/self/clear_refs is not writable: the probes ran after the first rep only");
        double matmulGflops = median(matmulRuns), readGbps = median(readRuns);

        int patches = prompt.images().rows(), tokens = prompt.ids().length, ctx = tokens + o.newTokens();
        double visionFlops = visionFlops(c.vision(), patches, prompt.images().grids());
        double prefillFlops = prefillFlops(c.text(), tokens);
        double decodeBytes = decodeBytes(c.text(), glm.model().dtype(), tokens + o.newTokens() / 2);
        double vMs = median(vision), pMs = median(prefill), dMs = median(decode);
        double[] vFrac = new double[o.reps()], pFrac = new double[o.reps()], dFrac = new double[o.reps()];
        for (int r = 0; r < o.reps(); r++) {
            vFrac[r] = visionFlops / (vision[r] * 1e6) / matmulRuns[r];
            pFrac[r] = prefillFlops / (prefill[r] * 1e6) / matmulRuns[r];
            dFrac[r] = decodeBytes / (decode[r] * 1e6) / readRuns[r];
        }
        BenchReport report = new BenchReport()
                .probe("read_gbps", readGbps)
                .probe("matmul_2048_gflops", matmulGflops)
                .run("mode", "e2e")
                .run("model", o.model().getFileName().toString())
                .run("weights_dtype", glm.model().dtype().toString())
                .run("checkpoint_bytes", weights)
                .run("peak_rss_bytes", peakRss)
                .run("prompt_tokens", tokens)
                .run("ttft_ms", vMs + pMs)
                .run("prefill_tokens_per_s", tokens * 1000.0 / pMs)
                .run("read_gbps_runs", java.util.Arrays.stream(readRuns).boxed().map(v -> (Object) v).toList())
                .run("matmul_2048_gflops_runs", java.util.Arrays.stream(matmulRuns).boxed().map(v -> (Object) v).toList())
                .run("java", Runtime.version().toString());
        String b = backend.name();
        report.add(row(b, "vision-encode", patches + " patches of " + o.imageSize() + "x" + o.imageSize(), vMs, visionFlops,
                median(vFrac), 0.6));
        report.add(row(b, "prefill", tokens + " tokens", pMs, prefillFlops, median(pFrac), 0.6));
        double gbps = decodeBytes / (dMs * 1e6), dFraction = median(dFrac);
        report.add(new ResultRow(b, "decode", "1 token at context " + ctx, dMs, gbps, "GB/s", dFraction,
                List.of(new TargetCheck(0.85, "read_gbps", true, dFraction))));
        System.out.printf("probes: read %.1f GB/s, %s bf16 matmul 2048^3 %.1f GFLOP/s%n", readGbps, b, matmulGflops);
        System.out.printf("time to first token %.1f ms (vision %.1f + prefill %.1f), prefill %.1f tokens/s, decode %.2f ms/token;"
                        + " peak RSS %.2f GiB for a %.2f GiB checkpoint%n", vMs + pMs, vMs, pMs, tokens * 1000.0 / pMs, dMs,
                peakRss / (double) (1L << 30), weights / (double) (1L << 30));
        System.out.print(report.table());
        if (o.json() != null) {
            Files.writeString(o.json(), report.json());
            System.err.println("bench: wrote " + o.json());
        }
        return 0;
    }

    /** A compute row; {@code fraction} is the median over reps of each rep's rate over the matmul probe next to it. */
    private static ResultRow row(String backend, String name, String shape, double ms, double flops, double fraction, double target) {
        double gflops = flops / (ms * 1e6);
        return new ResultRow(backend, name, shape, ms, gflops, "GFLOP/s", fraction,
                List.of(new TargetCheck(target, "matmul_2048_gflops", true, fraction)));
    }

    // ---------------------------------------------------------------- work counts

    /** Matmul and attention FLOPs of the vision tower and projector for these patches and grids. */
    static double visionFlops(VisionConfig v, int n, List<int[]> grids) {
        double d = v.hiddenSize(), m = v.outHiddenSize(), i = v.intermediateSize();
        double perBlock = 2.0 * n * d * 3 * d + 2.0 * n * d * d + 3 * 2.0 * n * d * m;
        double attn = 0;
        for (int[] g : grids) {
            double s = (double) g[1] * g[2];
            attn += g[0] * 4.0 * s * s * d;
        }
        double embed = 2.0 * n * v.patchVectorSize() * d;
        double merge = 2.0 * (n / 4.0) * 4 * d * m + 2.0 * (n / 4.0) * m * m + 3 * 2.0 * (n / 4.0) * m * i;
        return embed + v.depth() * (perBlock + attn) + merge;
    }

    /** Matmul and causal-attention FLOPs of a prefill of {@code l} tokens (lm_head on the last row). */
    static double prefillFlops(TextConfig t, int l) {
        double d = t.hiddenSize(), q = (double) t.numAttentionHeads() * t.headDim(), kv = (double) t.numKeyValueHeads() * t.headDim();
        double perLayer = 2.0 * l * d * (q + 2 * kv) + 2.0 * l * q * d + 2.0 * l * d * 2 * t.intermediateSize()
                + 2.0 * l * t.intermediateSize() * d + 4.0 * t.numAttentionHeads() * t.headDim() * (l * (l + 1) / 2.0);
        return t.numHiddenLayers() * perLayer + 2.0 * d * t.vocabSize();
    }

    /** Bytes one decode step reads: every layer's weights and norms, the final norm, lm_head, one embedding row, the KV cache. */
    static double decodeBytes(TextConfig t, DType dtype, int context) {
        double es = dtype.byteSize(), d = t.hiddenSize(), q = (double) t.numAttentionHeads() * t.headDim(),
                kv = (double) t.numKeyValueHeads() * t.headDim(), in = t.intermediateSize();
        double perLayer = (d * q + q + 2 * (d * kv + kv) + q * d + d * 2 * in + in * d + 4 * d) * es + 2.0 * context * kv * es;
        return t.numHiddenLayers() * perLayer + (d + t.vocabSize() * d + d) * es;
    }

    // ---------------------------------------------------------------- in-run limits

    /** The backend's bf16-weight matmul rate at M=K=N=2048 (median of 5 after 3 warm-ups), GFLOP/s. */
    static double matmul2048(Backend backend, DType activations) {
        int n = 2048;
        try (Arena arena = Arena.ofShared()) {
            Tensor x = backend.allocate(activations, Shape.of(n, n), arena), w = backend.allocate(DType.BF16, Shape.of(n, n), arena);
            Tensor out = backend.allocate(activations, Shape.of(n, n), arena);
            Ops ops = new Ops(backend, null);
            double[] ms = new double[5];
            for (int r = -3; r < ms.length; r++) {
                long t0 = System.nanoTime();
                ops.matmul(out, x, w, null);
                ops.synchronize();
                if (r >= 0) ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            return 2.0 * n * n * n / (median(ms) * 1e6);
        }
    }

    /**
     * The streaming read probe on all cores over 1 GiB, in this JVM: warmed up until the Vector API loop is compiled
     * (at least 10 calls and 1 s), then the median of 7 calls, GB/s.
     */
    static double readProbe() {
        ReadBandwidthProbe p = new ReadBandwidthProbe();
        p.bytes = 1L << 30;
        p.threads = 0;
        p.setup();
        try {
            long warmStart = System.nanoTime();
            for (int w = 0; w < 10 || System.nanoTime() - warmStart < 1_000_000_000L; w++) p.read();
            double[] ms = new double[7];
            for (int r = 0; r < ms.length; r++) {
                long t0 = System.nanoTime();
                p.read();
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            return ReadBandwidthProbe.bytesRead(p.bytes, Runtime.getRuntime().availableProcessors()) / (median(ms) * 1e6);
        } finally {
            p.tearDown();
        }
    }

    // ---------------------------------------------------------------- inputs and helpers

    /** A deterministic colourful test image. */
    static RgbImage syntheticImage(int size) {
        byte[] rgb = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int o = (y * size + x) * 3;
                rgb[o] = (byte) (x * 255 / size);
                rgb[o + 1] = (byte) (y * 255 / size);
                rgb[o + 2] = (byte) ((x ^ y) & 0xff);
            }
        return new RgbImage(size, size, rgb);
    }

    /** Text of about {@code tokens} tokens for this tokenizer. */
    static String fillerText(Glm4v glm, int tokens) {
        int per = Math.max(1, glm.tokenizer().encode(" the").length);
        return " the".repeat(Math.max(1, tokens / per));
    }

    /**
     * Resets the kernel's peak-RSS mark of this process to its current RSS ({@code echo 5 > /proc/self/clear_refs},
     * Linux 4.0 and later); false where that is not possible.
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static long checkpointBytes(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).forEach(files::add);
        }
        long n = 0;
        for (Path p : files) n += Files.size(p);
        return n;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
