package org.glm4j.model.preprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.Json;
import org.glm4j.model.json.JsonException;

/**
 * {@code preprocessor_config.json} of the image processor (and the same keys of the video processor's file).
 * Pixel limits always come from the loaded file, never from constants.
 */
public record ImageProcessorConfig(long minPixels, long maxPixels, int patchSize, int temporalPatchSize, int mergeSize,
                                   double rescaleFactor, float[] mean, float[] std, boolean doResize,
                                   boolean doRescale, boolean doNormalize) {
    public ImageProcessorConfig {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("image_mean and image_std need 3 values");
        if (minPixels <= 0 || maxPixels < minPixels)
            throw new IllegalArgumentException("pixel limits [" + minPixels + ", " + maxPixels + "] are not a valid range");
    }

    /** Resizing factor: {@code patchSize · mergeSize}. */
    public int factor() { return patchSize * mergeSize; }

    @Override public float[] mean() { return mean.clone(); }

    @Override public float[] std() { return std.clone(); }

    /** Reads {@code file} (for example {@code preprocessor_config.json}). */
    public static ImageProcessorConfig load(Path file) throws IOException {
        return parse(Files.readString(file), file.getFileName().toString());
    }

    /** Parses the JSON text; unknown keys are ignored, missing ones take the GLM-4.1V image processor's defaults. */
    public static ImageProcessorConfig parse(String json, String source) {
        return parse(json, source, 112L * 112, 28L * 28 * 15000);
    }

    /** Parses the JSON text with the given pixel-limit defaults (the video processor's differ from the image one's). */
    public static ImageProcessorConfig parse(String json, String source, long defaultMinPixels, long defaultMaxPixels) {
        Map<String, Object> m = Json.parseObject(json, source);
        long min = defaultMinPixels, max = defaultMaxPixels;
        if (m.get("size") instanceof Map<?, ?> size) {
            if (size.get("shortest_edge") != null) min = Json.asLong(size.get("shortest_edge"), source + ": size.shortest_edge");
            if (size.get("longest_edge") != null) max = Json.asLong(size.get("longest_edge"), source + ": size.longest_edge");
        }
        if (m.containsKey("min_pixels")) min = Json.asLong(m.get("min_pixels"), source + ": min_pixels");
        if (m.containsKey("max_pixels")) max = Json.asLong(m.get("max_pixels"), source + ": max_pixels");
        Object resample = m.get("resample");
        if (resample != null && Json.asLong(resample, source + ": resample") != 3)
            throw new JsonException(source + ": resample " + resample + " is not supported (only 3 = bicubic)");
        return new ImageProcessorConfig(min, max, intOr(m, "patch_size", 14, source), intOr(m, "temporal_patch_size", 2, source),
                intOr(m, "merge_size", 2, source),
                m.containsKey("rescale_factor") ? Json.asDouble(m.get("rescale_factor"), source + ": rescale_factor") : 1 / 255.0,
                floats(m, "image_mean", new float[] { 0.48145466f, 0.4578275f, 0.40821073f }, source),
                floats(m, "image_std", new float[] { 0.26862954f, 0.26130258f, 0.27577711f }, source),
                bool(m, "do_resize"), bool(m, "do_rescale"), bool(m, "do_normalize"));
    }

    private static int intOr(Map<String, Object> m, String k, int d, String source) {
        return m.containsKey(k) ? (int) Json.asLong(m.get(k), source + ": " + k) : d;
    }

    private static boolean bool(Map<String, Object> m, String k) {
        return !(m.get(k) instanceof Boolean b) || b;
    }

    private static float[] floats(Map<String, Object> m, String k, float[] d, String source) {
        if (!m.containsKey(k)) return d;
        List<Object> l = Json.array(m, k, source);
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) Json.asDouble(l.get(i), source + ": " + k);
        return out;
    }
}
