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
import org.glm4j.bench.report.Json;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.cuda.CudaBackend;
import org.glm4j.core.backend.cuda.CudaGraph;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * The GPU benchmarks of the prepared GPU check ({@code bench/gpu-check.sh}), and its report.
 *
 * <p>Two limits are measured first, in the same run: a device-to-device copy (bandwidth, read + written bytes) and a
 * large cuBLASLt bf16 GEMM (compute). Then, at GLM-4.1V-9B text-decoder shapes with bf16 operands: decode GEMVs
 * against the copy bandwidth (target 0.85), prefill GEMMs against the large GEMM (target 0.7), our prefill attention
 * kernel, and one decode step of {@value #DEFAULT_LAYERS} layers replayed from a CUDA graph against the same ops
 * launched one by one (target 1.3×). Times come from CUDA events around blocks of calls; each figure is the median
 * of {@value #REPEATS} blocks. Operands are random; the streamed ones (decode weights) rotate through copies that
 * span {@value #ROTATE_MIB} MiB, so the device's L2 cache does not hold them.
 *
 * <p>It also folds the JUnit reports of the check's test runs into the report ({@code --junit LABEL=DIR}) and writes
 * {@code gpu-report.md} and {@code gpu-report.json} into {@code --out DIR}, whether or not the cuda backend opens.
 * Exit status: 0 when every test suite ran without a failure and every benchmark ran (targets are reported, not
 * enforced), 1 when a test failed, a suite left no report, or a benchmark threw, 2 when cuda is unavailable here
 * (the report then says why).
 */
public final class GpuBench {
    static final int DEFAULT_LAYERS = 8;
    static final int REPEATS = 7;
    static final int ROTATE_MIB = 1024;
    /** Target block length for one timed block of calls. */
    static final double BLOCK_MS = 25;

    // GLM-4.1V-9B text decoder (glm4v-model.md): hidden 4096, MLP 13696, 32 q / 2 kv heads of 128, rotary 64 interleaved.
    static final int HIDDEN = 4096, MLP = 13696, HEADS = 32, KV_HEADS = 2, HEAD_DIM = 128, ROTARY = 64;
    static final int QKV = HIDDEN + 2 * KV_HEADS * HEAD_DIM;

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
        System.err.println("gpu-bench: " + why + "\nusage: GpuBench --out DIR [--layers N] [--junit LABEL=DIR]...");
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

        Files.writeString(out.resolve("gpu-report.json"), Json.write(report) + "\n");
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
        step("attention prefill", this::attentionPrefill);
        step("decode step", () -> decodeStep(layers));
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

    private void attentionPrefill() {
        int len = 2048;
        Tensor q = random(DType.BF16, len, HEADS, HEAD_DIM), k = random(DType.BF16, len, KV_HEADS, HEAD_DIM);
        Tensor v = random(DType.BF16, len, KV_HEADS, HEAD_DIM), o = cuda.allocate(DType.BF16, Shape.of(len, HEADS, HEAD_DIM), arena);
        AttentionSpec spec = AttentionSpec.causal(HEAD_DIM, HEADS / KV_HEADS, 0);
        double ms = perCallMs(() -> ops.attention(o, q, k, v, spec));
        double flops = 4.0 * HEADS * HEAD_DIM * ((double) len * (len + 1) / 2);
        result("attention-prefill", len + " tokens, causal, 32 q / 2 kv heads, head_dim 128, bf16 (glmk_attention_prefill)", ms,
                flops / (ms * 1e9), "TFLOP/s", "gemm_tflops", null,
                "the issue's target is 0.7 of cuDNN SDPA on the same shapes; the backend has no cuDNN SDPA yet, so only our kernel is measured");
    }

    /** One text-decoder layer's device state for a decode step at position {@code pos} of a {@code cache}-token KV cache. */
    private final class Layer {
        final Tensor inNorm = random(DType.BF16, HIDDEN), postAttnNorm = random(DType.BF16, HIDDEN);
        final Tensor postSelfNorm = random(DType.BF16, HIDDEN), postMlpNorm = random(DType.BF16, HIDDEN);
        final Tensor wQkv = random(DType.BF16, QKV, HIDDEN), bQkv = random(DType.BF16, QKV), wO = random(DType.BF16, HIDDEN, HIDDEN);
        final Tensor wGateUp = random(DType.BF16, 2 * MLP, HIDDEN), wDown = random(DType.BF16, HIDDEN, MLP);
        final Tensor kCache, vCache;
        final Tensor h = tmp(1, HIDDEN), qkv = tmp(1, QKV), attn = tmp(1, HEADS, HEAD_DIM), o = tmp(1, HIDDEN), mid = tmp(1, HIDDEN);
        final Tensor gateUp = tmp(1, 2 * MLP), act = tmp(1, MLP), down = tmp(1, HIDDEN);

        Layer(int cache) {
            kCache = random(DType.BF16, cache, KV_HEADS, HEAD_DIM);
            vCache = random(DType.BF16, cache, KV_HEADS, HEAD_DIM);
        }

        private Tensor tmp(int... dims) { return cuda.allocate(DType.BF16, Shape.of(dims), arena); }

        /** x → out through the layer (Glm4 sandwich norms), appending this token's k and v at {@code pos}. */
        void forward(Tensor x, Tensor out, Tensor cos, Tensor sin, int pos) {
            ops.rmsNorm(h, x, inNorm, 1e-5f);
            ops.matmul(qkv, h, wQkv, bQkv);
            Tensor q = qkv.columns(0, HIDDEN).unflatten(1, HEADS, HEAD_DIM);
            Tensor k = qkv.columns(HIDDEN, KV_HEADS * HEAD_DIM).unflatten(1, KV_HEADS, HEAD_DIM);
            Tensor v = qkv.columns(HIDDEN + KV_HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM).unflatten(1, KV_HEADS, HEAD_DIM);
            ops.rope(q, cos, sin, RopeSpec.interleaved(ROTARY));
            ops.rope(k, cos, sin, RopeSpec.interleaved(ROTARY));
            ops.copy(kCache.rows(pos, 1), k);
            ops.copy(vCache.rows(pos, 1), v);
            ops.attention(attn, q, kCache.rows(0, pos + 1), vCache.rows(0, pos + 1), AttentionSpec.causal(HEAD_DIM, HEADS / KV_HEADS, pos));
            ops.matmul(o, attn.view(1, HIDDEN), wO, null);
            ops.rmsNorm(h, o, postSelfNorm, 1e-5f);
            ops.binary(mid, x, h, Binary.ADD);
            ops.rmsNorm(h, mid, postAttnNorm, 1e-5f);
            ops.matmul(gateUp, h, wGateUp, null);
            ops.swiglu(act, gateUp);
            ops.matmul(down, act, wDown, null);
            ops.rmsNorm(h, down, postMlpNorm, 1e-5f);
            ops.binary(out, mid, h, Binary.ADD);
        }
    }

    private void decodeStep(int layers) {
        int cache = 4096, pos = cache - 1;
        List<Layer> stack = new ArrayList<>();
        for (int l = 0; l < layers; l++) stack.add(new Layer(cache));
        Tensor[] residual = new Tensor[layers + 1];
        residual[0] = random(DType.BF16, 1, HIDDEN);
        for (int l = 1; l <= layers; l++) residual[l] = cuda.allocate(DType.BF16, Shape.of(1, HIDDEN), arena);
        Tensor cos = random(DType.F32, 1, ROTARY / 2), sin = random(DType.F32, 1, ROTARY / 2);
        Runnable step = () -> {
            for (int l = 0; l < layers; l++) stack.get(l).forward(residual[l], residual[l + 1], cos, sin, pos);
        };
        double eager = perCallMs(step);                        // also the warm-up the capture needs
        double graphMs;
        try (CudaGraph graph = cuda.capture(step)) {
            graphMs = perCallMs(graph::launch);
        }
        double bytes = 0;
        for (Layer l : stack)
            bytes += 2.0 * (l.wQkv.numel() + l.wO.numel() + l.wGateUp.numel() + l.wDown.numel() + 2L * KV_HEADS * HEAD_DIM * cache);
        String shape = layers + " layers at 9B shapes, KV cache " + cache + ", bf16";
        result("decode-step-eager", shape + ", ops launched one by one", eager, bytes / (eager * 1e6), "GB/s", "copy_gbps", null, null);
        result("decode-step-graph", shape + ", replayed from a CUDA graph", graphMs, bytes / (graphMs * 1e6), "GB/s", "copy_gbps", null, null);
        Map<String, Object> speedup = row("decode-step-graph-speedup", shape + ": eager time / graph time", graphMs, eager / graphMs, "x");
        speedup.put("fraction", null);
        speedup.put("of", "decode-step-eager");
        speedup.put("target", 1.3);
        speedup.put("pass", eager / graphMs >= 1.3);
        results.add(speedup);
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
                md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.2f %s | %s | %s |%n", r.get("case"), r.get("shape"),
                        (Double) r.get("median_ms"), (Double) r.get("achieved"), r.get("unit"),
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
