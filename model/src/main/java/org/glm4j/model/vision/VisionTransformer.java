package org.glm4j.model.vision;

import java.util.ArrayList;
import java.util.List;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.Trace;
import org.glm4j.model.config.VisionConfig;
import org.glm4j.model.projector.Downsample;
import org.glm4j.model.projector.PatchMerger;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/** The GLM-4.1V vision tower with its projector: pixel rows in, one text-width vector per image token out. */
public final class VisionTransformer {
    private final VisionConfig config;
    private final PatchEmbed3d patchEmbed;
    private final Tensor postConvLayernorm, postLayernorm;
    private final VisionEmbeddings embeddings;
    private final List<VisionBlock> blocks = new ArrayList<>();
    private final Downsample downsample;
    private final PatchMerger merger;

    public VisionTransformer(WeightStore store, VisionConfig c) {
        this.config = c;
        this.patchEmbed = new PatchEmbed3d(store, c);
        this.postConvLayernorm = store.tensor(Prefixes.VISUAL + "post_conv_layernorm.weight");
        this.embeddings = new VisionEmbeddings(store, c);
        for (int i = 0; i < c.depth(); i++) blocks.add(new VisionBlock(store, c, i));
        this.postLayernorm = store.tensor(Prefixes.VISUAL + "post_layernorm.weight");
        this.downsample = new Downsample(store, c);
        this.merger = new PatchMerger(store, c);
    }

    /**
     * Encodes {@code pixels [n, C·T·P·P]} (activation dtype) laid out by {@code grid} (one row per image or video
     * temporal patch) into {@code [n/4, outHidden]}; temporaries come from the ops' scratch.
     */
    public Tensor encode(Ops ops, Tensor pixels, VisionGrid grid, Trace trace) {
        Tensor x = trace.record("vision.patch_embed", patchEmbed.forward(ops, pixels));   // Conv3d → [n, hidden]
        x = ops.rmsNorm(x, postConvLayernorm, config.rmsNormEps());
        x = embeddings.addPositions(ops, x, grid, trace);                                 // per-image bicubic table
        trace.record("vision.embeddings", x);
        Tensor[] rope = VisionRotary.tables(ops, grid, config.headDim());                 // 2-D RoPE, f32
        for (int i = 0; i < blocks.size(); i++) {
            long mark = ops.scratch().mark();
            blocks.get(i).forward(ops, x, rope[0], rope[1], grid.segments());             // attention per image
            ops.scratch().release(mark);
            trace.record("vision.block.%d", i, x);
        }
        x = ops.rmsNorm(x, postLayernorm, config.rmsNormEps());
        x = trace.record("vision.downsample", downsample.forward(ops, x));                // 2×2 merge → [n/4, out]
        return trace.record("image_embeds", merger.forward(ops, x));
    }
}
