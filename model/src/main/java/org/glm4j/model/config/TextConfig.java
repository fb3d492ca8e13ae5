package org.glm4j.model.config;

import java.util.List;

/** The GLM decoder's {@code text_config}, with RoPE parameters normalised from whichever layout the file used. */
public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                         int numAttentionHeads, int numKeyValueHeads, int headDim, float rmsNormEps,
                         int maxPositionEmbeddings, double ropeTheta, double partialRotaryFactor, int[] mropeSection,
                         String hiddenAct, List<Integer> eosTokenIds, Integer padTokenId) {
    public TextConfig {
        mropeSection = mropeSection.clone();
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Rotated dims per head: {@code int(headDim · partialRotaryFactor)}. */
    public int rotaryDim() { return (int) (headDim * partialRotaryFactor); }

    /** Query heads per kv head. */
    public int groupSize() { return numAttentionHeads / numKeyValueHeads; }

    @Override public int[] mropeSection() { return mropeSection.clone(); }
}
