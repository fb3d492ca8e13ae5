package org.glm4j.model.preprocess;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which decoded frames GLM-4.1V's video processor keeps (spec §6.4, HF {@code Glm4vVideoProcessor.sample_frames}):
 * {@code fps} samples per second up to {@code maxDuration} seconds, else {@code maxDuration·fps} samples spread
 * evenly; duplicates dropped, and the last index repeated to make the count even.
 */
public final class VideoSampler {
    private VideoSampler() {}

    /**
     * The kept frame indices and their timestamps in seconds ({@code index / sourceFps}; with an unknown frame rate
     * the reference samples at 2 fps but divides by 24 for timestamps, and so does this).
     */
    public record Sample(int[] indices, double[] timestamps) {}

    /**
     * @param totalFrames frames decoded ({@code F ≥ 1})
     * @param sourceFps   the video's native frame rate, or NaN when unknown (2 is assumed for sampling)
     * @param duration    seconds, or NaN when unknown ({@code rint((F−1)/fps) + 1} is used)
     */
    public static Sample sample(int totalFrames, double sourceFps, double duration, double fps, double maxDuration) {
        if (totalFrames < 1) throw new IllegalArgumentException("video has no frames");
        boolean known = !Double.isNaN(sourceFps) && sourceFps > 0;
        double v = known ? sourceFps : 2.0;
        int maxIdx = totalFrames - 1;
        double dur = Double.isNaN(duration) ? Math.rint(maxIdx / v) + 1 : duration;
        List<Integer> idx = new ArrayList<>();
        if (dur <= maxDuration) {
            int n = (int) Math.floor(dur * fps);
            for (int i = 0; i < n; i++) idx.add((int) Math.min(maxIdx, Math.ceil(i * v / fps)));
        } else {
            int samples = (int) (maxDuration * fps);
            if (samples >= totalFrames) {
                for (int i = 0; i < totalFrames; i++) idx.add(i);
            } else {
                double step = samples > 1 ? dur / (samples - 1) : 0;
                for (int i = 0; i < samples; i++) {
                    double t = i == samples - 1 ? dur : i * step;         // numpy.linspace, endpoint exact
                    idx.add((int) Math.min(maxIdx, Math.ceil(t * v)));
                }
            }
        }
        Set<Integer> unique = new LinkedHashSet<>(idx);
        List<Integer> kept = new ArrayList<>(unique);
        if (kept.size() % 2 == 1) kept.add(kept.get(kept.size() - 1));
        int[] out = new int[kept.size()];
        double[] ts = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = kept.get(i);
            ts[i] = out[i] / (known ? v : 24.0);
        }
        return new Sample(out, ts);
    }
}
