package org.glm4j.model.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.Json;
import org.glm4j.model.json.JsonException;

/**
 * A GLM-4.1V {@code config.json}: token ids, {@link VisionConfig} and {@link TextConfig}.
 *
 * <p>Reads the three layouts in use: text fields at top level (first release), nested under {@code text_config}
 * with {@code rope_theta}/{@code partial_rotary_factor}/{@code rope_scaling.mrope_section} (transformers 4.57), and
 * {@code rope_parameters} (transformers 5). The parsed values are checked for consistency (rotary dim vs.
 * M-RoPE sections, widths that must agree) before anything is built from them.
 */
public record Glm4vConfig(String modelType, int imageStartTokenId, int imageEndTokenId, int videoStartTokenId,
                          int videoEndTokenId, int imageTokenId, int videoTokenId, boolean tieWordEmbeddings,
                          VisionConfig vision, TextConfig text) {

    /** Reads {@code folder/config.json}. */
    public static Glm4vConfig load(Path folder) throws IOException {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) throw new IOException(folder + ": no config.json");
        return parse(Files.readString(file), file.getFileName().toString());
    }

    /** Parses config JSON text; {@code source} names it in messages. */
    public static Glm4vConfig parse(String json, String source) {
        Map<String, Object> root = Json.parseObject(json, source);
        Reader r = new Reader(root, source);
        String type = r.str("model_type", null);
        if (!"glm4v".equals(type))
            throw new JsonException(source + ": model_type is " + Json.describe(type) + ", glm4j supports \"glm4v\"");
        Reader tr = root.get("text_config") instanceof Map<?, ?> ? r.child("text_config") : r;
        Reader vr = r.child("vision_config");
        String vType = vr.str("model_type", "glm4v");
        if (!vType.equals("glm4v") && !vType.equals("glm4v_vision"))
            throw new JsonException(source + ": vision_config.model_type " + vType + " is not glm4v or glm4v_vision");

        VisionConfig vision = new VisionConfig(vr.i("depth", 24), vr.i("hidden_size", 1536), vr.i("num_heads", 12),
                vr.i("intermediate_size", 13696), vr.i("out_hidden_size", 4096), vr.i("patch_size", 14),
                vr.i("temporal_patch_size", 2), vr.i("spatial_merge_size", 2), vr.i("image_size", 336),
                vr.i("in_channels", 3), (float) vr.d("rms_norm_eps", 1e-5), vr.str("hidden_act", "silu"),
                vr.bool("attention_bias", false));

        Reader rope = tr.has("rope_parameters") ? tr.child("rope_parameters") : null;
        Reader scaling = tr.has("rope_scaling") && tr.get("rope_scaling") != null ? tr.child("rope_scaling") : null;
        double theta = rope != null && rope.has("rope_theta") ? rope.d("rope_theta", 10000) : tr.d("rope_theta", 10000);
        double partial = rope != null && rope.has("partial_rotary_factor") ? rope.d("partial_rotary_factor", 0.5)
                : tr.d("partial_rotary_factor", 0.5);
        int[] section = rope != null && rope.has("mrope_section") ? rope.ints("mrope_section")
                : scaling != null && scaling.has("mrope_section") ? scaling.ints("mrope_section") : new int[] { 8, 12, 12 };
        String ropeType = rope != null ? rope.str("rope_type", "default")
                : scaling != null ? scaling.str("rope_type", scaling.str("type", "default")) : "default";
        if (!ropeType.equals("default"))
            throw new JsonException(source + ": rope type \"" + ropeType + "\" is not supported (only \"default\")");

        int hidden = tr.i("hidden_size", 4096), heads = tr.i("num_attention_heads", 32);
        if (heads <= 0 || hidden % heads != 0)
            throw new JsonException(source + ": text hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        int headDim = hidden / heads;                       // transformers' attention always uses hidden / heads
        if (tr.has("head_dim") && tr.get("head_dim") != null && tr.i("head_dim", headDim) != headDim)
            throw new JsonException(source + ": text head_dim " + tr.i("head_dim", headDim) + " differs from hidden_size / num_attention_heads = "
                    + headDim + "; GLM-4.1V's attention uses the latter");
        List<Integer> eos = new ArrayList<>();
        Object eosRaw = tr.has("eos_token_id") ? tr.get("eos_token_id") : root.get("eos_token_id");
        if (eosRaw instanceof List<?> l) for (Object o : l) eos.add((int) Json.asLong(o, source + ": eos_token_id"));
        else if (eosRaw != null) eos.add((int) Json.asLong(eosRaw, source + ": eos_token_id"));
        Object pad = tr.has("pad_token_id") ? tr.get("pad_token_id") : root.get("pad_token_id");
        TextConfig text = new TextConfig(tr.i("vocab_size", 151552), hidden, tr.i("intermediate_size", 13696),
                tr.i("num_hidden_layers", 40), heads, tr.i("num_key_value_heads", 2), headDim,
                (float) tr.d("rms_norm_eps", 1e-5), tr.i("max_position_embeddings", 65536), theta, partial, section,
                tr.str("hidden_act", "silu"), eos, pad == null ? null : (int) Json.asLong(pad, source + ": pad_token_id"));

        Glm4vConfig c = new Glm4vConfig(type, r.i("image_start_token_id", 151339), r.i("image_end_token_id", 151340),
                r.i("video_start_token_id", 151341), r.i("video_end_token_id", 151342), r.i("image_token_id", 151343),
                r.i("video_token_id", 151344), r.bool("tie_word_embeddings", false), vision, text);
        c.validate(source);
        return c;
    }

    private void validate(String source) {
        List<String> problems = new ArrayList<>();
        VisionConfig v = vision;
        TextConfig t = text;
        if (v.numHeads() <= 0 || v.hiddenSize() % v.numHeads() != 0)
            problems.add("vision hidden_size " + v.hiddenSize() + " is not a multiple of num_heads " + v.numHeads());
        else if (v.headDim() % 4 != 0) problems.add("vision head_dim " + v.headDim() + " must be a multiple of 4 for 2-D RoPE");
        if (v.patchSize() <= 0 || v.imageSize() % v.patchSize() != 0)
            problems.add("vision image_size " + v.imageSize() + " is not a multiple of patch_size " + v.patchSize());
        if (v.spatialMergeSize() != 2) problems.add("spatial_merge_size " + v.spatialMergeSize() + " (only 2 is supported)");
        if (v.temporalPatchSize() < 1) problems.add("temporal_patch_size must be >= 1");
        if (v.outHiddenSize() != t.hiddenSize())
            problems.add("vision out_hidden_size " + v.outHiddenSize() + " must equal text hidden_size " + t.hiddenSize());
        if (t.numKeyValueHeads() <= 0 || t.numAttentionHeads() % t.numKeyValueHeads() != 0)
            problems.add("num_attention_heads " + t.numAttentionHeads() + " is not a multiple of num_key_value_heads "
                    + t.numKeyValueHeads());
        int rd = t.rotaryDim();
        if (rd <= 0 || rd % 2 != 0 || rd > t.headDim())
            problems.add("rotary dim " + rd + " (head_dim " + t.headDim() + " x partial_rotary_factor " + t.partialRotaryFactor()
                    + ") must be even and within head_dim");
        if (!"silu".equals(t.hiddenAct())) problems.add("text hidden_act " + t.hiddenAct() + " (only silu is supported)");
        if (!"silu".equals(v.hiddenAct())) problems.add("vision hidden_act " + v.hiddenAct() + " (only silu is supported)");
        if (Arrays.stream(t.mropeSection()).anyMatch(x -> x < 0)) problems.add("mrope_section " + Arrays.toString(t.mropeSection()) + " has a negative section");
        int sum = Arrays.stream(t.mropeSection()).sum();
        if (t.mropeSection().length != 3 || sum != rd / 2)
            problems.add("mrope_section " + Arrays.toString(t.mropeSection()) + " must be 3 sections summing to rotary dim/2 = "
                    + rd / 2);
        for (String key : List.of("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers"))
            if (switch (key) {
                case "vocab_size" -> t.vocabSize();
                case "hidden_size" -> t.hiddenSize();
                case "intermediate_size" -> t.intermediateSize();
                default -> t.numHiddenLayers();
            } <= 0) problems.add("text " + key + " must be positive");
        if (!problems.isEmpty()) throw new JsonException(source + ": inconsistent config: " + String.join("; ", problems));
    }

    /** Typed, defaulting access to one JSON object, with messages naming the key path. */
    private record Reader(Map<String, Object> m, String path) {
        boolean has(String k) { return m.containsKey(k); }

        Object get(String k) { return m.get(k); }

        Reader child(String k) { return new Reader(Json.object(m, k, path), path + "." + k); }

        int i(String k, int dflt) {
            if (!m.containsKey(k)) return dflt;
            long v = Json.asLong(m.get(k), path + "." + k);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new JsonException(path + "." + k + " is out of range: " + v);
            return (int) v;
        }

        double d(String k, double dflt) { return m.containsKey(k) ? Json.asDouble(m.get(k), path + "." + k) : dflt; }

        String str(String k, String dflt) { return m.containsKey(k) ? Json.asString(m.get(k), path + "." + k) : dflt; }

        boolean bool(String k, boolean dflt) {
            Object v = m.get(k);
            if (v == null) return dflt;
            if (v instanceof Boolean b) return b;
            throw new JsonException(path + "." + k + " must be true or false, got " + Json.describe(v));
        }

        int[] ints(String k) {
            List<Object> l = Json.array(m, k, path);
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) out[i] = (int) Json.asLong(l.get(i), path + "." + k + "[" + i + "]");
            return out;
        }
    }
}
