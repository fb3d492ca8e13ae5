package org.glm4j.model.config;

/**
 * The vision tower's {@code vision_config}. Note the names: {@code outHiddenSize} is both the merger's output
 * width and the hidden width of every block MLP; {@code intermediateSize} is the merger SwiGLU's hidden width.
 */
public record VisionConfig(int depth, int hiddenSize, int numHeads, int intermediateSize, int outHiddenSize,
                           int patchSize, int temporalPatchSize, int spatialMergeSize, int imageSize, int inChannels,
                           float rmsNormEps, String hiddenAct, boolean attentionBias) {
    /** Head dimension, {@code hiddenSize / numHeads}. */
    public int headDim() { return hiddenSize / numHeads; }

    /** Side of the learned position table, {@code imageSize / patchSize}. */
    public int positionGridSide() { return imageSize / patchSize; }

    /** Values in one patch row: {@code inChannels · temporalPatchSize · patchSize²}. */
    public int patchVectorSize() { return inChannels * temporalPatchSize * patchSize * patchSize; }
}
