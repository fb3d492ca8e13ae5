package org.glm4j.model.synth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glm4j.model.tokenizer.ByteLevel;

/**
 * Writes a GLM-4-style {@code tokenizer.json} for synthetic and tiny checkpoints: the 256 byte-level tokens (byte b
 * has id b), filler tokens built by merges of earlier ones up to the special range, GLM-4's split regex, and the
 * GLM special tokens at {@code specialBase + (realId − 151329)} — the same remapping the tiny reference cases use
 * ({@code <|endoftext|>} at the base, then {@code [MASK]}, {@code [gMASK]}, … {@code <|video|>}, {@code <think>},
 * {@code </think>}, {@code <answer>}, {@code </answer>}, box tags). Every id below {@code vocabSize} decodes.
 */
public final class SyntheticTokenizer {
    private SyntheticTokenizer() {}

    /** GLM-4's pre-tokenizer split regex. */
    public static final String GLM_SPLIT =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Special tokens in id order from the base (real ids 151329…151350). */
    public static final List<String> SPECIALS = List.of("<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>",
            "<|system|>", "<|user|>", "<|assistant|>", "<|observation|>", "<|begin_of_image|>", "<|end_of_image|>",
            "<|begin_of_video|>", "<|end_of_video|>", "<|image|>", "<|video|>", "<think>", "</think>", "<answer>",
            "</answer>", "<|begin_of_box|>", "<|end_of_box|>");

    /** Writes {@code file} for ids {@code [0, vocabSize)} with specials from {@code specialBase}. */
    public static void write(Path file, int vocabSize, int specialBase) throws IOException {
        if (specialBase < 256 || specialBase + SPECIALS.size() > vocabSize)
            throw new IllegalArgumentException("specials at " + specialBase + ".." + (specialBase + SPECIALS.size())
                    + " do not fit between the 256 byte tokens and the vocabulary size " + vocabSize);
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(ByteLevel.toChar(b)));
        Set<String> seen = new HashSet<>(tokens);
        List<String[]> merges = new ArrayList<>();
        // Filler: letters and digits pairwise, then growing words, deterministic.
        String alphabet = "etaoinshrdlucmfwypvbgkjqxzETAOINSHRDLUCMFWYPVBGKJQXZ0123456789" + ByteLevel.toChar(' ');
        outer:
        for (int round = 0; ; round++) {
            int before = tokens.size();
            List<String> bases = round == 0 ? alphabet.chars().mapToObj(c -> String.valueOf((char) c)).toList()
                    : new ArrayList<>(tokens.subList(256, tokens.size()));
            for (String a : bases)
                for (int c = 0; c < alphabet.length(); c++) {
                    if (tokens.size() >= specialBase) break outer;
                    String bb = String.valueOf(alphabet.charAt(c)), ab = a + bb;
                    if (seen.add(ab)) {
                        tokens.add(ab);
                        merges.add(new String[] { a, bb });
                    }
                }
            if (tokens.size() == before) throw new IllegalStateException("cannot build " + specialBase + " filler tokens");
        }
        StringBuilder sb = new StringBuilder("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[");
        for (int i = 0; i < SPECIALS.size(); i++)
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(specialBase + i).append(",\"content\":").append(quote(SPECIALS.get(i)))
                    .append(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
        sb.append("],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",")
                .append("\"pattern\":{\"Regex\":").append(quote(GLM_SPLIT)).append("},\"behavior\":\"Isolated\",\"invert\":false},")
                .append("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}]},")
                .append("\"post_processor\":null,\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},")
                .append("\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"continuing_subword_prefix\":null,")
                .append("\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":false,\"ignore_merges\":false,\"vocab\":{");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) vocab.put(tokens.get(i), i);
        int extra = 0;
        for (int id = specialBase + SPECIALS.size(); id < vocabSize; id++) vocab.put("<|reserved_" + extra++ + "|>", id);
        boolean first = true;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            sb.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(e.getValue());
            first = false;
        }
        sb.append("},\"merges\":[");
        for (int i = 0; i < merges.size(); i++) sb.append(i == 0 ? "" : ",").append(quote(merges.get(i)[0] + " " + merges.get(i)[1]));
        sb.append("]}}");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }


    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
