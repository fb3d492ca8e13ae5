package org.glm4j.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glm4j.model.json.Json;
import org.glm4j.model.json.JsonException;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer, reproduced in Java: added/special tokens split out first
 * (leftmost, longest), then the normalizer, the pre-tokenizer pipeline (regex {@code Split}, {@code ByteLevel},
 * {@code Digits}, {@code Sequence}), and the BPE model with byte-level mapping or byte fallback. Nothing is added
 * around the text (GLM's chat template writes {@code [gMASK]<sop>} itself). Immutable and thread-safe.
 */
public final class Tokenizer {
    private record Added(int id, String content, boolean special, boolean lstrip, boolean rstrip) {}

    private final Bpe bpe;
    private final List<Added> added;                 // longest content first
    private final Map<Character, List<Added>> addedByFirstChar = new HashMap<>();
    private final Map<Integer, Added> addedById = new HashMap<>();
    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final UnaryOperator<String> normalizer;
    private final List<UnaryOperator<List<String>>> preTokenizers;
    private final boolean byteLevel;

    private Tokenizer(Map<String, Object> root, String source) {
        Map<String, Object> model = Json.object(root, "model", source);
        String type = model.get("type") == null ? "BPE" : Json.asString(model.get("type"), source + ": model.type");
        if (!type.equals("BPE")) throw new JsonException(source + ": model type " + type + " is not supported (only BPE)");
        Map<String, Object> v = Json.object(model, "vocab", source + ": model");
        vocab = new HashMap<>(v.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, Object> e : v.entrySet()) {
            int id = (int) Json.asLong(e.getValue(), source + ": vocab[\"" + e.getKey() + "\"]");
            if (id < 0) throw new JsonException(source + ": negative id for \"" + e.getKey() + "\"");
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        List<String[]> merges = new ArrayList<>();
        for (Object m : Json.array(model, "merges", source + ": model")) {
            if (m instanceof String s) {
                int sp = s.indexOf(' ', 1);
                if (sp < 0) throw new JsonException(source + ": merge \"" + s + "\" is not two tokens");
                merges.add(new String[] { s.substring(0, sp), s.substring(sp + 1) });
            } else if (m instanceof List<?> l && l.size() == 2) {
                merges.add(new String[] { Json.asString(l.get(0), source + ": merge"), Json.asString(l.get(1), source + ": merge") });
            } else throw new JsonException(source + ": merge " + Json.describe(m) + " is not a pair");
        }
        if (model.get("continuing_subword_prefix") != null || model.get("end_of_word_suffix") != null)
            throw new JsonException(source + ": BPE subword prefixes/suffixes are not supported");
        bpe = new Bpe(vocab, merges, Boolean.TRUE.equals(model.get("ignore_merges")), Boolean.TRUE.equals(model.get("byte_fallback")),
                model.get("unk_token") instanceof String u ? u : null);

        List<Added> list = new ArrayList<>();
        if (root.get("added_tokens") instanceof List<?> at)
            for (Object o : at) {
                if (!(o instanceof Map<?, ?> m)) throw new JsonException(source + ": added token " + Json.describe(o));
                Added a = new Added((int) Json.asLong(m.get("id"), source + ": added token id"),
                        Json.asString(m.get("content"), source + ": added token content"), Boolean.TRUE.equals(m.get("special")),
                        Boolean.TRUE.equals(m.get("lstrip")), Boolean.TRUE.equals(m.get("rstrip")));
                if (a.content().isEmpty()) throw new JsonException(source + ": empty added token " + a.id());
                list.add(a);
                addedById.put(a.id(), a);
                maxId = Math.max(maxId, a.id());
            }
        list.sort(Comparator.comparingInt((Added a) -> a.content().length()).reversed());
        added = List.copyOf(list);
        for (Added a : added) addedByFirstChar.computeIfAbsent(a.content().charAt(0), k -> new ArrayList<>()).add(a);
        idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) idToToken[e.getValue()] = e.getKey();
        for (Added a : added) idToToken[a.id()] = a.content();

        normalizer = normalizer(root.get("normalizer"), source);
        List<UnaryOperator<List<String>>> pts = new ArrayList<>();
        boolean[] bl = { false };
        preTokenizer(root.get("pre_tokenizer"), source, pts, bl);
        preTokenizers = List.copyOf(pts);
        byteLevel = bl[0];
    }

    /** Loads {@code tokenizer.json}. */
    public static Tokenizer load(Path file) throws IOException {
        return parse(Files.readString(file), file.getFileName().toString());
    }

    /** Parses tokenizer.json text; {@code source} names it in messages. */
    public static Tokenizer parse(String json, String source) {
        return new Tokenizer(Json.parseObject(json, source), source);
    }

    /** Size of the id space (largest id + 1). */
    public int vocabSize() { return idToToken.length; }

    /** The id of a token string (vocabulary or added), or −1. */
    public int tokenId(String token) {
        for (Added a : added) if (a.content().equals(token)) return a.id();
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    /** Whether {@code id} is an added token flagged special. */
    public boolean isSpecial(int id) {
        Added a = addedById.get(id);
        return a != null && a.special();
    }

    /** Token ids of {@code text}; added tokens inside the text are recognised (leftmost, then longest). */
    public int[] encode(String text) {
        return encode(List.of(new Chunk(text, true)));
    }

    /** A run of text; added tokens are recognised in it only when {@code specials} is true. */
    public record Chunk(String text, boolean specials) {}

    /**
     * Token ids of consecutive chunks as if they were one string, except that added tokens are recognised only in
     * chunks that allow them: ordinary text is pre-tokenized in whole runs across chunk boundaries, exactly as the
     * concatenated string would be.
     */
    public int[] encode(List<Chunk> chunks) {
        List<Integer> out = new ArrayList<>();
        StringBuilder ordinary = new StringBuilder();
        for (Chunk c : chunks) {
            String t = c.text();
            if (!c.specials()) {
                ordinary.append(t);
                continue;
            }
            int pos = 0;
            while (true) {
                Added hit = null;
                int at = pos;
                for (; at < t.length() && hit == null; at++) {
                    List<Added> candidates = addedByFirstChar.get(t.charAt(at));
                    if (candidates == null) continue;
                    for (Added a : candidates)                       // longest first
                        if (t.startsWith(a.content(), at)) {
                            hit = a;
                            break;
                        }
                }
                if (hit == null) {
                    ordinary.append(t, pos, t.length());
                    break;
                }
                int start = at - 1;
                ordinary.append(t, pos, start);
                if (hit.lstrip())
                    while (!ordinary.isEmpty() && isRustWhitespace(ordinary.charAt(ordinary.length() - 1))) ordinary.setLength(ordinary.length() - 1);
                encodeOrdinary(ordinary.toString(), out);
                ordinary.setLength(0);
                out.add(hit.id());
                pos = start + hit.content().length();
                if (hit.rstrip()) while (pos < t.length() && isRustWhitespace(t.charAt(pos))) pos++;
            }
        }
        encodeOrdinary(ordinary.toString(), out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Token ids of {@code text} treating added-token strings as ordinary text (user input that merely looks like
     * {@code <|assistant|>} must not become a control token).
     */
    public int[] encodePlain(String text) {
        List<Integer> out = new ArrayList<>();
        encodeOrdinary(text, out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Unicode White_Space, as Rust's {@code char::is_whitespace} (which Hugging Face uses for lstrip/rstrip). */
    private static boolean isRustWhitespace(char c) {
        return Character.isWhitespace(c) && !(c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0 || c == 0x2007 || c == 0x202f;
    }

    private void encodeOrdinary(String text, List<Integer> out) {
        if (text.isEmpty()) return;
        List<String> pieces = List.of(normalizer.apply(text));
        for (UnaryOperator<List<String>> p : preTokenizers) pieces = p.apply(pieces);
        for (String piece : pieces) {
            if (piece.isEmpty()) continue;
            for (int id : bpe.encodeWord(piece)) out.add(id);       // byte-level pieces come mapped by ByteLevel

        }
    }

    /** The text of {@code ids} (special tokens included as their text). Invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) appendBytes(id, bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Appends the bytes of one token to {@code out}. */
    void appendBytes(int id, ByteArrayOutputStream out) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            out.write(0xEF);                                    // U+FFFD: an id the tokenizer does not define
            out.write(0xBF);
            out.write(0xBD);
            return;
        }
        String tok = idToToken[id];
        if (addedById.containsKey(id) || !byteLevel) {
            if (!byteLevel && tok.length() == 6 && tok.startsWith("<0x") && tok.endsWith(">")) {
                out.write(Integer.parseInt(tok.substring(3, 5), 16));
                return;
            }
            byte[] b = tok.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            return;
        }
        for (int i = 0; i < tok.length(); i++) {
            int b = ByteLevel.toByte(tok.charAt(i));
            if (b < 0) {
                byte[] raw = String.valueOf(tok.charAt(i)).getBytes(StandardCharsets.UTF_8);
                out.write(raw, 0, raw.length);
            } else out.write(b);
        }
    }

    /** A decoder that turns a stream of ids into text deltas, holding back incomplete UTF-8 sequences. */
    public StreamDecoder streamDecoder() { return new StreamDecoder(this); }

    // ---------------------------------------------------------------- pipeline construction

    private static UnaryOperator<String> normalizer(Object spec, String source) {
        if (spec == null) return s -> s;
        if (!(spec instanceof Map<?, ?> m)) throw new JsonException(source + ": normalizer must be an object");
        String type = Json.asString(m.get("type"), source + ": normalizer.type");
        return switch (type) {
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(java.util.Locale.ROOT);
            case "Sequence" -> {
                List<UnaryOperator<String>> parts = new ArrayList<>();
                for (Object o : (List<?>) m.get("normalizers")) parts.add(normalizer(o, source));
                yield s -> {
                    for (UnaryOperator<String> p : parts) s = p.apply(s);
                    return s;
                };
            }
            default -> throw new JsonException(source + ": normalizer " + type + " is not supported");
        };
    }

    private static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private void preTokenizer(Object spec, String source, List<UnaryOperator<List<String>>> out, boolean[] byteLevelOut) {
        if (spec == null) return;
        if (!(spec instanceof Map<?, ?> m)) throw new JsonException(source + ": pre_tokenizer must be an object");
        String type = Json.asString(m.get("type"), source + ": pre_tokenizer.type");
        switch (type) {
            case "Sequence" -> {
                for (Object o : (List<?>) m.get("pretokenizers")) preTokenizer(o, source, out, byteLevelOut);
            }
            case "Split" -> {
                Object pat = m.get("pattern");
                Pattern p;
                if (pat instanceof Map<?, ?> pm && pm.get("Regex") instanceof String re)
                    p = Pattern.compile(re, Pattern.UNICODE_CHARACTER_CLASS);
                else if (pat instanceof Map<?, ?> pm && pm.get("String") instanceof String lit) p = Pattern.compile(Pattern.quote(lit));
                else throw new JsonException(source + ": Split pattern must be {\"Regex\": …} or {\"String\": …}");
                String behavior = m.get("behavior") instanceof String b ? b : "Isolated";
                boolean invert = Boolean.TRUE.equals(m.get("invert"));
                out.add(pieces -> split(pieces, p, behavior, invert, source));
            }
            case "ByteLevel" -> {
                boolean prefix = Boolean.TRUE.equals(m.get("add_prefix_space"));
                boolean useRegex = !Boolean.FALSE.equals(m.get("use_regex"));
                Pattern gpt2 = Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
                byteLevelOut[0] = true;
                out.add(pieces -> {
                    List<String> res = new ArrayList<>();
                    for (String piece : pieces) {
                        String s = prefix && !piece.isEmpty() && !piece.startsWith(" ") ? " " + piece : piece;
                        List<String> parts = useRegex ? split(List.of(s), gpt2, "Isolated", false, source) : List.of(s);
                        for (String part : parts) res.add(ByteLevel.encode(part.getBytes(StandardCharsets.UTF_8)));
                    }
                    return res;
                });
            }
            case "Digits" -> {
                Pattern p = Pattern.compile(Boolean.TRUE.equals(m.get("individual_digits")) ? "\\p{N}" : "\\p{N}+");
                out.add(pieces -> split(pieces, p, "Isolated", false, source));
            }
            default -> throw new JsonException(source + ": pre-tokenizer " + type + " is not supported");
        }
    }

    /** Hugging Face {@code Split} over each piece with a behaviour: Isolated, Removed, MergedWithPrevious/Next, Contiguous. */
    private static List<String> split(List<String> pieces, Pattern p, String behavior, boolean invert, String source) {
        List<String> out = new ArrayList<>();
        for (String s : pieces) {
            List<int[]> spans = new ArrayList<>();       // {start, end, isMatch}
            Matcher mt = p.matcher(s);
            int last = 0;
            while (mt.find()) {
                if (mt.end() == mt.start()) continue;
                if (mt.start() > last) spans.add(new int[] { last, mt.start(), invert ? 1 : 0 });
                spans.add(new int[] { mt.start(), mt.end(), invert ? 0 : 1 });
                last = mt.end();
            }
            if (last < s.length()) spans.add(new int[] { last, s.length(), invert ? 1 : 0 });
            switch (behavior) {
                case "Isolated" -> { for (int[] sp : spans) out.add(s.substring(sp[0], sp[1])); }
                case "Removed" -> { for (int[] sp : spans) if (sp[2] == 0) out.add(s.substring(sp[0], sp[1])); }
                case "MergedWithPrevious" -> {
                    StringBuilder cur = new StringBuilder();
                    for (int[] sp : spans) {
                        cur.append(s, sp[0], sp[1]);
                        if (sp[2] == 1) { out.add(cur.toString()); cur.setLength(0); }
                    }
                    if (!cur.isEmpty()) out.add(cur.toString());
                }
                case "MergedWithNext" -> {
                    StringBuilder cur = new StringBuilder();
                    for (int[] sp : spans) {
                        if (sp[2] == 1 && !cur.isEmpty()) { out.add(cur.toString()); cur.setLength(0); }
                        cur.append(s, sp[0], sp[1]);
                    }
                    if (!cur.isEmpty()) out.add(cur.toString());
                }
                case "Contiguous" -> {
                    StringBuilder cur = new StringBuilder();
                    int prev = -1;
                    for (int[] sp : spans) {
                        if (sp[2] != prev && !cur.isEmpty()) { out.add(cur.toString()); cur.setLength(0); }
                        cur.append(s, sp[0], sp[1]);
                        prev = sp[2];
                    }
                    if (!cur.isEmpty()) out.add(cur.toString());
                }
                default -> throw new JsonException(source + ": Split behavior " + behavior + " is not supported");
            }
        }
        return out;
    }

    @Override public String toString() { return "Tokenizer[" + idToToken.length + " ids, " + added.size() + " added]"; }
}
