package org.glm4j.model.tokenizer.template;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Jinja2's lexer (3.1) with the settings transformers renders chat templates with: {@code trim_blocks} (one
 * newline after a block or comment tag is dropped), {@code lstrip_blocks} (spaces and tabs before a block or
 * comment tag at the start of a line are dropped), {@code -}/{@code +} whitespace control, {@code raw} blocks,
 * newlines normalised to {@code \n} and one trailing newline removed. Delimiters inside brackets do not close a tag,
 * as in Jinja.
 */
final class Lexer {
    enum Kind { DATA, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    record Tok(Kind kind, String text, Object value, int pos) {
        boolean is(Kind k, String t) { return kind == k && text.equals(t); }

        boolean isName(String t) { return kind == Kind.NAME && text.equals(t); }

        boolean isOp(String t) { return kind == Kind.OP && text.equals(t); }

        String describe() {
            return switch (kind) {
                case DATA -> "template text";
                case VAR_BEGIN -> "'{{'";
                case VAR_END -> "'}}'";
                case BLOCK_BEGIN -> "'{%'";
                case BLOCK_END -> "'%}'";
                case EOF -> "end of template";
                case STRING -> "string literal";
                default -> "'" + text + "'";
            };
        }
    }

    private static final String[] OPERATORS = { "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]",
            "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";" };

    private final Source src;
    private final String s;
    private final List<Tok> out = new ArrayList<>();
    private int pos;
    private boolean lineStarting = true;

    private Lexer(Source src) {
        this.src = src;
        this.s = src.text;
    }

    static List<Tok> tokenize(Source src) {
        Lexer l = new Lexer(src);
        l.run();
        return l.out;
    }

    /** Python's {@code str.isspace} (and the {@code \s} of its Unicode regexes). */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.getType(c) == Character.SPACE_SEPARATOR || c == 0x85;
    }

    private void run() {
        while (pos < s.length()) {
            int at = nextOpener(pos);
            if (at < 0) {
                emitData(s.substring(pos), pos);
                break;
            }
            char kind = s.charAt(at + 1);
            char sign = at + 2 < s.length() && (s.charAt(at + 2) == '-' || s.charAt(at + 2) == '+') ? s.charAt(at + 2) : 0;
            String text = s.substring(pos, at);
            int textPos = pos;
            if (sign == '-') {
                text = rstrip(text);
            } else if (sign != '+' && kind != '{') {
                int lpos = text.lastIndexOf('\n') + 1;
                if ((lpos > 0 || lineStarting) && onlySpacesOrTabs(text, lpos)) text = text.substring(0, lpos);
            }
            emitData(text, textPos);
            int inner = at + 2 + (sign != 0 ? 1 : 0);
            if (kind == '#') {
                comment(inner, at);
            } else if (kind == '%' && rawAhead(inner)) {
                raw(inner);
            } else {
                out.add(new Tok(kind == '{' ? Kind.VAR_BEGIN : Kind.BLOCK_BEGIN, kind == '{' ? "{{" : "{%", null, at));
                pos = inner;
                tag(kind == '{');
            }
        }
        out.add(new Tok(Kind.EOF, "", null, s.length()));
    }

    private int nextOpener(int from) {
        for (int i = from; i + 1 < s.length(); i++)
            if (s.charAt(i) == '{') {
                char c = s.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') return i;
            }
        return -1;
    }

    private void emitData(String text, int at) {
        if (!text.isEmpty()) out.add(new Tok(Kind.DATA, text, null, at));
    }

    private static String rstrip(String t) {
        int end = t.length();
        while (end > 0) {
            int c = t.codePointBefore(end);
            if (!isSpace(c)) break;
            end -= Character.charCount(c);
        }
        return t.substring(0, end);
    }

    private static boolean onlySpacesOrTabs(String t, int from) {
        for (int i = from; i < t.length(); i++) if (t.charAt(i) != ' ' && t.charAt(i) != '\t') return false;
        return true;
    }

    /** Where the end delimiter {@code end} ("%}" or "#}") matches at {@code i}, as Jinja's end rules do. */
    private int endAfter(int i, String end, boolean trimNewline) {
        char c = s.charAt(i);
        if ((c == '+' || c == '-') && s.startsWith(end, i + 1)) {
            int j = i + 1 + end.length();
            if (c == '-') while (j < s.length() && isSpace(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
            return j;
        }
        if (s.startsWith(end, i)) {
            int j = i + end.length();
            if (trimNewline && j < s.length() && s.charAt(j) == '\n') j++;
            return j;
        }
        return -1;
    }

    private void comment(int from, int opener) {
        for (int i = from; i < s.length(); i++) {
            int j = endAfter(i, "#}", true);
            if (j >= 0) {
                lineStarting = s.charAt(j - 1) == '\n';
                pos = j;
                return;
            }
        }
        throw src.error(opener, "missing end of comment tag");
    }

    private boolean rawAhead(int i) {
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        if (!s.startsWith("raw", i)) return false;
        i += 3;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        return s.startsWith("%}", i) || s.startsWith("-%}", i);
    }

    /** {@code {% raw %}…{% endraw %}}: the opener does not trim a newline; the body's end obeys lstrip rules. */
    private void raw(int i) {
        int opener = i;
        while (isSpace(s.charAt(i))) i++;
        i += 3;
        while (isSpace(s.charAt(i))) i++;
        if (s.charAt(i) == '-') {
            i += 3;
            while (i < s.length() && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
        } else {
            i += 2;
        }
        int bodyStart = i;
        for (int k = i; k + 1 < s.length(); k++) {
            if (s.charAt(k) != '{' || s.charAt(k + 1) != '%') continue;
            int j = k + 2;
            char sign = j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+') ? s.charAt(j) : 0;
            if (sign != 0) j++;
            while (j < s.length() && isSpace(s.charAt(j))) j++;
            if (!s.startsWith("endraw", j)) continue;
            j += 6;
            while (j < s.length() && isSpace(s.charAt(j))) j++;
            int end = j < s.length() ? endAfter(j, "%}", true) : -1;
            if (end < 0) continue;
            String body = s.substring(bodyStart, k);
            if (sign == '-') body = rstrip(body);
            else if (sign != '+') {
                int lpos = body.lastIndexOf('\n') + 1;
                if ((lpos > 0 || s.charAt(bodyStart - 1) == '\n') && onlySpacesOrTabs(body, lpos)) body = body.substring(0, lpos);
            }
            emitData(body, bodyStart);
            lineStarting = s.charAt(end - 1) == '\n';
            pos = end;
            return;
        }
        throw src.error(opener, "missing end of raw directive");
    }

    /** The tokens of a {@code {{ }}} or {@code {% %}} tag, up to and including its end. */
    private void tag(boolean variable) {
        Deque<Character> brackets = new ArrayDeque<>();
        int start = pos;
        while (true) {
            if (pos >= s.length()) throw src.error(start, "unexpected end of template inside a tag");
            if (brackets.isEmpty()) {
                int end = variable ? varEnd(pos) : endAfter(pos, "%}", true);
                if (end >= 0) {
                    out.add(new Tok(variable ? Kind.VAR_END : Kind.BLOCK_END, variable ? "}}" : "%}", null, pos));
                    lineStarting = s.charAt(end - 1) == '\n';
                    pos = end;
                    return;
                }
            }
            int c = s.codePointAt(pos);
            if (isSpace(c)) {
                pos += Character.charCount(c);
                continue;
            }
            if (number()) continue;
            if (Character.isUnicodeIdentifierStart(c) || c == '_') {
                int b = pos;
                pos += Character.charCount(c);
                while (pos < s.length() && Character.isUnicodeIdentifierPart(s.codePointAt(pos))
                        && !Character.isIdentifierIgnorable(s.codePointAt(pos)))
                    pos += Character.charCount(s.codePointAt(pos));
                out.add(new Tok(Kind.NAME, s.substring(b, pos), null, b));
                continue;
            }
            if (c == '\'' || c == '"') {
                string((char) c);
                continue;
            }
            String op = null;
            for (String o : OPERATORS) if (s.startsWith(o, pos)) { op = o; break; }
            if (op == null) throw src.error(pos, "unexpected character " + quoteChar(c) + " in a tag");
            char o0 = op.charAt(0);
            if (op.length() == 1 && (o0 == '(' || o0 == '[' || o0 == '{')) brackets.push(o0 == '(' ? ')' : o0 == '[' ? ']' : '}');
            else if (op.length() == 1 && (o0 == ')' || o0 == ']' || o0 == '}')) {
                if (brackets.isEmpty()) throw src.error(pos, "unexpected '" + o0 + "'");
                char want = brackets.pop();
                if (want != o0) throw src.error(pos, "unexpected '" + o0 + "', expected '" + want + "'");
            }
            out.add(new Tok(Kind.OP, op, null, pos));
            pos += op.length();
        }
    }

    private int varEnd(int i) {
        if (s.startsWith("-}}", i)) {
            int j = i + 3;
            while (j < s.length() && isSpace(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
            return j;
        }
        return s.startsWith("}}", i) ? i + 2 : -1;
    }

    private static String quoteChar(int c) { return c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : "'" + Character.toString(c) + "'"; }

    /** Jinja's float and integer rules (underscores allowed between digits; 0b/0o/0x integers). */
    private boolean number() {
        char c = s.charAt(pos);
        if (c < '0' || c > '9') return false;
        if (pos > 0 && s.charAt(pos - 1) == '.') {
            // after a dot only an integer is read (attribute-style index)
        } else {
            int e = floatEnd(pos);
            if (e > 0) {
                String t = s.substring(pos, e).replace("_", "");
                out.add(new Tok(Kind.FLOAT, s.substring(pos, e), Double.parseDouble(t), pos));
                pos = e;
                return true;
            }
        }
        int b = pos;
        String digits;
        int radix = 10;
        if (c == '0' && pos + 1 < s.length() && "bBoOxX".indexOf(s.charAt(pos + 1)) >= 0) {
            char r = Character.toLowerCase(s.charAt(pos + 1));
            radix = r == 'b' ? 2 : r == 'o' ? 8 : 16;
            int j = pos + 2;
            int dstart = j;
            while (j < s.length() && (Character.digit(s.charAt(j), radix) >= 0 || (s.charAt(j) == '_' && j + 1 < s.length()
                    && Character.digit(s.charAt(j + 1), radix) >= 0))) j++;
            if (j == dstart) throw src.error(pos, "invalid integer literal");
            digits = s.substring(dstart, j).replace("_", "");
            pos = j;
        } else {
            int j = digitRun(pos);
            digits = s.substring(pos, j).replace("_", "");
            if (digits.length() > 1 && digits.charAt(0) == '0' && !digits.chars().allMatch(ch -> ch == '0'))
                throw src.error(pos, "leading zeros in decimal integer literals are not permitted");
            pos = j;
        }
        BigInteger v = new BigInteger(digits, radix);
        if (v.bitLength() > 63) throw src.error(b, "integer literal " + s.substring(b, pos) + " is too large (64-bit integers only)");
        out.add(new Tok(Kind.INT, s.substring(b, pos), v.longValue(), b));
        return true;
    }

    private int digitRun(int i) {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) && s.charAt(j) < 128
                || (s.charAt(j) == '_' && j + 1 < s.length() && s.charAt(j + 1) >= '0' && s.charAt(j + 1) <= '9' && j > i))) j++;
        return j;
    }

    /** End of a float literal at {@code i} ({@code 1.5}, {@code 1e3}, {@code 1.5e-3}), or -1. */
    private int floatEnd(int i) {
        int j = digitRun(i);
        boolean frac = false;
        if (j + 1 < s.length() && s.charAt(j) == '.' && s.charAt(j + 1) >= '0' && s.charAt(j + 1) <= '9') {
            j = digitRun(j + 1);
            frac = true;
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) k++;
            if (k < s.length() && s.charAt(k) >= '0' && s.charAt(k) <= '9') return digitRun(k);
        }
        return frac ? j : -1;
    }

    /** A quoted string with Python's escapes ({@code unicode-escape}; unknown escapes keep their backslash). */
    private void string(char quote) {
        int b = pos;
        StringBuilder sb = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= s.length()) throw src.error(b, "unterminated string literal");
            char c = s.charAt(i);
            if (c == quote) break;
            if (c != '\\') {
                sb.append(c);
                i++;
                continue;
            }
            if (i + 1 >= s.length()) throw src.error(b, "unterminated string literal");
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case '\n' -> { }
                case '\\' -> sb.append('\\');
                case '\'' -> sb.append('\'');
                case '"' -> sb.append('"');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + n > s.length()) throw src.error(b, "truncated \\" + e + " escape in a string literal");
                    int cp;
                    try {
                        cp = Integer.parseUnsignedInt(s.substring(i, i + n), 16);
                    } catch (NumberFormatException bad) {
                        throw src.error(b, "truncated \\" + e + " escape in a string literal");
                    }
                    if (cp > 0x10ffff) throw src.error(b, "illegal Unicode character in a string literal");
                    sb.appendCodePoint(cp);
                    i += n;
                }
                case 'N' -> throw src.error(b, "\\N{...} escapes are not supported");
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0', k = 0;
                        while (k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + s.charAt(i++) - '0';
                            k++;
                        }
                        sb.append((char) v);
                    } else {
                        sb.append('\\').append(e);
                    }
                }
            }
        }
        pos = i + 1;
        out.add(new Tok(Kind.STRING, sb.toString(), null, b));
    }
}
