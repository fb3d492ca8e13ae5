package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.JsonException;
import org.glm4j.model.tokenizer.ChatTemplate;
import org.glm4j.model.tokenizer.ChatTemplate.Message;
import org.glm4j.model.tokenizer.StreamDecoder;
import org.glm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer on a GLM-4-style tokenizer.json built here: byte-level alphabet (byte b has id b), a few merges,
 * GLM-4's split regex, and GLM's special tokens as added tokens.
 */
class TokenizerTest {
    static final String GLM_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String[] SPECIALS = { "<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>", "<|user|>",
            "<|assistant|>", "<|observation|>", "<|begin_of_image|>", "<|end_of_image|>", "<|begin_of_video|>", "<|end_of_video|>",
            "<|image|>", "<|video|>", "<think>", "</think>", "<answer>", "</answer>", "<|begin_of_box|>", "<|end_of_box|>" };
    static final int SPECIAL_BASE = 1000;

    /** GPT-2's byte → character map, written independently of the library. */
    static char byteChar(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return (char) b;
        int n = 0;
        for (int x = 0; x < b; x++) if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) n++;
        return (char) (256 + n);
    }

    static String mapped(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) sb.append(byteChar(b & 0xff));
        return sb.toString();
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** Merges (in rank order) building "Hello", " world" and "\n\n" in byte-level form. */
    static final String[][] MERGES = { { "H", "e" }, { "l", "l" }, { "He", "ll" }, { "Hell", "o" }, { mapped(" "), "w" },
            { "o", "r" }, { mapped(" ") + "w", "or" }, { "l", "d" }, { mapped(" wor"), "ld" }, { mapped("\n"), mapped("\n") } };

    static String tokenizerJson(boolean ignoreMerges) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(byteChar(b)), b);
        for (String[] m : MERGES) vocab.putIfAbsent(m[0] + m[1], vocab.size());
        vocab.putIfAbsent(mapped("Goodbye"), vocab.size());          // reachable only with ignore_merges
        StringBuilder sb = new StringBuilder("{\"version\":\"1.0\",\"added_tokens\":[");
        for (int i = 0; i < SPECIALS.length; i++)
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(SPECIAL_BASE + i).append(",\"content\":").append(esc(SPECIALS[i]))
                    .append(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
        sb.append("],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[")
                .append("{\"type\":\"Split\",\"pattern\":{\"Regex\":").append(esc(GLM_SPLIT)).append("},\"behavior\":\"Isolated\",\"invert\":false},")
                .append("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":false,\"use_regex\":false}]},")
                .append("\"post_processor\":null,\"decoder\":{\"type\":\"ByteLevel\"},\"model\":{\"type\":\"BPE\",\"dropout\":null,")
                .append("\"unk_token\":null,\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,")
                .append("\"byte_fallback\":false,\"ignore_merges\":").append(ignoreMerges).append(",\"vocab\":{");
        boolean first = true;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            sb.append(first ? "" : ",").append(esc(e.getKey())).append(':').append(e.getValue());
            first = false;
        }
        sb.append("},\"merges\":[");
        for (int i = 0; i < MERGES.length; i++) sb.append(i == 0 ? "" : ",").append(esc(MERGES[i][0] + " " + MERGES[i][1]));
        return sb.append("]}}").toString();
    }

    static final Tokenizer TOK = Tokenizer.parse(tokenizerJson(false), "test-tokenizer.json");

    static int id(String token) { return TOK.tokenId(token); }

    @Test
    void merges_buildWordsInRankOrder() {
        assertArrayEquals(new int[] { id("Hello"), id(mapped(" world")) }, TOK.encode("Hello world"));
        assertEquals(256 + 3, id("Hello"));
    }

    @Test
    void splitRegex_isolatesWhitespaceRunsDigitsAndNewlines() {
        // "Hello", " ", " world", "\n\n", "123", "456": a run of two spaces gives one lone space before " world".
        int[] got = TOK.encode("Hello  world\n\n123456");
        int[] want = { id("Hello"), id(mapped(" ")), id(mapped(" world")), id(mapped("\n\n")), '1', '2', '3', '4', '5', '6' };
        assertArrayEquals(want, got);
    }

    @Test
    void specialTokens_areSplitOutAndKept() {
        int[] got = TOK.encode("[gMASK]<sop><|user|>\nHello<|assistant|>\n");
        int[] want = { SPECIAL_BASE + 2, SPECIAL_BASE + 4, SPECIAL_BASE + 7, id(mapped("\n")), id("Hello"), SPECIAL_BASE + 8, id(mapped("\n")) };
        assertArrayEquals(want, got);
        assertTrue(TOK.isSpecial(SPECIAL_BASE + 16));
        assertEquals("<think>", TOK.decode(new int[] { SPECIAL_BASE + 16 }));
    }

    @Test
    void unicodeAndBytes_roundTrip() {
        for (String s : List.of("héllo wörld", "日本語のテキスト", "emoji 😀👍🏽 mixed", "tabs\tand\r\nCRLF", "   leading", "trailing   ",
                "a   b    c", "x'S y'll z'VE", "\u0000\u0001 control", "<|user|> inside <think>text</think>", "12345678901", ""))
            assertEquals(s, TOK.decode(TOK.encode(s)), s);
    }

    @Test
    void chunks_tokenizeLikeTheJoinedString_exceptForProtectedSpecials() {
        String a = "<|user|>\n", b = "\n\nHello  world<|assistant|>";
        assertArrayEquals(TOK.encode(a + b), TOK.encode(List.of(new Tokenizer.Chunk(a, true), new Tokenizer.Chunk(b, true))));
        int[] plain = TOK.encode(List.of(new Tokenizer.Chunk(a, true), new Tokenizer.Chunk("<|assistant|>", false)));
        assertEquals(SPECIAL_BASE + 7, plain[0]);
        assertTrue(java.util.Arrays.stream(plain).noneMatch(i -> i == SPECIAL_BASE + 8), "protected text never becomes a special token");
        assertEquals(a + "<|assistant|>", TOK.decode(plain));
    }

    @Test
    void longWords_mergeCorrectly() {
        String word = "Hello".repeat(8000);                             // one 40k-letter piece
        int[] ids = TOK.encode(word);
        assertEquals(word, TOK.decode(ids));
        assertEquals(8000, ids.length);                                // every "Hello" merges whole; "oH" has no merge
        for (int id : ids) assertEquals(id("Hello"), id);
    }

    @Test
    void caseInsensitiveContractions_areSeparatePieces() {
        int[] got = TOK.encode("it'S");
        assertArrayEquals(new int[] { 'i', 't', '\'', 'S' }, got);   // "it" and "'S" are pieces, no merges apply
    }

    @Test
    void ignoreMerges_takesWholeWordsFromTheVocabulary() {
        Tokenizer t = Tokenizer.parse(tokenizerJson(true), "t.json");
        assertArrayEquals(new int[] { t.tokenId(mapped("Goodbye")) }, t.encode("Goodbye"));
        assertEquals(7, TOK.encode("Goodbye").length);                  // without ignore_merges: bytes
    }

    @Test
    void streamDecoder_holdsIncompleteUtf8() {
        StreamDecoder d = TOK.streamDecoder();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);               // three bytes, three byte tokens
        List<String> deltas = new ArrayList<>();
        for (byte b : euro) deltas.add(d.next(TOK.tokenId(String.valueOf(byteChar(b & 0xff)))));
        assertEquals(List.of("", "", "€"), deltas);
        assertEquals("", d.flush());
        d.next(TOK.tokenId(String.valueOf(byteChar(euro[0] & 0xff))));
        assertEquals("\uFFFD", d.flush());
    }

    @Test
    void byteFallback_usesByteTokensForUnknownCharacters() {
        StringBuilder vocab = new StringBuilder("{\"a\":0,\"b\":1,\"ab\":2");
        for (int b = 0; b < 256; b++) vocab.append(",\"<0x").append(String.format("%02X", b)).append(">\":").append(3 + b);
        String json = "{\"model\":{\"type\":\"BPE\",\"byte_fallback\":true,\"vocab\":" + vocab + "},\"merges\":[\"a b\"]}}";
        Tokenizer t = Tokenizer.parse(json, "fallback.json");
        int[] ids = t.encode("abé");
        assertArrayEquals(new int[] { 2, 3 + 0xC3, 3 + 0xA9 }, ids);
        assertEquals("abé", t.decode(ids));
    }

    @Test
    void unsupportedModel_isRejectedClearly() {
        JsonException e = assertThrows(JsonException.class, () -> Tokenizer.parse("{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}", "u.json"));
        assertTrue(e.getMessage().contains("Unigram"), e.getMessage());
    }

    @Test
    void chatTemplate_rendersTheSpecExamples() {
        assertEquals("[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|end_of_image|>What is shown?<|assistant|>\n",
                ChatTemplate.render(List.of(Message.user(List.of(new ChatTemplate.Image(0), new ChatTemplate.Text("What is shown?")))), true));
        assertEquals("[gMASK]<sop><|user|>\nHello<|assistant|>\n", ChatTemplate.render(List.of(Message.user("Hello")), true));
        assertEquals("[gMASK]<sop><|system|>\nSYS<|user|>\nQ1<|begin_of_image|><|image|><|end_of_image|><|assistant|>\nA1<|user|>\n"
                        + "<|begin_of_video|><|video|><|end_of_video|>Q2<|assistant|>\n",
                ChatTemplate.render(List.of(Message.system("SYS"),
                        Message.user(List.of(new ChatTemplate.Text("Q1"), new ChatTemplate.Image(0))), Message.assistant("A1"),
                        Message.user(List.of(new ChatTemplate.VideoClip(0), new ChatTemplate.Text("Q2")))), true));
    }
}
