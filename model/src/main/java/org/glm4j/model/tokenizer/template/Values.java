package org.glm4j.model.tokenizer.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Template values and Python's semantics for them. Values are {@link Str}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code null} (None), {@code List} (Python list), {@link Tuple}, {@code Map} (dict, keys as
 * {@code String}/{@code Long}/{@code Double}/{@code Boolean}/null), {@link Undefined}, {@link Namespace},
 * {@link Fn} and {@link Loop}.
 */
final class Values {
    private Values() {}

    /** A failed operation; the interpreter adds the template position. */
    static final class Fail extends RuntimeException {
        Fail(String message) { super(message, null, false, false); }
    }

    /** A Python tuple. */
    record Tuple(List<Object> items) {}

    /** Jinja's default {@code Undefined}: empty when printed or iterated, an error when used further. */
    record Undefined(String message) {
        static Undefined named(String name) { return new Undefined("'" + name + "' is undefined"); }

        static Undefined attribute(Object owner, Object name) {
            return new Undefined("'" + typeName(owner) + "' object has no attribute " + reprKey(name));
        }

        Fail fail() { return new Fail(message); }
    }

    /** Jinja's {@code namespace()}: the one object whose attributes a template may assign. */
    static final class Namespace {
        final Map<String, Object> attrs = new LinkedHashMap<>();
    }

    /** Something callable: a global, a macro or a bound method. */
    interface Fn {
        String name();

        Object call(List<Object> args, Map<String, Object> kwargs);
    }

    /** The {@code loop} variable of a for loop. */
    static final class Loop {
        final List<Object> items;
        final int depth0;
        int index0;

        Loop(List<Object> items, int depth0) {
            this.items = items;
            this.depth0 = depth0;
        }
    }

    static Object fromJava(Object v) {
        if (v == null || v instanceof Str || v instanceof Boolean || v instanceof Long || v instanceof Double) return v;
        if (v instanceof String s) return Str.markup(s);
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return (double) f;
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(key(fromJava(e.getKey())), fromJava(e.getValue()));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) out.add(fromJava(o));
            return out;
        }
        throw new IllegalArgumentException("a template variable cannot be a " + v.getClass().getName());
    }

    /** A dict key: strings by their text. */
    static Object key(Object v) {
        if (v instanceof Str s) return s.text;
        if (v == null || v instanceof Long || v instanceof Double || v instanceof Boolean) return v;
        if (v instanceof Tuple) throw new Fail("tuple dict keys are not supported");
        throw new Fail("unhashable type: '" + typeName(v) + "'");
    }

    /** A dict key back as a value. */
    static Object keyValue(Object k) { return k instanceof String s ? Str.markup(s) : k; }

    static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof Str) return "str";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Long) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof List) return "list";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof Map) return "dict";
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof Namespace) return "Namespace";
        if (v instanceof Loop) return "LoopContext";
        if (v instanceof Fn) return "function";
        return v.getClass().getSimpleName();
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof Double d) return d != 0.0;
        if (v instanceof Str s) return !s.text.isEmpty();
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Tuple t) return !t.items().isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    static boolean isNumber(Object v) { return v instanceof Long || v instanceof Double || v instanceof Boolean; }

    static boolean isInt(Object v) { return v instanceof Long || v instanceof Boolean; }

    static long asLong(Object v) {
        if (v instanceof Long l) return l;
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw new Fail("'" + typeName(v) + "' object cannot be interpreted as an integer");
    }

    static double asDouble(Object v) {
        if (v instanceof Double d) return d;
        return asLong(v);
    }

    /** Items of a list or tuple, else null. */
    static List<Object> sequence(Object v) {
        if (v instanceof List<?> l) {
            @SuppressWarnings("unchecked") List<Object> o = (List<Object>) l;
            return o;
        }
        if (v instanceof Tuple t) return t.items();
        return null;
    }

    /** What iterating gives: characters, items, dict keys; nothing for undefined. */
    static List<Object> iterate(Object v) {
        List<Object> seq = sequence(v);
        if (seq != null) return seq;
        if (v instanceof Str s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < s.text.length(); ) {
                int n = Character.charCount(s.text.codePointAt(i));
                out.add(s.sub(i, i + n));
                i += n;
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            List<Object> out = new ArrayList<>(m.size());
            for (Object k : m.keySet()) out.add(keyValue(k));
            return out;
        }
        if (v instanceof Undefined) return List.of();
        throw new Fail("'" + typeName(v) + "' object is not iterable");
    }

    static long len(Object v) {
        if (v instanceof Str s) return s.pyLength();
        List<Object> seq = sequence(v);
        if (seq != null) return seq.size();
        if (v instanceof Map<?, ?> m) return m.size();
        if (v instanceof Undefined) return 0;
        throw new Fail("object of type '" + typeName(v) + "' has no len()");
    }

    static boolean eq(Object a, Object b) {
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) return asLong(a) == asLong(b);
            return asDouble(a) == asDouble(b);
        }
        if (a == null || b == null) return a == b;
        if (a instanceof Str x && b instanceof Str y) return x.text.equals(y.text);
        if (a instanceof List<?> && b instanceof List<?> || a instanceof Tuple && b instanceof Tuple) {
            List<Object> x = sequence(a), y = sequence(b);
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!eq(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet())
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) return false;
            return true;
        }
        return a == b;
    }

    /** Python's ordering for numbers, strings and sequences; anything else is a TypeError. */
    static int compare(Object a, Object b, String op) {
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) return Long.compare(asLong(a), asLong(b));
            double x = asDouble(a), y = asDouble(b);
            return x < y ? -1 : x > y ? 1 : 0;
        }
        if (a instanceof Str x && b instanceof Str y) return x.compareTo(y);
        if (a instanceof List<?> && b instanceof List<?> || a instanceof Tuple && b instanceof Tuple) {
            List<Object> x = sequence(a), y = sequence(b);
            for (int i = 0; i < Math.min(x.size(), y.size()); i++)
                if (!eq(x.get(i), y.get(i))) return compare(x.get(i), y.get(i), op);
            return Integer.compare(x.size(), y.size());
        }
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        throw new Fail("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    static boolean contains(Object container, Object item) {
        if (container instanceof Str s) {
            if (!(item instanceof Str n)) throw new Fail("'in <string>' requires string as left operand, not " + typeName(item));
            return s.text.contains(n.text);
        }
        List<Object> seq = sequence(container);
        if (seq != null) {
            for (Object o : seq) if (eq(o, item)) return true;
            return false;
        }
        if (container instanceof Map<?, ?> m) {
            if (item instanceof List || item instanceof Map) throw new Fail("unhashable type: '" + typeName(item) + "'");
            Object k = key(item);
            if (m.containsKey(k)) return true;
            if (k instanceof Boolean bk) return m.containsKey(bk ? 1L : 0L);
            if (k instanceof Long lk && (lk == 0 || lk == 1)) return m.containsKey(lk == 1);
            return false;
        }
        if (container instanceof Undefined) return false;
        throw new Fail("argument of type '" + typeName(container) + "' is not iterable");
    }

    /** Python's {@code str()} as Jinja prints it: strings as they are, undefined as nothing, the rest as repr. */
    static Str str(Object v) {
        if (v instanceof Str s) return s;
        if (v instanceof Undefined) return Str.EMPTY;
        return Str.derived(repr(v), contentOf(v));
    }

    /** A string marked as content when any string inside {@code v} has content. */
    private static Str contentOf(Object v) {
        return anyContent(v, 0) ? Str.content("x") : null;
    }

    static boolean anyContent(Object v, int depth) {
        if (depth > 64) return true;
        if (v instanceof Str s) return s.hasContent();
        List<Object> seq = sequence(v);
        if (seq != null) {
            for (Object o : seq) if (anyContent(o, depth + 1)) return true;
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            for (Object o : m.values()) if (anyContent(o, depth + 1)) return true;
            return false;
        }
        if (v instanceof Namespace n) {
            for (Object o : n.attrs.values()) if (anyContent(o, depth + 1)) return true;
        }
        return false;
    }

    static String repr(Object v) {
        StringBuilder sb = new StringBuilder();
        repr(v, sb, 0);
        return sb.toString();
    }

    private static void repr(Object v, StringBuilder sb, int depth) {
        if (depth > 64) throw new Fail("value nests too deeply to print");
        if (sb.length() > Interpreter.MAX_OUTPUT) throw new Fail("printed value exceeds " + Interpreter.MAX_OUTPUT + " characters");
        if (v == null) sb.append("None");
        else if (v instanceof Boolean b) sb.append(b ? "True" : "False");
        else if (v instanceof Long l) sb.append(l);
        else if (v instanceof Double d) sb.append(floatRepr(d));
        else if (v instanceof Str s) sb.append(strRepr(s.text));
        else if (v instanceof String s) sb.append(strRepr(s));
        else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(", ");
                repr(l.get(i), sb, depth + 1);
            }
            sb.append(']');
        } else if (v instanceof Tuple t) {
            sb.append('(');
            for (int i = 0; i < t.items().size(); i++) {
                if (i > 0) sb.append(", ");
                repr(t.items().get(i), sb, depth + 1);
            }
            if (t.items().size() == 1) sb.append(',');
            sb.append(')');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                repr(e.getKey(), sb, depth + 1);
                sb.append(": ");
                repr(e.getValue(), sb, depth + 1);
            }
            sb.append('}');
        } else if (v instanceof Undefined) sb.append("Undefined");
        else if (v instanceof Namespace n) {
            sb.append("<Namespace {");
            boolean first = true;
            for (Map.Entry<String, Object> e : n.attrs.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(strRepr(e.getKey())).append(": ");
                repr(e.getValue(), sb, depth + 1);
            }
            sb.append("}>");
        } else throw new Fail("cannot print a " + typeName(v) + " value");
    }

    private static String reprKey(Object k) { return k instanceof Str s ? strRepr(s.text) : repr(k); }

    /** Python's {@code repr} of a string. */
    static String strRepr(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == q || c == '\\') sb.append('\\').appendCodePoint(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
            else if (c >= 0x80 && !printable(c))
                sb.append(c <= 0xff ? String.format("\\x%02x", c) : c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
            else sb.appendCodePoint(c);
        }
        return sb.append(q).toString();
    }

    /** Python's {@code str.isprintable} for one code point (separators other than space and controls are not). */
    private static boolean printable(int c) {
        int t = Character.getType(c);
        return !(t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE || t == Character.PRIVATE_USE
                || t == Character.UNASSIGNED || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR
                || (t == Character.SPACE_SEPARATOR && c != ' '));
    }

    /** Python's {@code repr} of a float (shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16). */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();                     // decimal exponent of the first digit
        StringBuilder sb = new StringBuilder();
        if (d < 0) sb.append('-');
        if (exp >= 16 || exp < -4) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) sb.append('0');
            sb.append(a);
        } else if (exp >= 0) {
            if (digits.length() <= exp + 1) {
                sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            }
        } else {
            sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
        }
        return sb.toString();
    }

    /** Python's {@code json.dumps} with transformers' defaults ({@code ensure_ascii=False}). */
    static String toJson(Object v, boolean ensureAscii, String indent, String itemSep, String keySep, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        json(v, sb, ensureAscii, indent, itemSep, keySep, sortKeys, 0);
        return sb.toString();
    }

    private static void json(Object v, StringBuilder sb, boolean ascii, String indent, String itemSep, String keySep,
                             boolean sortKeys, int depth) {
        if (depth > 64) throw new Fail("value nests too deeply for tojson");
        if (sb.length() > Interpreter.MAX_OUTPUT) throw new Fail("tojson output exceeds " + Interpreter.MAX_OUTPUT + " characters");
        if (v == null) sb.append("null");
        else if (v instanceof Boolean b) sb.append(b ? "true" : "false");
        else if (v instanceof Long l) sb.append(l);
        else if (v instanceof Double d) sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
        else if (v instanceof Str s) jsonString(s.text, sb, ascii);
        else if (v instanceof String s) jsonString(s, sb, ascii);
        else if (v instanceof List<?> || v instanceof Tuple) {
            List<Object> items = sequence(v);
            if (items.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(itemSep);
                newline(sb, indent, depth + 1);
                json(items.get(i), sb, ascii, indent, itemSep, keySep, sortKeys, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) entries.sort((x, y) -> compare(keyValue(x.getKey()), keyValue(y.getKey()), "<"));
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                if (!first) sb.append(itemSep);
                first = false;
                newline(sb, indent, depth + 1);
                Object k = e.getKey();
                String ks = k instanceof String s ? s : k == null ? "null" : k instanceof Boolean b ? (b ? "true" : "false")
                        : k instanceof Double d ? floatRepr(d) : k.toString();
                jsonString(ks, sb, ascii);
                sb.append(keySep);
                json(e.getValue(), sb, ascii, indent, itemSep, keySep, sortKeys, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append('}');
        } else if (v instanceof Undefined u) {
            throw new Fail("Object of type Undefined is not JSON serializable");
        } else {
            throw new Fail("Object of type " + typeName(v) + " is not JSON serializable");
        }
    }

    private static void newline(StringBuilder sb, String indent, int depth) {
        if (indent == null) return;
        sb.append('\n');
        for (int i = 0; i < depth; i++) sb.append(indent);
    }

    private static void jsonString(String s, StringBuilder sb, boolean ascii) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
