package org.glm4j.tests.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.Glm4vModel;
import org.glm4j.model.Trace;
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
import org.junit.jupiter.api.Test;

/** The image golden case end to end on the JVM backend: every stage, the prefill logits and a greedy decode. */
class ModelGoldenTest {
    private static final double ATOL = 1e-4, RTOL = 1e-3;

    @Test
    void imageCase_everyStageMatchesTransformers() throws Exception {
        Path dir = GoldenCases.dir(GoldenCases.IMAGE);
        ImageDecoder dec = new ImageDecoder();
        List<RgbImage> images = List.of(dec.decode(dir.resolve("image_0_280x196.png")), dec.decode(dir.resolve("image_1_333x127.png")));
        Patches patches = new ImageProcessor(ImageProcessorConfig.load(dir.resolve("preprocessor_config.json"))).process(images);
        runCase(dir, patches, null, "image_embeds");
    }

    @Test
    void videoCase_everyStageMatchesTransformers() throws Exception {
        Path dir = GoldenCases.dir(GoldenCases.VIDEO);
        Video video = Video.fromFolder(dir, Double.NaN, new ImageDecoder());
        VideoProcessor.Result r = new VideoProcessor(ImageProcessorConfig.load(dir.resolve("video_preprocessor_config.json")), 2, 300)
                .process(video);
        try (WeightStore in = WeightStore.openFiles(dir.resolve("inputs.safetensors"));
             WeightStore out = WeightStore.openFiles(dir.resolve("outputs.safetensors"))) {
            Tensor kept = out.tensor("video.sampled_frame_indices");
            for (int i = 0; i < kept.dim(0); i++) assertEquals(kept.getLong(i), r.sample().indices()[i], "sampled frame " + i);
            Tensor grid = in.tensor("video_grid_thw");
            for (int j = 0; j < 3; j++) assertEquals(grid.getLong(j), r.patches().grids().get(0)[j], "video_grid_thw[" + j + "]");
            List<String> report = new ArrayList<>();
            compare(report, "pixel_values_videos", in.tensor("pixel_values_videos").toFloatArray(), r.patches().values(), 1e-5, 0);
            assertTrue(report.get(0).startsWith("ok"), report.get(0));
            for (int g = 0; g < 4; g++) assertEquals(g, r.timestampSeconds(g), "timestamp of temporal patch " + g);
        }
        runCase(dir, null, r.patches(), "video_embeds");
    }

    /** Runs the prompt of a golden folder through the model and compares every recorded stage. */
    private static void runCase(Path dir, Patches images, Patches video, String embedsName) throws Exception {
        try (Backend backend = Backends.open("jvm"); Arena arena = Arena.ofShared();
             Glm4vModel model = Glm4vModel.load(dir, backend);
             WeightStore in = WeightStore.openFiles(dir.resolve("inputs.safetensors"));
             WeightStore out = WeightStore.openFiles(dir.resolve("outputs.safetensors"))) {
            Tensor idsT = in.tensor("input_ids");
            int[] ids = new int[idsT.dim(1)];
            for (int i = 0; i < ids.length; i++) ids[i] = (int) idsT.getLong(i);

            RopeIndex rope = model.ropeIndex(ids, images == null ? List.of() : images.grids(), video == null ? List.of() : video.grids());
            Tensor pos = out.tensor("position_ids");
            for (int a = 0; a < 3; a++)
                for (int i = 0; i < ids.length; i++)
                    assertEquals(pos.getLong((long) a * ids.length + i), rope.positions()[a][i], "position_ids[" + a + "][" + i + "]");
            assertEquals(out.tensor("rope_deltas").getLong(0), rope.ropeDelta(), "rope_deltas");

            Ops ops = new Ops(backend, new Scratch(backend, 256L << 20, arena));
            KvCache cache = model.newCache(ids.length + 16, arena);
            Trace trace = Trace.recording();
            Tensor logits = model.prefill(ops, ids, images, video, rope, cache, true, trace);
            Map<String, float[]> got = trace.values();
            List<String> report = new ArrayList<>();
            compare(report, "vision.patch_embed", out.tensor("vision.patch_embed").toFloatArray(), got.get("vision.patch_embed"));
            compare(report, "vision.adapted_pos_embed", out.tensor("vision.adapted_pos_embed").toFloatArray(), got.get("vision.adapted_pos_embed"));
            compare(report, "vision.embeddings", out.tensor("vision.embeddings").toFloatArray(), got.get("vision.embeddings"));
            Tensor blocks = out.tensor("vision.block_out");
            for (int b = 0; b < blocks.dim(0); b++)
                compare(report, "vision.block_out[" + b + "]", blocks.rows(b, 1).toFloatArray(), got.get("vision.block." + b));
            compare(report, "vision.downsample", out.tensor("vision.downsample").toFloatArray(), got.get("vision.downsample"));
            compare(report, embedsName, out.tensor(embedsName).toFloatArray(), got.get("image_embeds"));
            Tensor hidden = out.tensor("text.hidden_states");
            for (int l = 0; l < hidden.dim(0); l++)
                compare(report, "text.hidden_states[" + l + "]", hidden.rows(l, 1).toFloatArray(), got.get("text.hidden." + l));
            compare(report, "text.final_norm", out.tensor("text.final_norm").toFloatArray(), got.get("text.final_norm"));
            compare(report, "logits", out.tensor("logits").toFloatArray(), logits.toFloatArray());

            Tensor stepLogits = out.tensor("step_logits"), expectedIds = out.tensor("generated_ids");
            int steps = expectedIds.dim(0);
            long[] generated = new long[steps], want = new long[steps];
            Tensor current = logits.rows(ids.length - 1, 1);
            for (int s = 0; s < steps; s++) {
                compare(report, "step_logits[" + s + "]", stepLogits.rows(s, 1).toFloatArray(), current.toFloatArray());
                generated[s] = ops.argmax(current).getLong(0);
                want[s] = expectedIds.getLong(s);
                if (s + 1 < steps) current = model.decode(ops, (int) generated[s], rope, cache);
            }
            System.out.println(dir.getFileName() + ":\n" + String.join("\n", report));
            assertArrayEquals(want, generated, "generated_ids");
            assertTrue(report.stream().noneMatch(l -> l.startsWith("FAIL")), String.join("\n", report));
        }
    }

    private static void compare(List<String> report, String name, float[] expected, float[] actual) {
        compare(report, name, expected, actual, ATOL, RTOL);
    }

    private static void compare(List<String> report, String name, float[] expected, float[] actual, double atol, double rtol) {
        if (actual == null) {
            report.add("FAIL " + name + ": not recorded");
            return;
        }
        if (expected.length != actual.length) {
            report.add("FAIL " + name + ": " + actual.length + " values, expected " + expected.length);
            return;
        }
        double maxAbs = 0, maxRel = 0;
        int worst = -1;
        boolean ok = true;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (d > atol + rtol * Math.abs(expected[i])) {
                if (ok) worst = i;
                ok = false;
            }
            if (d > maxAbs) maxAbs = d;
            maxRel = Math.max(maxRel, d / Math.max(1e-6, Math.abs(expected[i])));
        }
        report.add(String.format("%s %-28s max abs %.3g  max rel %.3g%s", ok ? "ok  " : "FAIL", name, maxAbs, maxRel,
                ok ? "" : "  first bad index " + worst + " expected " + expected[worst] + " got " + actual[worst]));
    }
}
