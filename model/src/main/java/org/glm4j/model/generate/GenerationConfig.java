package org.glm4j.model.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.Json;

/**
 * How to generate: sampling (temperature 0 = greedy), top-k (0 = off), top-p (1 = off), repetition penalty
 * (1 = off), seed, the token budget, and stop ids (generation ends when one is produced; it is not part of the text).
 */
public record GenerationConfig(int maxNewTokens, float temperature, int topK, float topP, float repetitionPenalty,
                               long seed, List<Integer> stopIds) {
    public GenerationConfig {
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        new org.glm4j.core.backend.SamplingSpec(temperature, topK, topP, repetitionPenalty, null, 0);   // validates
        stopIds = List.copyOf(stopIds);
    }

    /** Greedy decoding for {@code maxNewTokens} tokens, stopping on {@code stopIds}. */
    public static GenerationConfig greedy(int maxNewTokens, List<Integer> stopIds) {
        return new GenerationConfig(maxNewTokens, 0, 0, 1, 1, 0, stopIds);
    }

    public GenerationConfig withSampling(float temperature, int topK, float topP, float repetitionPenalty, long seed) {
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopIds);
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, temperature, topK, topP, repetitionPenalty, seed, stopIds);
    }

    /**
     * Defaults of a checkpoint: {@code generation_config.json} when present (do_sample, temperature, top_k, top_p,
     * repetition_penalty, eos_token_id), else greedy with the config's eos ids.
     */
    public static GenerationConfig load(Path dir, List<Integer> eosIds, int maxNewTokens) throws IOException {
        Path f = dir.resolve("generation_config.json");
        if (!Files.isRegularFile(f)) return greedy(maxNewTokens, eosIds);
        String src = f.getFileName().toString();
        Map<String, Object> m = Json.parseObject(Files.readString(f), src);
        boolean sample = Boolean.TRUE.equals(m.get("do_sample"));
        // transformers' defaults when sampling: temperature 1.0, top_k 50, top_p 1.0.
        float t = !sample ? 0f : m.get("temperature") != null ? (float) Json.asDouble(m.get("temperature"), src + ": temperature") : 1f;
        int k = !sample ? 0 : m.get("top_k") != null ? (int) Json.asLong(m.get("top_k"), src + ": top_k") : 50;
        float p = !sample ? 1f : m.get("top_p") != null ? (float) Json.asDouble(m.get("top_p"), src + ": top_p") : 1f;
        float rp = m.get("repetition_penalty") != null ? (float) Json.asDouble(m.get("repetition_penalty"), src + ": repetition_penalty") : 1f;
        List<Integer> stops = eosIds;
        Object eos = m.get("eos_token_id");
        if (eos instanceof List<?> l) stops = l.stream().map(o -> (int) Json.asLong(o, src + ": eos_token_id")).toList();
        else if (eos != null) stops = List.of((int) Json.asLong(eos, src + ": eos_token_id"));
        try {
            return new GenerationConfig(maxNewTokens, t, k, p, rp, 0, stops);     // validates: bad values fail now, not mid-request
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src + ": " + e.getMessage(), e);
        }
    }
}
