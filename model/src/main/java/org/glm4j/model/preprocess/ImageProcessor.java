package org.glm4j.model.preprocess;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns images into GLM-4.1V patch rows as the reference's (Pillow-path) image processor does: smart_resize,
 * Pillow-exact bicubic resize, rescale ({@code u8·factor} in double, rounded to f32), normalise in f32, duplicate to
 * {@code temporalPatchSize} frames, and patchify in 2×2 merge-window order. Stateless and thread-safe.
 */
public final class ImageProcessor {
    private final ImageProcessorConfig config;
    private final boolean upscaleSmall;

    /** A processor that rejects images with a side below the resize factor, as the reference does. */
    public ImageProcessor(ImageProcessorConfig config) { this(config, false); }

    /** {@code upscaleSmall}: scale sides below the factor up (later transformers) instead of rejecting them. */
    public ImageProcessor(ImageProcessorConfig config, boolean upscaleSmall) {
        this.config = config;
        this.upscaleSmall = upscaleSmall;
    }

    public ImageProcessorConfig config() { return config; }

    /** The {@code (height, width)} an image of this size is resized to. */
    public int[] targetSize(int height, int width) {
        return SmartResize.resize(config.temporalPatchSize(), height, width, config.temporalPatchSize(), config.factor(),
                config.minPixels(), config.maxPixels(), upscaleSmall);
    }

    /** All images' patch rows, concatenated in order, with one grid {@code (1, h, w)} per image. */
    public Patches process(List<RgbImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images");
        int p = config.patchSize(), tp = config.temporalPatchSize();
        int rowSize = 3 * tp * p * p;
        List<int[]> grids = new ArrayList<>();
        List<float[]> chw = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            int[] hw;
            try {
                hw = targetSize(img.height(), img.width());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("image " + i + " (" + img.width() + "x" + img.height() + "): " + e.getMessage(), e);
            }
            RgbImage resized = config.doResize() ? PillowResize.bicubic(img, hw[1], hw[0]) : img;
            chw.add(normalise(resized));
            int gh = resized.height() / p, gw = resized.width() / p;
            grids.add(new int[] { 1, gh, gw });
            total += (long) gh * gw * rowSize;
        }
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("images too large together: " + total + " values");
        float[] out = new float[(int) total];
        int offset = 0;
        for (int i = 0; i < grids.size(); i++) {
            int[] g = grids.get(i);
            offset = patchify(1, new float[][] { chw.get(i) }, g[1], g[2], out, offset);
        }
        return new Patches(out, rowSize, grids);
    }

    /** Rescaled, normalised planes {@code [3][h·w]} flattened channel-major (CHW). */
    float[] normalise(RgbImage img) {
        int n = img.width() * img.height();
        float[] out = new float[3 * n];
        float[] mean = config.mean(), std = config.std();
        double factor = config.rescaleFactor();
        byte[] rgb = img.rgb();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                float v = rgb[i * 3 + c] & 0xff;
                if (config.doRescale()) v = (float) ((rgb[i * 3 + c] & 0xff) * factor);
                if (config.doNormalize()) v = (v - mean[c]) / std[c];
                out[c * n + i] = v;
            }
        }
        return out;
    }

    /**
     * Writes the patch rows of temporal patches built from {@code frames} (CHW planes; for an image, one plane
     * repeated) with grid {@code gh × gw}: for each temporal patch, merge windows {@code (bh, bw)}, members
     * {@code (mh, mw)}, and inside a row {@code (c, τ, py, px)}.
     */
    int patchify(int temporalPatches, float[][] frames, int gh, int gw, float[] out, int offset) {
        int p = config.patchSize(), tp = config.temporalPatchSize(), m = config.mergeSize();
        int width = gw * p, plane = gh * p * width;
        for (int g = 0; g < temporalPatches; g++)
            for (int bh = 0; bh < gh / m; bh++)
                for (int bw = 0; bw < gw / m; bw++)
                    for (int mh = 0; mh < m; mh++)
                        for (int mw = 0; mw < m; mw++) {
                            int ph = bh * m + mh, pw = bw * m + mw;
                            for (int c = 0; c < 3; c++)
                                for (int tau = 0; tau < tp; tau++) {
                                    float[] f = frames[Math.min(frames.length - 1, g * tp + tau)];
                                    for (int py = 0; py < p; py++) {
                                        int src = c * plane + (ph * p + py) * width + pw * p;
                                        System.arraycopy(f, src, out, offset, p);
                                        offset += p;
                                    }
                                }
                        }
        return offset;
    }
}
