package org.glm4j.bench.gpu;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.glm4j.model.json.JsonWriter;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.backend.StepGraph;
import org.glm4j.core.backend.cuda.CudaBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.DecodeInputs;
import org.glm4j.model.Glm4vModel;
import org.glm4j.model.generate.GenerationConfig;
import org.glm4j.model.generate.Request;
import org.glm4j.model.generate.Result;
import org.glm4j.model.generate.Session;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.synth.SyntheticCheckpoint;
import org.glm4j.model.text.KvCache;
import org.glm4j.model.tokenizer.Tokenizer;

/**
 * The GPU benchmarks of the prepared GPU check ({@code bench/gpu-check.sh}), and its report.
 *
 * <p>Two limits are measured first, in the same run: a device-to-device copy (bandwidth, read + written bytes) and a
 * large cuBLASLt bf16 GEMM (compute). Then, at GLM-4.1V-9B shapes with bf16 operands: decode GEMVs against the copy
 * bandwidth (target 0.85), prefill GEMMs against the large GEMM (target 0.7), prefill attention on our kernel and on
 * cuDNN's fused SDPA on the same shapes (each path pinned with {@link CudaBackend#attentionPath}; target: ours at
 * least 0.7 of cuDNN's throughput), and the model's own decode step ({@link Glm4vModel#decodeStep}, the step a
 * {@link Session} runs) on a synthetic checkpoint of {@value #DEFAULT_LAYERS} text layers at 9B shapes, launched op
 * by op against replayed from its CUDA graph (target 1.3×), plus whole {@link Session#generate} decode rates with
 * graphs off and on; a replay whose logits, or a session whose greedy tokens, differ from op by op is an error. Times come from CUDA events around blocks of calls; each figure is the median of
 * {@value #REPEATS} blocks. Operands are random; the streamed ones (decode weights) rotate through copies that span
 * {@value #ROTATE_MIB} MiB, so the device's L2 cache does not hold them.
 *
 * <p>It also folds the JUnit reports of the check's test runs into the report ({@code --junit LABEL=DIR}) and writes
 * {@code gpu-report.md} and {@code gpu-report.json} into {@code --out DIR}, whether or not the cuda backend opens.
 * Exit status: 0 when every test suite ran without a failure and every benchmark ran (targets are reported, not
 * enforced), 1 when a test failed, a suite left no report, or a benchmark threw, 2 when cuda is unavailable here
 * (the report then says why).
 */
public final class GpuBench {
    /** Text layers of the synthetic checkpoint the decode-step and session cases load (writing it costs ~10 s a layer). */
    static final int DEFAULT_LAYERS = 2;
    /** Its vocabulary (the real one is 151552; the lm_head GEMV is the only part it changes). */
    static final int SYNTH_VOCAB = 16384;
    /** Tokens generated per session run. */
    static final int SESSION_TOKENS = 48;
    static final int REPEATS = 7;
    static final int ROTATE_MIB = 1024;
    /** Target block length for one timed block of calls. */
    static final double BLOCK_MS = 25;

    // GLM-4.1V-9B text decoder (glm4v-model.md): hidden 4096, MLP 13696, 32 q / 2 kv heads of 128.
    static final int HIDDEN = 4096, MLP = 13696, HEADS = 32, KV_HEADS = 2, HEAD_DIM = 128;
    static final int QKV = HIDDEN + 2 * KV_HEADS * HEAD_DIM;
    /** Vision patch embedding: patches of a ~1792×1792 image, 3·2·14·14 inputs each, the tower's width. */
    static final int PATCHES = 16384, PATCH_K = 3 * 2 * 14 * 14, VISION_HIDDEN = 1536;

    private final CudaBackend cuda;
    private final Ops ops;
    private final Arena arena;
    private final Tensor pool;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, Object> probes = new LinkedHashMap<>();
    private final SplittableRandom rng = new SplittableRandom(7);

    private GpuBench(CudaBackend cuda, Arena arena) {
        this.cuda = cuda;
        this.ops = new Ops(cuda, null);
        this.arena = arena;
        // 64 MiB of random bf16 in [-1, 1) on the device: every operand is filled from it with device copies
        int n = 32 << 20;
        Tensor host = Tensor.allocate(DType.BF16, Shape.of(n), arena);
        for (int i = 0; i < n; i++) host.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        pool = cuda.allocate(DType.BF16, Shape.of(n), arena);
        cuda.copy(pool, host);
    }

    /** Entry point; see the class comment for arguments and exit status. */
    public static void main(String[] args) throws IOException {
        Path out = null;
        int layers = DEFAULT_LAYERS;
        Map<String, Path> junit = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--layers" -> layers = Integer.parseInt(value(args, ++i));
                case "--junit" -> {
                    String v = value(args, ++i);
                    int eq = v.indexOf('=');
                    if (eq < 1) usage("--junit takes LABEL=DIR, got " + v);
                    junit.put(v.substring(0, eq), Path.of(v.substring(eq + 1)));
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (out == null) usage("--out DIR is required");
        Files.createDirectories(out);
        System.exit(run(out, layers, junit));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) usage(args[i - 1] + " needs a value");
        return args[i];
    }

    private static void usage(String why) {
        System.err.println("gpu-bench: " + why + "\nusage: GpuBench --out DIR [--layers N] [--junit LABEL=DIR]...\n"
                + "  --layers N   text layers of the synthetic checkpoint for the decode-step and session cases (default " + DEFAULT_LAYERS + ")");
        System.exit(64);
    }

    static int run(Path out, int layers, Map<String, Path> junit) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("when", Instant.now().toString());
        report.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")");
        List<JunitSummary> suites = new ArrayList<>();
        for (var e : junit.entrySet()) suites.add(JunitSummary.read(e.getKey(), e.getValue()));

        String unavailable = null;
        GpuBench bench = null;
        Backend opened = null;
        try (Arena arena = Arena.ofShared()) {
            try {
                opened = Backends.open(CudaBackend.NAME);
            } catch (BackendUnavailableException e) {
                unavailable = e.getMessage();
            }
            if (opened instanceof CudaBackend c) {
                report.put("device", c.description());
                report.put("cudnn_sdpa", c.sdpaStatus());
                System.out.println("gpu-bench: " + c);
                bench = new GpuBench(c, arena);
                bench.measureAll(layers);
            }
        } catch (RuntimeException e) {
            if (bench == null) unavailable = "cuda opened but setting up the benchmark failed: " + e;
            else bench.errors.add("setup or teardown: " + e);
            e.printStackTrace();
        } finally {
            if (opened != null) opened.close();
        }
        report.put("cuda", unavailable == null ? "available" : unavailable);
        report.put("tests", suites.stream().map(JunitSummary::toJson).toList());
        report.put("probes", bench == null ? Map.of() : bench.probes);
        report.put("results", bench == null ? List.of() : bench.results);
        List<String> errors = bench == null ? List.of() : bench.errors;
        report.put("errors", errors);
        boolean testsOk = suites.stream().allMatch(JunitSummary::passed);
        int status = !testsOk || !errors.isEmpty() ? 1 : unavailable != null ? 2 : 0;
        report.put("exit_status", status);

        Files.writeString(out.resolve("gpu-report.json"), JsonWriter.write(report) + "\n");
        String md = markdown(report, suites, unavailable, errors);
        Files.writeString(out.resolve("gpu-report.md"), md);
        System.out.print(md);
        return status;
    }

    // ================================================================ measurements

    private void measureAll(int layers) {
        step("copy probe", this::copyProbe);
        step("gemm probe", this::gemmProbe);
        for (int n : new int[] { MLP, HIDDEN }) step("gemv N=" + n, () -> gemv(n));
        for (int m : new int[] { 512, 2048 }) {
            step("gemm qkv M=" + m, () -> gemm("gemm-prefill qkv", m, QKV, HIDDEN));
            step("gemm o M=" + m, () -> gemm("gemm-prefill o", m, HIDDEN, HIDDEN));
            step("gemm gate_up M=" + m, () -> gemm("gemm-prefill gate_up", m, 2 * MLP, HIDDEN));
            step("gemm down M=" + m, () -> gemm("gemm-prefill down", m, HIDDEN, MLP));
        }
        // the vision tower's Conv3d patch embedding (kernel = stride over patchified pixel_values) is this one GEMM
        // in CudaBackend.conv; at ≥ 0.7 of the large-GEMM rate no cuDNN convolution could do materially better
        step("gemm patch_embed", () -> gemm("gemm-prefill patch_embed", PATCHES, VISION_HIDDEN, PATCH_K));
        step("attention prefill", this::attentionPrefill);
        step("decode step and session", () -> decodeAndSession(layers));
    }

    private void step(String what, Runnable r) {
        System.out.println("gpu-bench: " + what);
        try {
            r.run();
        } catch (RuntimeException e) {
            errors.add(what + ": " + e);
            e.printStackTrace();
        }
    }

    private Tensor random(DType dtype, int... dims) {
        Tensor t = cuda.allocate(dtype, Shape.of(dims), arena);
        Tensor flat = t.view(Shape.of(Math.toIntExact(t.numel())));
        long n = t.numel();
        for (long off = 0; off < n; off += pool.numel()) {
            int len = (int) Math.min(pool.numel(), n - off);
            Tensor src = pool.slice(0, (int) (rng.nextLong(pool.numel() - len + 1)), len);
            if (dtype == DType.BF16) cuda.copy(flat.slice(0, (int) off, len), src);
            else cuda.convert(flat.slice(0, (int) off, len).view(1, len), src.view(1, len));
        }
        cuda.synchronize();
        return t;
    }

    /** Median milliseconds per call of {@code call}: blocks of calls sized to about {@value #BLOCK_MS} ms, timed by events. */
    private double perCallMs(Runnable call) {
        call.run();
        cuda.synchronize();
        double first = cuda.time(() -> { for (int i = 0; i < 3; i++) call.run(); }) / 3;
        int n = (int) Math.max(2, Math.min(5000, Math.ceil(BLOCK_MS / Math.max(first, 1e-4))));
        double[] ms = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) ms[r] = cuda.time(() -> { for (int i = 0; i < n; i++) call.run(); }) / n;
        Arrays.sort(ms);
        return ms[REPEATS / 2];
    }

    private void copyProbe() {
        int rows = 16384, cols = 32768;                      // 1 GiB of bf16 each way
        Tensor src = random(DType.BF16, rows, cols), dst = cuda.allocate(DType.BF16, Shape.of(rows, cols), arena);
        double ms = perCallMs(() -> cuda.copy(dst, src));
        double gbps = 2.0 * src.numel() * 2 / (ms * 1e6);
        probes.put("copy_gbps", gbps);
        result("copy-probe", "device-to-device copy of 1 GiB (read + written bytes)", ms, gbps, "GB/s", null, null, null);
    }

    private void gemmProbe() {
        int n = 8192;
        Tensor x = random(DType.BF16, n, n), w = random(DType.BF16, n, n), o = cuda.allocate(DType.BF16, Shape.of(n, n), arena);
        double ms = perCallMs(() -> ops.matmul(o, x, w, null));
        double tflops = 2.0 * n * n * n / (ms * 1e9);
        probes.put("gemm_tflops", tflops);
        result("gemm-probe", "M=N=K=8192 bf16, f32 compute, bf16 out", ms, tflops, "TFLOP/s", null, null, null);
    }

    private void gemv(int n) {
        int k = HIDDEN;
        long bytes = 2L * n * k;
        int copies = (int) Math.max(2, Math.ceil((ROTATE_MIB << 20) / (double) bytes));
        Tensor[] w = new Tensor[copies];
        for (int i = 0; i < copies; i++) w[i] = random(DType.BF16, n, k);
        Tensor x = random(DType.BF16, 1, k), o = cuda.allocate(DType.BF16, Shape.of(1, n), arena);
        int[] next = { 0 };
        double ms = perCallMs(() -> ops.matmul(o, x, w[next[0]++ % copies], null));
        double gbps = (bytes + 2L * k + 2L * n) / (ms * 1e6);
        result("gemv-decode", "M=1 K=" + k + " N=" + n + " bf16 weights (" + copies + " rotating copies)", ms, gbps, "GB/s",
                "copy_gbps", 0.85, null);
    }

    private void gemm(String name, int m, int n, int k) {
        Tensor x = random(DType.BF16, m, k), w = random(DType.BF16, n, k), o = cuda.allocate(DType.BF16, Shape.of(m, n), arena);
        double ms = perCallMs(() -> ops.matmul(o, x, w, null));
        result(name, "M=" + m + " K=" + k + " N=" + n + " bf16", ms, 2.0 * m * n * k / (ms * 1e9), "TFLOP/s", "gemm_tflops", 0.7, null);
    }

    /** One prefill attention shape: queries = keys, {@code segments} null for one. */
    private record AttentionShape(String name, int tokens, int heads, int kvHeads, boolean causal, int[] segments) {
        AttentionSpec spec() {
            return causal ? AttentionSpec.causal(HEAD_DIM, heads / kvHeads, 0) : AttentionSpec.full(HEAD_DIM, heads / kvHeads, segments);
        }

        /** Multiply-adds of both products, over the keys each query sees. */
        double flops() {
            if (causal) return 4.0 * heads * HEAD_DIM * ((double) tokens * (tokens + 1) / 2);
            if (segments == null) return 4.0 * heads * HEAD_DIM * (double) tokens * tokens;
            double f = 0;
            for (int i = 0; i + 1 < segments.length; i++) f += 4.0 * heads * HEAD_DIM * Math.pow(segments[i + 1] - segments[i], 2);
            return f;
        }
    }

    /**
     * Prefill attention, bf16, head_dim 128, on our kernel and on cuDNN SDPA (each pinned on this thread), and our
     * throughput as a fraction of cuDNN's (target 0.7). A shape cuDNN cannot take here is reported with the reason.
     */
    private void attentionPrefill() {
        int vision = 12;                                    // the vision tower: 12 heads of 128, full attention per image
        List<AttentionShape> shapes = List.of(
                new AttentionShape("text prefill", 2048, HEADS, KV_HEADS, true, null),
                new AttentionShape("vision, one image", 4096, vision, vision, false, null),
                new AttentionShape("vision, 4 video frames", 4096, vision, vision, false, new int[] { 0, 1024, 2048, 3072, 4096 }));
        for (AttentionShape a : shapes) {
            Tensor q = random(DType.BF16, a.tokens(), a.heads(), HEAD_DIM), k = random(DType.BF16, a.tokens(), a.kvHeads(), HEAD_DIM);
            Tensor v = random(DType.BF16, a.tokens(), a.kvHeads(), HEAD_DIM);
            Tensor o = cuda.allocate(DType.BF16, Shape.of(a.tokens(), a.heads(), HEAD_DIM), arena);
            AttentionSpec spec = a.spec();
            String shape = a.name() + ": " + a.tokens() + " tokens, " + (a.causal() ? "causal" : a.segments() == null ? "full"
                    : (a.segments().length - 1) + " segments") + ", " + a.heads() + " q / " + a.kvHeads() + " kv heads, head_dim 128, bf16";
            CudaBackend.AttentionPath before = cuda.attentionPath(CudaBackend.AttentionPath.KERNEL);
            try {
                double kernelMs = perCallMs(() -> ops.attention(o, q, k, v, spec));
                result("attention-prefill-kernel " + a.name(), shape + " (our kernel)", kernelMs, a.flops() / (kernelMs * 1e9), "TFLOP/s",
                        "gemm_tflops", null, null);
                String why = cuda.sdpaIneligible(o, q, k, v, spec);
                if (why != null) {
                    Map<String, Object> r = row("attention-kernel-vs-cudnn " + a.name(), shape, kernelMs, Double.NaN, "x");
                    r.put("fraction", null);
                    r.put("of", null);
                    r.put("target", 0.7);
                    r.put("pass", null);
                    r.put("note", "cuDNN SDPA not measured: " + why);
                    results.add(r);
                    continue;
                }
                cuda.attentionPath(CudaBackend.AttentionPath.SDPA);
                double cudnnMs = perCallMs(() -> ops.attention(o, q, k, v, spec));
                result("attention-prefill-cudnn " + a.name(), shape + " (cuDNN SDPA)", cudnnMs, a.flops() / (cudnnMs * 1e9), "TFLOP/s",
                        "gemm_tflops", null, null);
                ratio("attention-kernel-vs-cudnn " + a.name(), shape + ": our kernel's throughput / cuDNN SDPA's", kernelMs, cudnnMs / kernelMs,
                        "attention-prefill-cudnn " + a.name(), 0.7);
            } finally {
                cuda.attentionPath(before);
            }
        }
    }

    /**
     * The model's decode step on a synthetic checkpoint ({@code layers} text layers at 9B shapes, bf16), with the KV
     * cache filled to 4000 tokens: {@link Glm4vModel#decodeStep} launched op by op against the same step replayed from
     * its CUDA graph (CUDA events, target 1.3×); then {@link Session#generate} of {@value #SESSION_TOKENS} greedy
     * tokens with graphs off and on (the whole decode loop: inputs, step, sampling, reading the id).
     */
    private void decodeAndSession(int layers) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("glm4j-gpu-bench-");
            long t0 = System.nanoTime();
            SyntheticCheckpoint.write(dir, layers, 1, SYNTH_VOCAB, DType.BF16, 7, p -> { });
            System.out.printf(Locale.ROOT, "gpu-bench: synthetic checkpoint, %d text layers, written in %.1f s%n", layers, (System.nanoTime() - t0) / 1e9);
            try (Glm4vModel model = Glm4vModel.load(dir, cuda)) {
                decodeStep(model, layers);
                session(model, dir, layers);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    private void decodeStep(Glm4vModel model, int layers) {
        int capacity = 4096, row = 4000;
        try (Arena a = Arena.ofShared()) {
            KvCache cache = model.newCache(capacity, a);
            Scratch scratch = new Scratch(cuda, model.scratchBytes(1, null, false), a);
            Ops stepOps = new Ops(cuda, scratch);
            DecodeInputs in = model.newDecodeInputs(a);
            in.write(stepOps, 5, row, new int[][] { { row }, { row }, { row } });
            Tensor[] logits = new Tensor[1];
            double eager = perCallMs(() -> {
                scratch.reset();
                logits[0] = model.decodeStep(stepOps, in, cache);
            });                                                  // also the warm-up the capture needs
            float[] expected = download(logits[0]);
            scratch.reset();
            double graphMs;
            try (StepGraph graph = cuda.stepGraphs().orElseThrow().capture(() -> logits[0] = model.decodeStep(stepOps, in, cache))) {
                graph.replay();
                float[] replayed = download(logits[0]);
                double worst = 0;                               // the same kernels on the same data: equal, up to a reordered reduction
                for (int i = 0; i < expected.length; i++)
                    worst = Math.max(worst, Math.abs(replayed[i] - expected[i]) / (0.05 + 0.02 * Math.abs(expected[i])));
                if (!(worst <= 1))
                    errors.add("decode step: the replayed graph's logits differ from the op-by-op step's (worst element at "
                            + String.format(Locale.ROOT, "%.1f", worst) + "x the bf16 tolerance)");
                graphMs = perCallMs(graph::replay);
            }
            double bytes = 2.0 * layers * ((double) QKV * HIDDEN + (double) HIDDEN * HIDDEN + 2.0 * MLP * HIDDEN + (double) HIDDEN * MLP
                    + 2.0 * KV_HEADS * HEAD_DIM * (row + 1)) + 2.0 * SYNTH_VOCAB * HIDDEN;
            String shape = "Glm4vModel.decodeStep, " + layers + " text layers at 9B shapes + lm_head (vocab " + SYNTH_VOCAB + "), KV "
                    + (row + 1) + " of " + capacity + ", bf16";
            result("decode-step-eager", shape + ", ops launched one by one", eager, bytes / (eager * 1e6), "GB/s", "copy_gbps", null, null);
            result("decode-step-graph", shape + ", replayed from a CUDA graph", graphMs, bytes / (graphMs * 1e6), "GB/s", "copy_gbps", null, null);
            ratio("decode-step-graph-speedup", shape + ": eager time / graph time", graphMs, eager / graphMs, "decode-step-eager", 1.3);
        }
    }

    private void session(Glm4vModel model, Path dir, int layers) throws IOException {
        Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        Session.Preprocessors pre = new Session.Preprocessors(new ImageProcessor(ImageProcessorConfig.parse("{}", "defaults"), false),
                VideoProcessor.defaults());
        Request request = Request.of("Describe the weather in three short sentences.", List.of());
        GenerationConfig gen = GenerationConfig.greedy(SESSION_TOKENS, List.of());
        double[] msPerToken = new double[2];
        int[][] tokens = new int[2][];
        try (Session s = new Session(model, tokenizer, pre)) {
            for (int graphs = 0; graphs < 2; graphs++) {
                s.useStepGraphs(graphs == 1);
                s.generate(request, gen, (id, delta, segments) -> { });            // warm-up (and, with graphs, the capture)
                double[] runs = new double[3];
                for (int r = 0; r < runs.length; r++) {
                    Result res = s.generate(request, gen, (id, delta, segments) -> { });
                    runs[r] = res.stats().decodeMs() / Math.max(1, res.generatedIds().length - 1);
                    tokens[graphs] = res.generatedIds();
                }
                Arrays.sort(runs);
                msPerToken[graphs] = runs[1];
            }
        }
        if (!Arrays.equals(tokens[0], tokens[1]))
            errors.add("session: greedy tokens with the decode graph differ from op by op: " + Arrays.toString(tokens[1]) + " vs "
                    + Arrays.toString(tokens[0]));
        String shape = "Session.generate, " + SESSION_TOKENS + " greedy tokens after a short prompt, " + layers + " text layers at 9B shapes";
        result("session-decode-eager", shape + ", step op by op", msPerToken[0], 1000 / msPerToken[0], "tokens/s", null, null, null);
        result("session-decode-graph", shape + ", step replayed", msPerToken[1], 1000 / msPerToken[1], "tokens/s", null, null, null);
        ratio("session-decode-graph-speedup", shape + ": eager ms per token / graph ms per token", msPerToken[1], msPerToken[0] / msPerToken[1],
                "session-decode-eager", null);
    }

    private float[] download(Tensor t) {
        try (Arena a = Arena.ofConfined()) {
            Tensor host = Tensor.allocate(t.dtype(), t.shape(), a);
            cuda.copy(host, t);
            return host.toFloatArray();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("gpu-bench: could not delete " + dir + ": " + e);
        }
    }

    /** A row whose achieved value is a ratio of two other rows' figures. */
    private void ratio(String name, String shape, double ms, double value, String of, Double target) {
        Map<String, Object> r = row(name, shape, ms, value, "x");
        r.put("fraction", null);
        r.put("of", of);
        r.put("target", target);
        r.put("pass", target == null ? null : value >= target);
        results.add(r);
    }

    private Map<String, Object> row(String name, String shape, double ms, double achieved, String unit) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("case", name);
        r.put("shape", shape);
        r.put("median_ms", ms);
        r.put("achieved", achieved);
        r.put("unit", unit);
        return r;
    }

    private void result(String name, String shape, double ms, double achieved, String unit, String of, Double target, String note) {
        Map<String, Object> r = row(name, shape, ms, achieved, unit);
        Object limit = of == null ? null : probes.get(of);
        Double fraction = limit instanceof Double d ? achieved / d : null;
        r.put("fraction", fraction);
        r.put("of", of);
        r.put("target", target);
        r.put("pass", target == null || fraction == null ? null : fraction >= target);
        if (note != null) r.put("note", note);
        results.add(r);
    }

    // ================================================================ report

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> report, List<JunitSummary> suites, String unavailable, List<String> errors) {
        StringBuilder md = new StringBuilder("# glm4j GPU check\n\n");
        md.append("- when: ").append(report.get("when")).append('\n');
        md.append("- java: ").append(report.get("java")).append('\n');
        md.append("- cuda: ").append(unavailable == null ? "available, " + report.get("device") : unavailable).append('\n');
        if (report.get("cudnn_sdpa") != null) md.append("- cuDNN SDPA: ").append(report.get("cudnn_sdpa")).append('\n');
        md.append("- exit status: ").append(report.get("exit_status")).append("\n\n## Tests\n\n");
        if (suites.isEmpty()) md.append("No test suite was run.\n");
        else {
            md.append("| suite | ran | tests | passed | failed | skipped |\n|---|---|---|---|---|---|\n");
            for (JunitSummary s : suites)
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d |%n", s.label(), s.found() ? "yes" : "**no report**",
                        s.tests(), s.tests() - s.failures() - s.skipped(), s.failures(), s.skipped()));
            for (JunitSummary s : suites) {
                for (String f : s.failed()) md.append("\n- FAILED (").append(s.label()).append(") ").append(f);
                for (String r : s.skipReasons()) md.append("\n- skipped (").append(s.label()).append("): ").append(r);
            }
            md.append('\n');
        }
        md.append("\n## Benchmarks\n\n");
        List<Map<String, Object>> results = (List<Map<String, Object>>) report.get("results");
        if (results.isEmpty()) md.append("Not run: ").append(unavailable == null ? "see errors" : unavailable).append('\n');
        else {
            md.append("| case | shape | median ms | achieved | fraction | target |\n|---|---|---|---|---|---|\n");
            for (Map<String, Object> r : results) {
                Object f = r.get("fraction"), t = r.get("target"), p = r.get("pass");
                Double achieved = (Double) r.get("achieved");
                String got = achieved == null || achieved.isNaN() ? "—" : String.format(Locale.ROOT, "%.2f %s", achieved, r.get("unit"));
                md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %s | %s | %s |%n", r.get("case"), r.get("shape"),
                        (Double) r.get("median_ms"), got,
                        f == null ? "—" : String.format(Locale.ROOT, "%.3f of %s", (Double) f, r.get("of")),
                        t == null ? "—" : "≥ " + t + (p == null ? "" : Boolean.TRUE.equals(p) ? " PASS" : " MISS")));
            }
            for (Map<String, Object> r : results)
                if (r.containsKey("note")) md.append("\n- ").append(r.get("case")).append(": ").append(r.get("note"));
            md.append('\n');
        }
        if (!errors.isEmpty()) {
            md.append("\n## Errors\n\n");
            for (String e : errors) md.append("- ").append(e).append('\n');
        }
        return md.toString();
    }
}
