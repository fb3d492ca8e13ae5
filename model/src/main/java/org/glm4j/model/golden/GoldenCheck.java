package org.glm4j.model.golden;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.Glm4vModel;
import org.glm4j.model.HostData;
import org.glm4j.model.Trace;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.Patches;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.text.KvCache;
import org.glm4j.model.text.RopeIndex;
import org.glm4j.model.weights.WeightStore;

/**
 * Runs a golden folder (laid out like the reference cases: config, weights, {@code image_<i>_*.png} or video
 * frames with {@code frames.json}, {@code inputs.safetensors}, {@code outputs.safetensors}) through preprocessing
 * and the model on one backend and compares every tensor the folder has.
 *
 * <p>Tolerances: f32 weights — pixel values 1e-5 absolute, other floats 1e-4 absolute + 1e-3 relative, integers
 * and greedy ids exact. bf16 weights (the folder's {@code model-bf16.safetensors}, or its f32 weights rounded) —
 * prefill logits against {@code logits_bf16_weights}, first with f32 activations as the reference computed them
 * (1e-4 absolute + 1e-3 relative), then with bf16 activations as the precision policy runs a bf16 checkpoint
 * (within 2e-2·max|logit| absolute).
 */
public final class GoldenCheck {
    private static final Pattern IMAGE_FILE = Pattern.compile("image_(\\d+)_.*\\.(png|jpe?g|bmp|gif)");

    /**
     * One compared tensor.
     *
     * @param maxAbs      largest {@code |actual − expected|}, NaN for exact (integer) comparisons
     * @param maxRel      largest {@code |actual − expected| / |expected|}, NaN for exact comparisons
     * @param ofTolerance largest {@code |actual − expected| / (atol + rtol·|expected|)}: at most 1 within tolerance,
     *                    +∞ for a NaN or a missing tensor, NaN for exact comparisons
     */
    public record Row(String tensor, String detail, double maxAbs, double maxRel, double ofTolerance, String tolerance, boolean ok) {}

    /** All rows; passed when every row is. */
    public record Result(List<Row> rows) {
        public boolean passed() { return !rows.isEmpty() && rows.stream().allMatch(Row::ok); }

        /** An aligned text table. */
        public String table() {
            StringBuilder sb = new StringBuilder(String.format("%-28s %-14s %12s %12s %8s  %-26s %s%n", "tensor", "shape", "max abs",
                    "max rel", "of tol.", "tolerance", "result"));
            for (Row r : rows)
                sb.append(String.format("%-28s %-14s %12s %12s %8s  %-26s %s%n", r.tensor(), r.detail(),
                        Double.isNaN(r.maxAbs()) ? "-" : String.format("%.3g", r.maxAbs()),
                        Double.isNaN(r.maxRel()) ? "-" : String.format("%.3g", r.maxRel()),
                        Double.isNaN(r.ofTolerance()) ? "-" : String.format("%.2f", r.ofTolerance()), r.tolerance(), r.ok() ? "ok" : "FAIL"));
            long bad = rows.stream().filter(r -> !r.ok()).count();
            sb.append(bad == 0 ? "all " + rows.size() + " tensors within tolerance" : bad + " of " + rows.size() + " tensors FAILED");
            return sb.toString();
        }
    }

    private final List<Row> rows = new ArrayList<>();

    /** Whether the folder's outputs hold {@code logits_bf16_weights} (a bf16-weights reference). */
    public static boolean hasBf16Reference(Path dir) throws IOException {
        try (WeightStore out = WeightStore.openFiles(dir.resolve("outputs.safetensors"))) {
            return out.has("logits_bf16_weights");
        }
    }

    private GoldenCheck() {}

    /**
     * Checks {@code dir} on {@code backend} with weights of {@code weights} (F32 or BF16); {@code log} gets
     * progress lines.
     */
    public static Result run(Path dir, Backend backend, DType weights, Consumer<String> log) throws IOException {
        if (weights != DType.F32 && weights != DType.BF16) throw new IllegalArgumentException("weights must be f32 or bf16, got " + weights);
        GoldenCheck check = new GoldenCheck();
        check.check(dir, backend, weights, log);
        return new Result(List.copyOf(check.rows));
    }

    private void check(Path dir, Backend backend, DType weights, Consumer<String> log) throws IOException {
        for (String f : List.of("config.json", "inputs.safetensors", "outputs.safetensors"))
            if (!Files.isRegularFile(dir.resolve(f))) throw new IOException(dir + ": missing " + f);
        Glm4vConfig config = Glm4vConfig.load(dir);
        boolean isVideo = Files.isRegularFile(dir.resolve("frames.json"));
        Patches images = null, video = null;
        try (WeightStore in = WeightStore.openFiles(dir.resolve("inputs.safetensors"));
             WeightStore out = WeightStore.openFiles(dir.resolve("outputs.safetensors"))) {
            ImageDecoder decoder = new ImageDecoder();
            if (isVideo) {
                Path vpc = dir.resolve("video_preprocessor_config.json");
                VideoProcessor vp = Files.isRegularFile(vpc) ? VideoProcessor.load(vpc) : VideoProcessor.defaults();
                VideoProcessor.Result r = vp.process(Video.fromFolder(dir, Double.NaN, decoder));
                video = r.patches();
                log.accept("video: " + r.sample().indices().length + " sampled frames, grid " + gridText(video.grids()));
                if (out.has("video.sampled_frame_indices")) exactInts("video.sampled_frame_indices", out.tensor("video.sampled_frame_indices"), r.sample().indices());
                compareGrids(in, "video_grid_thw", video.grids());
                if (in.has("pixel_values_videos")) compare("pixel_values_videos", in.tensor("pixel_values_videos"), video.values(), 1e-5, 0);
            } else {
                List<RgbImage> list = new ArrayList<>();
                for (Path p : imageFiles(dir)) list.add(decoder.decode(p));
                if (!list.isEmpty()) {
                    images = new ImageProcessor(ImageProcessorConfig.load(dir.resolve("preprocessor_config.json"))).process(list);
                    log.accept(list.size() + " images, grids " + gridText(images.grids()));
                    compareGrids(in, "image_grid_thw", images.grids());
                    if (in.has("pixel_values")) compare("pixel_values", in.tensor("pixel_values"), images.values(), 1e-5, 0);
                }
            }
            Tensor idsT = in.tensor("input_ids");
            int[] ids = new int[Math.toIntExact(idsT.numel())];
            for (int i = 0; i < ids.length; i++) ids[i] = (int) idsT.getLong(i);

            if (weights == DType.BF16 && out.has("logits_bf16_weights")) {
                // The reference computed f32 activations over bf16-rounded weights: check that path tightly first.
                try (Arena arena = Arena.ofShared(); Glm4vModel model = Glm4vModel.load(config, openWeights(dir, DType.BF16), backend, DType.F32)) {
                    log.accept("model: bf16 weights, f32 activations on " + backend.name());
                    RopeIndex rope = model.ropeIndex(ids, images == null ? List.of() : images.grids(), video == null ? List.of() : video.grids());
                    Ops ops = new Ops(backend, new Scratch(backend, model.scratchBytes(ids.length, images != null ? images : video, true), arena));
                    Tensor logits = model.prefill(ops, ids, images, video, rope, model.newCache(ids.length, arena), true, Trace.OFF);
                    compare("logits_bf16_weights (f32 act.)", out.tensor("logits_bf16_weights"), HostData.toFloats(backend, logits), 1e-4, 1e-3);
                }
            }
            try (Arena arena = Arena.ofShared(); Glm4vModel model = Glm4vModel.load(config, openWeights(dir, weights), backend, null)) {
                log.accept("model: " + model.dtype() + " weights and activations on " + backend.name());
                RopeIndex rope = model.ropeIndex(ids, images == null ? List.of() : images.grids(), video == null ? List.of() : video.grids());
                if (out.has("position_ids")) {
                    int[] flat = new int[3 * ids.length];
                    for (int a = 0; a < 3; a++) System.arraycopy(rope.positions()[a], 0, flat, a * ids.length, ids.length);
                    exactInts("position_ids", out.tensor("position_ids"), flat);
                }
                if (out.has("rope_deltas")) exactInts("rope_deltas", out.tensor("rope_deltas"), new int[] { rope.ropeDelta() });

                Ops ops = new Ops(backend, new Scratch(backend, model.scratchBytes(ids.length, images != null ? images : video, true), arena));
                int steps = out.has("generated_ids") ? Math.toIntExact(out.tensor("generated_ids").numel()) : 0;
                KvCache cache = model.newCache(ids.length + Math.max(1, steps), arena);
                Trace trace = Trace.recording(backend);
                Tensor logits = model.prefill(ops, ids, images, video, rope, cache, true, trace);
                if (weights == DType.F32) {
                    Map<String, float[]> got = trace.values();
                    compareStage(out, "vision.patch_embed", got.get("vision.patch_embed"));
                    compareStage(out, "vision.adapted_pos_embed", got.get("vision.adapted_pos_embed"));
                    compareStage(out, "vision.embeddings", got.get("vision.embeddings"));
                    if (out.has("vision.block_out")) {
                        Tensor b = out.tensor("vision.block_out");
                        for (int i = 0; i < b.dim(0); i++)
                            compare("vision.block_out[" + i + "]", b.rows(i, 1), got.get("vision.block." + i), 1e-4, 1e-3);
                    }
                    compareStage(out, "vision.downsample", got.get("vision.downsample"));
                    compareStage(out, "image_embeds", got.get("image_embeds"));
                    compareStage(out, "video_embeds", got.get("image_embeds"));
                    if (out.has("text.hidden_states")) {
                        Tensor h = out.tensor("text.hidden_states");
                        for (int i = 0; i < h.dim(0); i++)
                            compare("text.hidden_states[" + i + "]", h.rows(i, 1), got.get("text.hidden." + i), 1e-4, 1e-3);
                    }
                    compareStage(out, "text.final_norm", got.get("text.final_norm"));
                    compareStage(out, "logits", HostData.toFloats(backend, logits));
                    greedy(model, ops, out, logits.rows(ids.length - 1, 1), rope, cache, steps);
                } else if (out.has("logits_bf16_weights")) {
                    Tensor want = out.tensor("logits_bf16_weights");
                    float[] got = HostData.toFloats(backend, logits);
                    double max = 0;
                    for (int i = 0; i < want.numel(); i++) max = Math.max(max, Math.abs(want.getFloat(i)));
                    compare("logits_bf16_weights (bf16 act.)", want, got, 2e-2 * max, 0);
                } else {
                    rows.add(new Row("logits_bf16_weights", "absent", Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, "-", false));
                }
            }
        }
    }

    /** The folder's weights as {@code dtype}: its own bf16 file when it has one, else its f32 weights rounded. */
    private static WeightStore openWeights(Path dir, DType dtype) throws IOException {
        Path bf16 = dir.resolve("model-bf16.safetensors");
        if (dtype == DType.BF16 && Files.isRegularFile(bf16)) return WeightStore.openFiles(bf16);
        WeightStore store = WeightStore.open(dir);
        if (dtype == DType.F32) return store;
        try (store) {
            return WeightStore.converted(store, DType.BF16);
        }
    }

    private void greedy(Glm4vModel model, Ops ops, WeightStore out, Tensor last, RopeIndex rope, KvCache cache, int steps) {
        if (steps == 0) return;
        Tensor stepLogits = out.has("step_logits") ? out.tensor("step_logits") : null;
        int[] generated = new int[steps];
        Tensor current = last;
        double maxAbs = 0, maxRel = 0, ofTol = 0;
        boolean ok = true;
        for (int s = 0; s < steps; s++) {
            if (stepLogits != null) {
                float[] got = HostData.toFloats(model.backend(), current);
                for (int i = 0; i < got.length; i++) {
                    double e = stepLogits.getFloat((long) s * got.length + i), d = Math.abs(e - got[i]);
                    maxAbs = Math.max(maxAbs, d);
                    maxRel = Math.max(maxRel, d / Math.max(1e-12, Math.abs(e)));
                    ofTol = Math.max(ofTol, excess(d, e, 1e-4, 1e-3));
                    if (!(d <= 1e-4 + 1e-3 * Math.abs(e))) ok = false;
                }
            }
            generated[s] = (int) HostData.toFloats(model.backend(), ops.argmax(current))[0];
            if (s + 1 < steps) current = model.decode(ops, generated[s], rope, cache);
        }
        if (stepLogits != null)
            rows.add(new Row("step_logits", shape(stepLogits), maxAbs, maxRel, ofTol, "1e-4 abs + 1e-3 rel", ok));
        exactInts("generated_ids", out.tensor("generated_ids"), generated);
    }

    private void compareStage(WeightStore out, String name, float[] got) {
        if (out.has(name)) compare(name, out.tensor(name), got, 1e-4, 1e-3);
    }

    private void compare(String name, Tensor expected, float[] got, double atol, double rtol) {
        String tol = rtol == 0 ? String.format("%.3g abs", atol) : String.format("%.0e abs + %.0e rel", atol, rtol);
        if (got == null) {
            rows.add(new Row(name, shape(expected), Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, tol, false));
            return;
        }
        if (got.length != expected.numel()) {
            rows.add(new Row(name, "size " + got.length + " vs " + expected.numel(), Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, tol, false));
            return;
        }
        double maxAbs = 0, maxRel = 0, ofTol = 0;
        boolean ok = true;
        for (int i = 0; i < got.length; i++) {
            double e = expected.getFloat(i), d = Math.abs(e - got[i]);
            if (!(d <= atol + rtol * Math.abs(e))) ok = false;
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, d / Math.max(1e-12, Math.abs(e)));
            ofTol = Math.max(ofTol, excess(d, e, atol, rtol));
        }
        rows.add(new Row(name, shape(expected), maxAbs, maxRel, ofTol, tol, ok));
    }

    /** {@code d} in units of the allowed error {@code atol + rtol·|e|}; +∞ for a NaN difference or a zero allowance. */
    private static double excess(double d, double e, double atol, double rtol) {
        if (d == 0) return 0;
        double allowed = atol + rtol * Math.abs(e);
        return Double.isNaN(d) || allowed == 0 ? Double.POSITIVE_INFINITY : d / allowed;
    }

    private void exactInts(String name, Tensor expected, int[] got) {
        boolean ok = expected.numel() == got.length;
        long mismatches = 0;
        for (int i = 0; ok && i < got.length; i++) if (expected.getLong(i) != got[i]) mismatches++;
        String detail = !ok ? "size " + got.length + " vs " + expected.numel() : mismatches > 0 ? shape(expected) + ", " + mismatches + " differ" : shape(expected);
        rows.add(new Row(name, detail, Double.NaN, Double.NaN, Double.NaN, "exact", ok && mismatches == 0));
    }

    private void compareGrids(WeightStore in, String name, List<int[]> grids) {
        if (!in.has(name)) return;
        int[] flat = new int[grids.size() * 3];
        for (int i = 0; i < grids.size(); i++) System.arraycopy(grids.get(i), 0, flat, 3 * i, 3);
        exactInts(name, in.tensor(name), flat);
    }

    private static String shape(Tensor t) { return t.shape().toString(); }

    private static String gridText(List<int[]> grids) {
        StringBuilder sb = new StringBuilder();
        for (int[] g : grids) sb.append(sb.isEmpty() ? "" : ", ").append('(').append(g[0]).append(',').append(g[1]).append(',').append(g[2]).append(')');
        return sb.toString();
    }

    /** {@code image_<i>_*.png} files in index order. */
    static List<Path> imageFiles(Path dir) throws IOException {
        TreeMap<Integer, Path> byIndex = new TreeMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = IMAGE_FILE.matcher(p.getFileName().toString());
                if (m.matches() && byIndex.put(Integer.parseInt(m.group(1)), p) != null)
                    throw new IOException(dir + ": two images with index " + m.group(1));
            }
        }
        return new ArrayList<>(byIndex.values());
    }
}
