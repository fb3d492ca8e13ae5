package org.glm4j.tests.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.json.Json;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.Patches;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.SmartResize;
import org.glm4j.model.weights.WeightStore;
import org.junit.jupiter.api.Test;

/** Image preprocessing against transformers' Pillow-path image processor on the golden images. */
class ImagePreprocessGoldenTest {

    @Test
    void pixelValues_matchTransformers() throws Exception {
        Path dir = GoldenCases.dir("glm4v-tiny");
        ImageProcessor proc = new ImageProcessor(ImageProcessorConfig.load(dir.resolve("preprocessor_config.json")));
        ImageDecoder dec = new ImageDecoder();
        List<RgbImage> images = List.of(dec.decode(dir.resolve("image_0_280x196.png")), dec.decode(dir.resolve("image_1_333x127.png")));
        Patches p = proc.process(images);
        try (WeightStore in = WeightStore.openFiles(dir.resolve("inputs.safetensors"))) {
            Tensor grid = in.tensor("image_grid_thw");
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) assertEquals(grid.getLong(i * 3 + j), p.grids().get(i)[j], "grid[" + i + "][" + j + "]");
            Tensor expected = in.tensor("pixel_values");
            assertEquals(expected.numel(), p.values().length);
            double worst = 0;
            long at = -1;
            for (int i = 0; i < p.values().length; i++) {
                double d = Math.abs(expected.getFloat(i) - p.values()[i]);
                if (d > worst) {
                    worst = d;
                    at = i;
                }
            }
            assertTrue(worst <= 1e-5, "pixel_values max abs diff " + worst + " at flat index " + at);
        }
    }

    @Test
    void smartResize_matchesReferenceTables() throws Exception {
        checkTable(GoldenCases.dir("glm4v-tiny").resolve("smart_resize_cases.json"), 28L * 28 * 15000);
        checkTable(GoldenCases.dir("glm4v-tiny-video").resolve("smart_resize_video_cases.json"), 47_040_000L);
    }

    private static void checkTable(Path file, long maxPixels) throws Exception {
        List<?> cases = (List<?>) Json.parse(Files.readString(file), file.getFileName().toString());
        int checked = 0;
        for (Object o : cases) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) o;
            int frames = c.containsKey("num_frames") ? (int) Json.asLong(c.get("num_frames"), "num_frames") : 2;
            int h = (int) Json.asLong(c.get("height"), "height"), w = (int) Json.asLong(c.get("width"), "width");
            String label = file.getFileName() + " t=" + frames + " " + h + "x" + w;
            if (c.containsKey("error")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> SmartResize.resize(frames, h, w, 2, 28, 112 * 112, maxPixels, false), label);
                assertEquals(c.get("error"), e.getMessage(), label);
            } else {
                List<?> r = (List<?>) c.get("resized");
                int[] expected = { (int) Json.asLong(r.get(0), "h"), (int) Json.asLong(r.get(1), "w") };
                assertArrayEquals(expected, SmartResize.resize(frames, h, w, 2, 28, 112 * 112, maxPixels, false), label);
            }
            checked++;
        }
        assertTrue(checked > 10, "too few cases in " + file);
    }

    @Test
    void smartResize_specExamples() {
        long max = 9_633_792L, min = 12_544L;
        int[][] cases = { { 480, 640, 476, 644 }, { 1080, 1920, 1092, 1932 }, { 2160, 3840, 1624, 2912 },
                { 4000, 6000, 1792, 2688 }, { 336, 336, 336, 336 }, { 2200, 2200, 2184, 2184 }, { 126, 224, 112, 224 },
                { 70, 70, 84, 84 }, { 100, 50, 112, 56 } };
        for (int[] c : cases)
            assertArrayEquals(new int[] { c[2], c[3] }, SmartResize.resize(2, c[0], c[1], 2, 28, min, max, false),
                    c[0] + "x" + c[1]);
        assertArrayEquals(new int[] { 28, 840 }, SmartResize.resize(2, 10, 300, 2, 28, min, max, true));
        assertThrows(IllegalArgumentException.class, () -> SmartResize.resize(2, 10, 300, 2, 28, min, max, false));
    }

    @Test
    void tinyImage_isRejectedWithItsIndexAndSize() throws Exception {
        ImageProcessor proc = new ImageProcessor(ImageProcessorConfig.parse("{}", "defaults"));
        List<RgbImage> images = new ArrayList<>();
        images.add(new RgbImage(56, 56, new byte[56 * 56 * 3]));
        images.add(new RgbImage(20, 300, new byte[20 * 300 * 3]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> proc.process(images));
        assertTrue(e.getMessage().startsWith("image 1 (20x300)"), e.getMessage());
    }
}
