package org.glm4j.model.preprocess;

import java.util.List;

/**
 * GLM-4.1V's video processor (spec §6.4): sample frames, smart_resize with the video pixel budget, bicubic resize
 * of every frame with torchvision's uint8 antialiased kernel (transformers' {@code Glm4vVideoProcessor} resizes
 * frame tensors with torchvision, not Pillow; {@link TorchResize}), the fused rescale-normalise
 * {@code (u8 − 255·mean)/(255·std)} in f32, and temporal patches of consecutive sampled frames in merge-window row
 * order. Stateless and thread-safe.
 */
public final class VideoProcessor {
    /** Patch rows of one video, with its sample (frame indices and timestamps). */
    public record Result(Patches patches, VideoSampler.Sample sample) {
        /** Prompt timestamp of temporal patch {@code g}: whole seconds of its first frame. */
        public int timestampSeconds(int g) {
            double[] ts = sample.timestamps();
            return ts.length == 0 ? 0 : (int) ts[Math.min(2 * g, ts.length - 1)];
        }
    }

    private final ImageProcessorConfig config;
    private final double fps, maxDuration;

    /** {@code config} from {@code video_preprocessor_config.json}; {@code fps} samples per second (2), {@code maxDuration} (300 s). */
    public VideoProcessor(ImageProcessorConfig config, double fps, double maxDuration) {
        this.config = config;
        this.fps = fps;
        this.maxDuration = maxDuration;
    }

    /**
     * The processor of a {@code video_preprocessor_config.json}: its {@code fps} and {@code max_duration} (2 and
     * 300 when absent) and pixel limits (the video defaults 12,544 … 47,040,000 when absent).
     */
    public static VideoProcessor load(java.nio.file.Path file) throws java.io.IOException {
        String json = java.nio.file.Files.readString(file), src = file.getFileName().toString();
        java.util.Map<String, Object> m = org.glm4j.model.json.Json.parseObject(json, src);
        double fps = m.get("fps") == null ? 2 : org.glm4j.model.json.Json.asDouble(m.get("fps"), src + ": fps");
        double max = m.get("max_duration") == null ? 300 : org.glm4j.model.json.Json.asDouble(m.get("max_duration"), src + ": max_duration");
        return new VideoProcessor(ImageProcessorConfig.parse(json, src, 12_544L, 47_040_000L), fps, max);
    }

    /** A processor with the GLM-4.1V video defaults. */
    public static VideoProcessor defaults() {
        return new VideoProcessor(ImageProcessorConfig.parse("{}", "video defaults", 12_544L, 47_040_000L), 2, 300);
    }

    /**
     * Samples, decodes (only the kept frames), resizes, normalises and patchifies {@code video}. Frames are resized
     * as torchvision's CPU {@code resize(uint8, BICUBIC, antialias=True)} does, which differs from Pillow's by one
     * 8-bit level at some pixels.
     */
    public Result process(Video video) {
        int total = video.frames().count();
        VideoSampler.Sample sample = VideoSampler.sample(total, video.sourceFps(), video.duration(), fps, maxDuration);
        int n = sample.indices().length;
        if (n == 0) throw new IllegalArgumentException("video too short: " + total + " frames at "
                + video.sourceFps() + " fps give no sample at " + fps + " fps");
        RgbImage first = video.frame(sample.indices()[0]);
        int[] hw = SmartResize.resize(n, first.height(), first.width(), config.temporalPatchSize(), config.factor(),
                config.minPixels(), config.maxPixels(), false);
        float[] scale = new float[3], shift = new float[3];
        float[] mean = config.mean(), std = config.std();
        for (int c = 0; c < 3; c++) {
            scale[c] = 255f * std[c];
            shift[c] = 255f * mean[c];
        }
        int tp = config.temporalPatchSize(), p = config.patchSize();
        float[][] planes = new float[n][];
        for (int i = 0; i < n; i++) {
            RgbImage raw = i == 0 ? first : video.frame(sample.indices()[i]);
            if (raw.width() != first.width() || raw.height() != first.height())
                throw new IllegalArgumentException("video frame " + sample.indices()[i] + " is " + raw.width() + "x" + raw.height()
                        + ", frame " + sample.indices()[0] + " is " + first.width() + "x" + first.height());
            RgbImage f = TorchResize.bicubic(raw, hw[1], hw[0]);
            int px = f.width() * f.height();
            float[] chw = new float[3 * px];
            for (int j = 0; j < px; j++)
                for (int c = 0; c < 3; c++) chw[c * px + j] = ((f.rgb()[j * 3 + c] & 0xff) - shift[c]) / scale[c];
            planes[i] = chw;
        }
        int temporal = (n + tp - 1) / tp, gh = hw[0] / p, gw = hw[1] / p, rowSize = 3 * tp * p * p;
        float[] out = new float[Math.toIntExact((long) temporal * gh * gw * rowSize)];
        new ImageProcessor(config).patchify(temporal, planes, gh, gw, out, 0);
        return new Result(new Patches(out, rowSize, List.of(new int[] { temporal, gh, gw })), sample);
    }
}
