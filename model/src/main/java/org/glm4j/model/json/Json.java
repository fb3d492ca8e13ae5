package org.glm4j.model.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for the files a checkpoint ships (config.json, safetensors headers,
 * tokenizer.json). Objects become insertion-ordered {@code Map<String,Object>}, arrays {@code List<Object>},
 * integers that fit become {@code Long}, other numbers {@code Double}, plus {@code String}, {@code Boolean} and
 * {@code null}. Nesting is capped and every error names the source and the character offset, so hostile input
 * gives an exception, never a stack overflow.
 */
public final class Json {
    /** Deepest nesting accepted. */
    public static final int MAX_DEPTH = 256;

    private final String text;
    private final String source;
    private int pos;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses one JSON value; {@code source} names the input in error messages. */
    public static Object parse(String text, String source) {
        Json p = new Json(text, source);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != text.length()) throw p.error("unexpected trailing content");
        return v;
    }

    /** Parses a JSON object. */
    public static Map<String, Object> parseObject(String text, String source) {
        Object v = parse(text, source);
        if (!(v instanceof Map<?, ?>)) throw new JsonException(source + ": expected a JSON object at the top level");
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    private JsonException error(String what) {
        return new JsonException(source + ": " + what + " at offset " + pos);
    }

    private void skipWs() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
            else break;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= text.length()) throw error("unexpected end of input");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) throw error("invalid literal");
        pos += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') throw error("expected a string key");
            String key = string();
            skipWs();
            if (peek() != ':') throw error("expected ':'");
            pos++;
            skipWs();
            Object v = value(depth + 1);
            if (m.containsKey(key)) throw error("duplicate key \"" + key + "\"");
            m.put(key, v);
            skipWs();
            char c = peek();
            pos++;
            if (c == '}') return m;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        pos++;
        List<Object> list = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWs();
            list.add(value(depth + 1));
            skipWs();
            char c = peek();
            pos++;
            if (c == ']') return list;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private char peek() {
        if (pos >= text.length()) throw error("unexpected end of input");
        return text.charAt(pos);
    }

    private String string() {
        pos++;
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(text, start, pos);
            pos++;
            if (pos >= text.length()) throw error("unterminated escape");
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw error("truncated \\u escape");
                    int cp = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(pos + i), 16);
                        if (d < 0) throw error("invalid \\u escape");
                        cp = cp * 16 + d;
                    }
                    pos += 4;
                    sb.append((char) cp);
                }
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
            start = pos;
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (pos >= text.length()) throw error("truncated number");
        if (text.charAt(pos) == '0') pos++;
        else if (isDigit()) while (isDigit()) pos++;
        else throw error("invalid number");
        boolean integral = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            integral = false;
            pos++;
            if (!isDigit()) throw error("invalid number");
            while (isDigit()) pos++;
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) pos++;
            if (!isDigit()) throw error("invalid number");
            while (isDigit()) pos++;
        }
        String s = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(s);
            }
        }
        return Double.parseDouble(s);
    }

    private boolean isDigit() {
        return pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9';
    }

    // ---------------------------------------------------------------- typed access

    /** {@code m[key]} as an object, or an error naming the source and key. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (v instanceof Map<?, ?>) return (Map<String, Object>) v;
        throw new JsonException(source + ": \"" + key + "\" must be an object, got " + describe(v));
    }

    /** {@code m[key]} as a list, or an error. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (v instanceof List<?>) return (List<Object>) v;
        throw new JsonException(source + ": \"" + key + "\" must be an array, got " + describe(v));
    }

    /** {@code v} as an exact long, or an error. */
    public static long asLong(Object v, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) return d.longValue();
        throw new JsonException(what + " must be an integer, got " + describe(v));
    }

    /** {@code v} as a double, or an error. */
    public static double asDouble(Object v, String what) {
        if (v instanceof Number n) return n.doubleValue();
        throw new JsonException(what + " must be a number, got " + describe(v));
    }

    /** {@code v} as a string, or an error. */
    public static String asString(Object v, String what) {
        if (v instanceof String s) return s;
        throw new JsonException(what + " must be a string, got " + describe(v));
    }

    /** A short description of a parsed value for messages. */
    public static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        return v.toString();
    }

    /** An unmodifiable empty object. */
    public static Map<String, Object> emptyObject() { return Collections.emptyMap(); }
}
