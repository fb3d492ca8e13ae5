package org.glm4j.model.text;

import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.TextConfig;
import org.glm4j.model.weights.Prefixes;
import org.glm4j.model.weights.WeightStore;

/** GLM-4.1V text decoder layer (spec §4.2): sandwich RMSNorms around attention and the MLP. */
public final class DecoderLayer {
    private final Tensor inputLayernorm, postSelfAttnLayernorm, postAttentionLayernorm, postMlpLayernorm;
    private final Attention selfAttn;
    private final Mlp mlp;
    private final float eps;

    public DecoderLayer(WeightStore s, TextConfig c, int index) {
        String p = Prefixes.textLayer(index);
        inputLayernorm = s.tensor(p + "input_layernorm.weight");
        postSelfAttnLayernorm = s.tensor(p + "post_self_attn_layernorm.weight");
        postAttentionLayernorm = s.tensor(p + "post_attention_layernorm.weight");
        postMlpLayernorm = s.tensor(p + "post_mlp_layernorm.weight");
        selfAttn = new Attention(s, c, p);
        mlp = new Mlp(s, p);
        eps = c.rmsNormEps();
    }

    /** {@code x [L, hidden]} updated in place (both residual adds), keys and values written at {@code slot}. */
    public void forward(Ops ops, Tensor x, Tensor cos, Tensor sin, KvCache.Layer cache, KvCache.Slot slot) {
        Tensor h = ops.rmsNorm(x, inputLayernorm, eps);
        h = selfAttn.forward(ops, h, cos, sin, cache, slot);          // M-RoPE on q, k; GQA
        h = ops.rmsNorm(h, postSelfAttnLayernorm, eps);
        h = ops.addRmsNorm(x, h, postAttentionLayernorm, eps);         // residual x += h, then the MLP's input norm

        h = mlp.forward(ops, h);                                       // gate_up → SwiGLU → down
        h = ops.rmsNorm(h, postMlpLayernorm, eps);
        ops.binary(x, x, h, Binary.ADD);                               // residual
    }
}
