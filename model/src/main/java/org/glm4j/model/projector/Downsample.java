package org.glm4j.model.projector;

import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/**
 * {@code downsample}: Conv2d with kernel = stride 2 over each 2×2 merge window (spec §3.9). The four members of a
 * window are consecutive token rows, so it is a channels-last patch conv over groups of four rows.
 */
public final class Downsample {
    private final Tensor weight, bias;
    private final ConvSpec spec;

    public Downsample(WeightStore store, VisionConfig c) {
        this.weight = store.tensor(Prefixes.VISUAL + "downsample.weight");
        this.bias = store.tensor(Prefixes.VISUAL + "downsample.bias");
        int m = c.spatialMergeSize();
        this.spec = new ConvSpec(c.hiddenSize(), new int[] { m, m }, ConvSpec.Layout.CHANNELS_LAST);
    }

    /** {@code x [n, hidden]} → {@code [n/4, outHidden]}. */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.conv(x, weight, bias, spec);
    }
}
