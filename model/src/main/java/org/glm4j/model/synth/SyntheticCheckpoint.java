package org.glm4j.model.synth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.weights.CheckpointLayout;

/**
 * Writes a complete synthetic GLM-4.1V checkpoint with the real 9B shapes (widths, heads, MLPs, patch and merge
 * sizes) and a chosen number of layers and vocabulary: {@code config.json}, {@code preprocessor_config.json},
 * {@code generation_config.json}, {@code tokenizer.json} and one {@code model.safetensors} of seeded random
 * weights (matrices N(0, 0.02), norm gains 1 + N(0, 0.05), biases N(0, 0.02)), streamed to disk, never held in
 * memory. For benchmarking without downloading weights.
 */
public final class SyntheticCheckpoint {
    private SyntheticCheckpoint() {}

    /** Real special ids start here; they are remapped to {@code vocab − 24}. */
    private static final int REAL_SPECIAL_BASE = 151329;

    /** Writes the checkpoint into {@code dir} (created if needed); {@code progress} gets fractions done in [0, 1]. */
    public static void write(Path dir, int textLayers, int visionLayers, int vocab, DType dtype, long seed,
                             Consumer<Double> progress) throws IOException {
        if (dtype != DType.BF16 && dtype != DType.F32) throw new IllegalArgumentException("dtype must be bf16 or f32, got " + dtype);
        if (vocab < 1024) throw new IllegalArgumentException("vocab must be >= 1024 (bytes, filler and special tokens), got " + vocab);
        if (textLayers < 1 || visionLayers < 1) throw new IllegalArgumentException("need at least one text layer and one vision block");
        Files.createDirectories(dir);
        int base = vocab - 24;
        String config = configJson(textLayers, visionLayers, vocab, base, dtype);
        Files.writeString(dir.resolve("config.json"), config);
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"image_processor_type": "Glm4vImageProcessor", "size": {"shortest_edge": 12544, "longest_edge": 9633792},
                 "do_resize": true, "resample": 3, "do_rescale": true, "rescale_factor": 0.00392156862745098,
                 "do_normalize": true, "image_mean": [0.48145466, 0.4578275, 0.40821073],
                 "image_std": [0.26862954, 0.26130258, 0.27577711], "do_convert_rgb": true, "patch_size": 14,
                 "temporal_patch_size": 2, "merge_size": 2}
                """);
        Files.writeString(dir.resolve("generation_config.json"), String.format(
                "{\"do_sample\": false, \"eos_token_id\": [%d, %d, %d, %d], \"pad_token_id\": %d}%n", base, base + 7, base + 9, base + 19, base));
        SyntheticTokenizer.write(dir.resolve("tokenizer.json"), vocab, base);
        Glm4vConfig parsed = Glm4vConfig.parse(config, "config.json");
        writeWeights(dir.resolve("model.safetensors"), new CheckpointLayout(parsed).expected(), dtype, seed, progress);
    }

    private static String configJson(int textLayers, int visionLayers, int vocab, int base, DType dtype) {
        return String.format("""
                {
                  "architectures": ["Glm4vForConditionalGeneration"], "model_type": "glm4v",
                  "image_start_token_id": %d, "image_end_token_id": %d, "video_start_token_id": %d, "video_end_token_id": %d,
                  "image_token_id": %d, "video_token_id": %d, "tie_word_embeddings": false, "torch_dtype": "%s",
                  "text_config": {
                    "model_type": "glm4v_text", "vocab_size": %d, "hidden_size": 4096, "intermediate_size": 13696,
                    "num_hidden_layers": %d, "num_attention_heads": 32, "num_key_value_heads": 2, "hidden_act": "silu",
                    "max_position_embeddings": 65536, "rms_norm_eps": 1e-05, "attention_bias": true,
                    "rope_theta": 10000.0, "partial_rotary_factor": 0.5,
                    "rope_scaling": {"type": "default", "mrope_section": [8, 12, 12]},
                    "pad_token_id": %d, "eos_token_id": [%d, %d, %d, %d]
                  },
                  "vision_config": {
                    "model_type": "glm4v", "depth": %d, "hidden_size": 1536, "num_heads": 12, "intermediate_size": 13696,
                    "out_hidden_size": 4096, "patch_size": 14, "temporal_patch_size": 2, "spatial_merge_size": 2,
                    "image_size": 336, "in_channels": 3, "rms_norm_eps": 1e-05, "hidden_act": "silu", "attention_bias": false
                  }
                }
                """, base + 10, base + 11, base + 12, base + 13, base + 14, base + 15, dtype == DType.BF16 ? "bfloat16" : "float32",
                vocab, textLayers, base, base, base + 7, base + 9, base + 19, visionLayers);
    }

    private static void writeWeights(Path file, Map<String, Shape> tensors, DType dtype, long seed, Consumer<Double> progress)
            throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"generator\":\"glm4j synth\"}");
        long offset = 0, total = 0;
        for (Map.Entry<String, Shape> e : tensors.entrySet()) {
            long bytes = e.getValue().numel() * dtype.byteSize();
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(dtype == DType.BF16 ? "BF16" : "F32")
                    .append("\",\"shape\":").append(e.getValue()).append(",\"data_offsets\":[").append(offset).append(',')
                    .append(offset + bytes).append("]}");
            offset += bytes;
        }
        total = offset;
        header.append('}');
        while ((header.length() + 8) % 8 != 0) header.append(' ');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom root = new SplittableRandom(seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer lead = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
            lead.putLong(h.length).put(h).flip();
            while (lead.hasRemaining()) ch.write(lead);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long written = 0;
            for (Map.Entry<String, Shape> e : tensors.entrySet()) {
                SplittableRandom rng = root.split();
                String name = e.getKey();
                boolean norm = name.endsWith("norm.weight") || name.endsWith("layernorm.weight") || name.contains("norm1.")
                        || name.contains("norm2.");
                double mean = norm ? 1.0 : 0.0, std = norm ? 0.05 : 0.02;
                for (long i = 0, n = e.getValue().numel(); i < n; i++) {
                    if (buf.remaining() < 4) {
                        buf.flip();
                        while (buf.hasRemaining()) written += ch.write(buf);
                        buf.clear();
                        progress.accept((double) written / total);
                    }
                    float v = (float) (mean + std * gaussian(rng));
                    if (dtype == DType.BF16) buf.putShort(DType.f32ToBf16(v));
                    else buf.putFloat(v);
                }
            }
            buf.flip();
            while (buf.hasRemaining()) written += ch.write(buf);
            progress.accept(1.0);
        }
    }

    /** A standard normal draw (Box–Muller, one value per call; speed is not the point here). */
    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
