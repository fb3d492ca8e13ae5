package org.glm4j.model.vision;

import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/** {@code patch_embed}: Conv3d with kernel = stride {@code (2, 14, 14)}, i.e. a linear map of each pixel row. */
public final class PatchEmbed3d {
    private final Tensor weight, bias;
    private final ConvSpec spec;

    public PatchEmbed3d(WeightStore store, VisionConfig c) {
        this.weight = store.tensor(Prefixes.VISUAL + "patch_embed.proj.weight");
        this.bias = store.tensor(Prefixes.VISUAL + "patch_embed.proj.bias");
        this.spec = new ConvSpec(c.inChannels(), new int[] { c.temporalPatchSize(), c.patchSize(), c.patchSize() },
                ConvSpec.Layout.CHANNELS_FIRST);
    }

    /** {@code pixels [n, C·T·P·P]} (already in the activation dtype) → {@code [n, hidden]}. */
    public Tensor forward(Ops ops, Tensor pixels) {
        return ops.conv(pixels, weight, bias, spec);
    }
}
