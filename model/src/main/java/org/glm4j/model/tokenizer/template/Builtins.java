package org.glm4j.model.tokenizer.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.glm4j.model.tokenizer.template.Values.Fail;
import org.glm4j.model.tokenizer.template.Values.Fn;
import org.glm4j.model.tokenizer.template.Values.Loop;
import org.glm4j.model.tokenizer.template.Values.Namespace;
import org.glm4j.model.tokenizer.template.Values.Tuple;
import org.glm4j.model.tokenizer.template.Values.Undefined;

/**
 * Jinja2's filters, tests and globals that chat templates use, transformers' additions ({@code tojson} as
 * {@code json.dumps} with {@code ensure_ascii=False}, {@code raise_exception}), and the Python string, dict and
 * list methods the sandbox allows. A method, filter or test outside these is an error, never a silent guess.
 */
final class Builtins {
    private Builtins() {}

    static final Set<String> FILTERS = Set.of("abs", "capitalize", "count", "d", "default", "first", "float", "int",
            "items", "join", "last", "length", "list", "lower", "map", "reject", "rejectattr", "replace", "reverse",
            "round", "safe", "select", "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper",
            "min", "max", "dictsort");
    static final String FILTERS_LIST = String.join(", ", new TreeSet<>(FILTERS));

    /** Jinja filters this interpreter knows of but does not implement. */
    static final Set<String> KNOWN_UNSUPPORTED_FILTERS = Set.of("attr", "batch", "center", "e", "escape", "filesizeformat",
            "forceescape", "format", "groupby", "indent", "pprint", "random", "slice", "striptags", "truncate", "urlencode",
            "urlize", "wordcount", "wordwrap", "xmlattr");

    static final Set<String> TESTS = Set.of("boolean", "callable", "defined", "divisibleby", "eq", "equalto", "even",
            "false", "float", "ge", "gt", "greaterthan", "in", "integer", "iterable", "le", "lessthan", "lower", "lt",
            "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper", "==",
            "!=", "<", "<=", ">", ">=");
    static final String TESTS_LIST = String.join(", ", new TreeSet<>(TESTS));

    // ---- tests -------------------------------------------------------------------------------------------

    static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "number" -> Values.isNumber(v);
            case "string" -> v instanceof Str;
            case "mapping" -> v instanceof Map;
            case "iterable" -> v instanceof Str || v instanceof List || v instanceof Tuple || v instanceof Map || v instanceof Undefined;
            case "sequence" -> v instanceof Str || v instanceof List || v instanceof Tuple || v instanceof Map || v instanceof Undefined;
            case "callable" -> v instanceof Fn;
            case "lower" -> (Boolean) strMethod(Values.str(v), "islower", List.of(), Map.of());
            case "upper" -> (Boolean) strMethod(Values.str(v), "isupper", List.of(), Map.of());
            case "odd" -> Values.asLong(v) % 2 != 0;
            case "even" -> Values.asLong(v) % 2 == 0;
            case "divisibleby" -> {
                long d = Values.asLong(arg(args, 0, "divisibleby"));
                if (d == 0) throw new Fail("integer division or modulo by zero");
                yield Values.asLong(v) % d == 0;
            }
            case "sameas" -> sameAs(v, arg(args, 0, "sameas"));
            case "eq", "equalto", "==" -> Values.eq(v, arg(args, 0, name));
            case "ne", "!=" -> !Values.eq(v, arg(args, 0, name));
            case "lt", "lessthan", "<" -> Values.compare(v, arg(args, 0, name), "<") < 0;
            case "le", "<=" -> Values.compare(v, arg(args, 0, name), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Values.compare(v, arg(args, 0, name), ">") > 0;
            case "ge", ">=" -> Values.compare(v, arg(args, 0, name), ">=") >= 0;
            case "in" -> Values.contains(arg(args, 0, "in"), v);
            default -> throw new Fail("unknown test '" + name + "'");
        };
    }

    private static boolean sameAs(Object a, Object b) {
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) return Values.eq(a, b) && (a == null) == (b == null)
                && (a instanceof Boolean) == (b instanceof Boolean);
        return a == b;
    }

    private static Object arg(List<Object> args, int i, String what) {
        if (args.size() <= i) throw new Fail(what + "() missing a required argument");
        return args.get(i);
    }

    // ---- filters -----------------------------------------------------------------------------------------

    /** Positional and keyword arguments bound to parameter names, Python-style. */
    static Object[] bind(String fn, List<Object> args, Map<String, Object> kwargs, String[] params, Object[] defaults) {
        if (args.size() > params.length) throw new Fail(fn + "() takes at most " + params.length + " arguments (" + args.size() + " given)");
        Object[] out = new Object[params.length];
        boolean[] set = new boolean[params.length];
        for (int i = 0; i < args.size(); i++) {
            out[i] = args.get(i);
            set[i] = true;
        }
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            int k = List.of(params).indexOf(e.getKey());
            if (k < 0) throw new Fail(fn + "() got an unexpected keyword argument '" + e.getKey() + "'");
            if (set[k]) throw new Fail(fn + "() got multiple values for argument '" + e.getKey() + "'");
            out[k] = e.getValue();
            set[k] = true;
        }
        for (int i = 0; i < params.length; i++)
            if (!set[i]) {
                if (defaults[i] == REQUIRED) throw new Fail(fn + "() missing required argument '" + params[i] + "'");
                out[i] = defaults[i];
            }
        return out;
    }

    static final Object REQUIRED = new Object();

    static Object filter(Interpreter in, String name, Object v, List<Object> args, Map<String, Object> kw) {
        switch (name) {
            case "safe" -> { return v instanceof Str ? v : Values.str(v); }
            case "string" -> { return Values.str(v); }
            case "length", "count" -> { return Values.len(v); }
            case "trim" -> {
                Object[] a = bind("trim", args, kw, new String[] { "chars" }, new Object[] { null });
                return strip(Values.str(v), a[0], true, true);
            }
            case "lower" -> { Str s = Values.str(v); return Str.derived(s.text.toLowerCase(Locale.ROOT), s); }
            case "upper" -> { Str s = Values.str(v); return Str.derived(s.text.toUpperCase(Locale.ROOT), s); }
            case "capitalize" -> { Str s = Values.str(v); return Str.derived(capitalize(s.text), s); }
            case "title" -> { Str s = Values.str(v); return Str.derived(title(s.text), s); }
            case "default", "d" -> {
                Object[] a = bind(name, args, kw, new String[] { "default_value", "boolean" }, new Object[] { Str.EMPTY, false });
                boolean falsy = Values.truthy(a[1]) ? !Values.truthy(v) : v instanceof Undefined;
                return falsy ? a[0] : v;
            }
            case "tojson" -> { return tojson(v, args, kw); }
            case "first" -> {
                List<Object> items = Values.iterate(v);
                return items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
            }
            case "last" -> {
                List<Object> items = Values.iterate(v);
                return items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
            }
            case "list" -> { return new ArrayList<>(Values.iterate(v)); }
            case "reverse" -> {
                if (v instanceof Str s) return reverse(s);
                List<Object> items = new ArrayList<>(Values.iterate(v));
                Collections.reverse(items);
                return items;
            }
            case "join" -> {
                Object[] a = bind("join", args, kw, new String[] { "d", "attribute" }, new Object[] { Str.EMPTY, null });
                List<Object> items = Values.iterate(v);
                if (a[1] != null) items = attributes(in, items, a[1]);
                return join(Values.str(a[0]), items);
            }
            case "replace" -> {
                Object[] a = bind("replace", args, kw, new String[] { "old", "new", "count" }, new Object[] { REQUIRED, REQUIRED, null });
                return replace(Values.str(v), Values.str(a[0]), Values.str(a[1]), a[2] == null ? -1 : Values.asLong(a[2]));
            }
            case "int" -> {
                Object[] a = bind("int", args, kw, new String[] { "default", "base" }, new Object[] { 0L, 10L });
                return toInt(v, a[0], (int) Values.asLong(a[1]));
            }
            case "float" -> {
                Object[] a = bind("float", args, kw, new String[] { "default" }, new Object[] { 0.0 });
                return toFloat(v, a[0]);
            }
            case "abs" -> {
                if (v instanceof Double d) return Math.abs(d);
                long l = Values.asLong(v);
                if (l == Long.MIN_VALUE) throw new Fail("integer overflow");
                return Math.abs(l);
            }
            case "round" -> {
                Object[] a = bind("round", args, kw, new String[] { "precision", "method" }, new Object[] { 0L, Str.markup("common") });
                if (Values.isInt(v) && Values.asLong(a[0]) >= 0 && Values.str(a[1]).text.equals("common")) return Values.asLong(v);
                return round(Values.asDouble(v), (int) Values.asLong(a[0]), Values.str(a[1]).text);
            }
            case "items" -> {
                if (v instanceof Undefined) return new ArrayList<>();
                if (!(v instanceof Map<?, ?> m)) throw new Fail("can only get item pairs from a mapping, not " + Values.typeName(v));
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(new Tuple(List.of(Values.keyValue(e.getKey()), e.getValue())));
                return out;
            }
            case "dictsort" -> {
                Object[] a = bind("dictsort", args, kw, new String[] { "case_sensitive", "by", "reverse" },
                        new Object[] { false, Str.markup("key"), false });
                if (!(v instanceof Map<?, ?> m)) throw new Fail("dictsort needs a mapping, not " + Values.typeName(v));
                List<Object> pairs = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) pairs.add(new Tuple(List.of(Values.keyValue(e.getKey()), e.getValue())));
                int idx = switch (Values.str(a[1]).text) { case "key" -> 0; case "value" -> 1;
                    default -> throw new Fail("You can only sort by either \"key\" or \"value\""); };
                boolean cs = Values.truthy(a[0]);
                int sign = Values.truthy(a[2]) ? -1 : 1;
                pairs.sort((x, y) -> sign * Values.compare(sortKey(((Tuple) x).items().get(idx), cs), sortKey(((Tuple) y).items().get(idx), cs), "<"));
                return pairs;
            }
            case "sort" -> {
                Object[] a = bind("sort", args, kw, new String[] { "reverse", "case_sensitive", "attribute" }, new Object[] { false, false, null });
                List<Object> items = new ArrayList<>(Values.iterate(v));
                boolean cs = Values.truthy(a[1]);
                List<Object> keys = a[2] == null ? items : attributes(in, items, a[2]);
                Integer[] order = new Integer[items.size()];
                for (int i = 0; i < order.length; i++) order[i] = i;
                int sign = Values.truthy(a[0]) ? -1 : 1;                   // Python's sorted(reverse=True) stays stable
                java.util.Arrays.sort(order, (x, y) -> sign * Values.compare(sortKey(keys.get(x), cs), sortKey(keys.get(y), cs), "<"));
                List<Object> out = new ArrayList<>();
                for (int i : order) out.add(items.get(i));
                return out;
            }
            case "unique" -> {
                Object[] a = bind("unique", args, kw, new String[] { "case_sensitive", "attribute" }, new Object[] { false, null });
                List<Object> items = Values.iterate(v);
                List<Object> keys = a[1] == null ? items : attributes(in, items, a[1]);
                List<Object> seen = new ArrayList<>(), out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    Object k = sortKey(keys.get(i), Values.truthy(a[0]));
                    boolean dup = false;
                    for (Object s : seen) if (Values.eq(s, k)) { dup = true; break; }
                    if (!dup) {
                        seen.add(k);
                        out.add(items.get(i));
                    }
                }
                return out;
            }
            case "sum" -> {
                Object[] a = bind("sum", args, kw, new String[] { "attribute", "start" }, new Object[] { null, 0L });
                List<Object> items = Values.iterate(v);
                if (a[0] != null) items = attributes(in, items, a[0]);
                Object total = a[1];
                for (Object o : items) total = Interpreter.arith("+", total, o);
                return total;
            }
            case "min", "max" -> {
                Object[] a = bind(name, args, kw, new String[] { "case_sensitive", "attribute" }, new Object[] { false, null });
                List<Object> items = Values.iterate(v);
                if (items.isEmpty()) return new Undefined("No aggregated item, sequence was empty.");
                List<Object> keys = a[1] == null ? items : attributes(in, items, a[1]);
                int best = 0;
                for (int i = 1; i < items.size(); i++) {
                    int c = Values.compare(sortKey(keys.get(i), Values.truthy(a[0])), sortKey(keys.get(best), Values.truthy(a[0])), "<");
                    if (name.equals("min") ? c < 0 : c > 0) best = i;
                }
                return items.get(best);
            }
            case "map" -> {
                List<Object> items = Values.iterate(v);
                if (kw.containsKey("attribute")) {
                    Object[] a = bind("map", args, kw, new String[] { "attribute", "default" }, new Object[] { REQUIRED, null });
                    List<Object> out = new ArrayList<>();
                    for (Object o : items) {
                        Object r = in.attribute(o, a[0]);
                        out.add(r instanceof Undefined && kw.containsKey("default") ? a[1] : r);
                    }
                    return out;
                }
                if (args.isEmpty()) throw new Fail("map() needs a filter name or attribute=");
                String f = Values.str(args.get(0)).text;
                if (!FILTERS.contains(f)) throw new Fail("map(): unknown or unsupported filter '" + f + "'");
                List<Object> out = new ArrayList<>();
                for (Object o : items) out.add(filter(in, f, o, args.subList(1, args.size()), kw));
                return out;
            }
            case "select", "reject", "selectattr", "rejectattr" -> {
                boolean attr = name.endsWith("attr"), keep = name.startsWith("select");
                List<Object> items = Values.iterate(v);
                int first = attr ? 1 : 0;
                if (attr && args.isEmpty()) throw new Fail(name + "() needs an attribute name");
                String test = args.size() > first ? Values.str(args.get(first)).text : null;
                if (test != null && !TESTS.contains(test)) throw new Fail(name + "(): unknown or unsupported test '" + test + "'");
                List<Object> testArgs = args.size() > first + 1 ? args.subList(first + 1, args.size()) : List.of();
                List<Object> out = new ArrayList<>();
                for (Object o : items) {
                    Object subject = attr ? in.attribute(o, args.get(0)) : o;
                    boolean ok = test == null ? Values.truthy(subject) : test(test, subject, testArgs);
                    if (ok == keep) out.add(o);
                }
                return out;
            }
            default -> throw new Fail("unknown filter '" + name + "'");
        }
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof Str s ? Str.markup(s.text.toLowerCase(Locale.ROOT)) : v;
    }

    /** {@code attribute} of each item (dotted paths and integer indices as Jinja's {@code make_attrgetter}). */
    private static List<Object> attributes(Interpreter in, List<Object> items, Object attribute) {
        List<Object> out = new ArrayList<>(items.size());
        for (Object o : items) out.add(in.attribute(o, attribute));
        return out;
    }

    static Object tojson(Object v, List<Object> args, Map<String, Object> kw) {
        Object[] a = bind("tojson", args, kw, new String[] { "ensure_ascii", "indent", "separators", "sort_keys" },
                new Object[] { false, null, null, false });
        String indent = null;
        if (a[1] != null) indent = a[1] instanceof Str s ? s.text : " ".repeat((int) Math.max(0, Math.min(64, Values.asLong(a[1]))));
        String itemSep = indent == null ? ", " : ",", keySep = ": ";
        if (a[2] != null) {
            List<Object> seps = Values.sequence(a[2]);
            if (seps == null || seps.size() != 2) throw new Fail("tojson separators must be a pair of strings");
            itemSep = Values.str(seps.get(0)).text;
            keySep = Values.str(seps.get(1)).text;
        }
        String json = Values.toJson(v, Values.truthy(a[0]), indent, itemSep, keySep, Values.truthy(a[3]));
        return Values.anyContent(v, 0) ? Str.content(json) : Str.markup(json);
    }

    private static Object toInt(Object v, Object dflt, int base) {
        if (v instanceof Long || v instanceof Boolean) return Values.asLong(v);
        if (v instanceof Double d) return Double.isFinite(d) ? (long) (double) d : dflt;
        if (v instanceof Str s) {
            String t = s.text.strip().replace("_", "");
            try {
                return Long.parseLong(t, base);
            } catch (NumberFormatException e) {
                try {
                    double d = Double.parseDouble(t);
                    return Double.isFinite(d) ? (long) d : dflt;
                } catch (NumberFormatException e2) {
                    return dflt;
                }
            }
        }
        return dflt;
    }

    private static Object toFloat(Object v, Object dflt) {
        if (Values.isNumber(v)) return Values.asDouble(v);
        if (v instanceof Str s) {
            try {
                return Double.parseDouble(s.text.strip());
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }

    private static double round(double v, int precision, String method) {
        double f = Math.pow(10, precision);
        return switch (method) {
            case "common" -> Double.isFinite(v)                    // Python's round: exact binary value, half to even
                    ? new java.math.BigDecimal(v).setScale(precision, java.math.RoundingMode.HALF_EVEN).doubleValue() : v;
            case "ceil" -> Math.ceil(v * f) / f;
            case "floor" -> Math.floor(v * f) / f;
            default -> throw new Fail("method must be common, ceil or floor");
        };
    }

    private static String capitalize(String t) {
        if (t.isEmpty()) return t;
        int c = t.codePointAt(0);
        return new String(Character.toChars(Character.toTitleCase(c))) + t.substring(Character.charCount(c)).toLowerCase(Locale.ROOT);
    }

    /** Jinja's {@code title}: first letter of each word (after space, dash, brackets, braces) upper, rest lower. */
    private static String title(String t) {
        StringBuilder sb = new StringBuilder();
        boolean start = true;
        for (int i = 0; i < t.length(); ) {
            int c = t.codePointAt(i);
            i += Character.charCount(c);
            sb.appendCodePoint(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = Lexer.isSpace(c) || c == '-' || c == '(' || c == '[' || c == '{' || c == '<';
        }
        return sb.toString();
    }

    /** Python's {@code str.title}: a cased character after an uncased one is title-cased, the rest lowered. */
    private static String pyTitle(String t) {
        StringBuilder sb = new StringBuilder();
        boolean prevCased = false;
        for (int i = 0; i < t.length(); ) {
            int c = t.codePointAt(i);
            i += Character.charCount(c);
            sb.appendCodePoint(prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            prevCased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
        }
        return sb.toString();
    }

    static Str reverse(Str s) {
        Str.Builder b = new Str.Builder(Interpreter.MAX_OUTPUT);
        for (int i = s.text.length(); i > 0; ) {
            int c = s.text.codePointBefore(i);
            int n = Character.charCount(c);
            b.append(s.sub(i - n, i));
            i -= n;
        }
        return b.build();
    }

    static Str join(Str sep, List<Object> items) {
        Str.Builder b = new Str.Builder(Interpreter.MAX_OUTPUT);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) b.append(sep);
            b.append(Values.str(items.get(i)));
        }
        return b.build();
    }

    static Str replace(Str s, Str old, Str neu, long count) {
        Str.Builder b = new Str.Builder(Interpreter.MAX_OUTPUT);
        String t = s.text;
        if (old.text.isEmpty()) {                                       // Python inserts between every character
            int done = 0, i = 0;
            while (i <= t.length()) {
                if (count < 0 || done < count) {
                    b.append(neu);
                    done++;
                } else {
                    b.append(s.sub(i, t.length()));
                    return b.build();
                }
                if (i == t.length()) break;
                int n = Character.charCount(t.codePointAt(i));
                b.append(s.sub(i, i + n));
                i += n;
            }
            return b.build();
        }
        int from = 0, done = 0;
        while (count < 0 || done < count) {
            int at = t.indexOf(old.text, from);
            if (at < 0) break;
            b.append(s.sub(from, at)).append(neu);
            from = at + old.text.length();
            done++;
        }
        b.append(s.sub(from, t.length()));
        return b.build();
    }

    /** Python's {@code strip}/{@code lstrip}/{@code rstrip}: whitespace, or the characters of {@code chars}. */
    static Str strip(Str s, Object chars, boolean left, boolean right) {
        String set = chars == null || chars instanceof Undefined ? null : Values.str(chars).text;
        String t = s.text;
        int a = 0, b = t.length();
        if (left)
            while (a < b) {
                int c = t.codePointAt(a);
                if (!(set == null ? Lexer.isSpace(c) : set.indexOf(Character.toString(c)) >= 0)) break;
                a += Character.charCount(c);
            }
        if (right)
            while (b > a) {
                int c = t.codePointBefore(b);
                if (!(set == null ? Lexer.isSpace(c) : set.indexOf(Character.toString(c)) >= 0)) break;
                b -= Character.charCount(c);
            }
        return s.sub(a, b);
    }

    // ---- methods -----------------------------------------------------------------------------------------

    private static final Set<String> STR_METHODS = Set.of("strip", "lstrip", "rstrip", "split", "rsplit", "splitlines",
            "startswith", "endswith", "upper", "lower", "title", "capitalize", "replace", "find", "rfind", "index", "rindex",
            "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "removeprefix", "removesuffix");
    /** Python {@code str} attributes this interpreter does not implement (an error rather than undefined). */
    private static final Set<String> STR_UNSUPPORTED = Set.of("format", "format_map", "encode", "center", "ljust", "rjust",
            "zfill", "expandtabs", "partition", "rpartition", "translate", "maketrans", "swapcase", "casefold", "isdecimal",
            "isnumeric", "isidentifier", "isprintable", "istitle", "isascii");
    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get");
    private static final Set<String> DICT_UNSAFE = Set.of("pop", "popitem", "setdefault", "update", "clear", "copy", "fromkeys");
    private static final Set<String> LIST_METHODS = Set.of("index", "count");
    private static final Set<String> LIST_UNSAFE = Set.of("append", "extend", "insert", "pop", "remove", "reverse", "sort",
            "clear", "copy");

    /**
     * Python attribute lookup first, as the sandbox's {@code getattr} does: a method when a string, dict or list has
     * one, else null (the caller falls back to item lookup). Namespaces and loops are looked up by the caller.
     */
    static Object method(Object owner, String name) {
        if (owner instanceof Str s) {
            if (STR_METHODS.contains(name)) return bound(name, (args, kw) -> strMethod(s, name, args, kw));
            if (STR_UNSUPPORTED.contains(name)) throw new Fail("str." + name + "() is not supported by this chat-template interpreter");
            return null;
        }
        if (owner instanceof Map<?, ?> m) {
            if (DICT_METHODS.contains(name)) return bound(name, (args, kw) -> dictMethod(m, name, args, kw));
            if (DICT_UNSAFE.contains(name))
                throw new Fail("dict." + name + " is not available in the immutable sandbox chat templates run in");
            return null;
        }
        if (owner instanceof List<?> || owner instanceof Tuple) {
            List<Object> items = Values.sequence(owner);
            if (LIST_METHODS.contains(name)) return bound(name, (args, kw) -> {
                Object x = arg(args, 0, name);
                if (name.equals("count")) return items.stream().filter(o -> Values.eq(o, x)).count();
                for (int i = 0; i < items.size(); i++) if (Values.eq(items.get(i), x)) return (long) i;
                throw new Fail(Values.repr(x) + " is not in list");
            });
            if (LIST_UNSAFE.contains(name))
                throw new Fail("list." + name + " is not available in the immutable sandbox chat templates run in");
            return null;
        }
        return null;
    }

    interface Body {
        Object call(List<Object> args, Map<String, Object> kw);
    }

    private static Fn bound(String name, Body body) {
        return new Fn() {
            @Override public String name() { return name; }

            @Override public Object call(List<Object> args, Map<String, Object> kwargs) { return body.call(args, kwargs); }
        };
    }

    static Object loopAttribute(Loop l, String name) {
        int n = l.items.size();
        return switch (name) {
            case "index" -> (long) l.index0 + 1;
            case "index0" -> (long) l.index0;
            case "revindex" -> (long) (n - l.index0);
            case "revindex0" -> (long) (n - l.index0 - 1);
            case "first" -> l.index0 == 0;
            case "last" -> l.index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> (long) l.depth0 + 1;
            case "depth0" -> (long) l.depth0;
            case "previtem" -> l.index0 > 0 ? l.items.get(l.index0 - 1) : new Undefined("there is no previous item");
            case "nextitem" -> l.index0 < n - 1 ? l.items.get(l.index0 + 1) : new Undefined("there is no next item");
            case "cycle" -> bound("cycle", (args, kw) -> {
                if (args.isEmpty()) throw new Fail("no items for cycling given");
                return args.get(l.index0 % args.size());
            });
            case "changed" -> throw new Fail("loop.changed() is not supported by this chat-template interpreter");
            default -> Undefined.attribute(l, Str.markup(name));
        };
    }

    private static Object dictMethod(Map<?, ?> m, String name, List<Object> args, Map<String, Object> kw) {
        switch (name) {
            case "items" -> {
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(new Tuple(List.of(Values.keyValue(e.getKey()), e.getValue())));
                return out;
            }
            case "keys" -> {
                List<Object> out = new ArrayList<>();
                for (Object k : m.keySet()) out.add(Values.keyValue(k));
                return out;
            }
            case "values" -> { return new ArrayList<>(m.values()); }
            default -> {
                Object[] a = bind("get", args, kw, new String[] { "key", "default" }, new Object[] { REQUIRED, null });
                Object k = Values.key(a[0]);
                return m.containsKey(k) ? m.get(k) : a[1];
            }
        }
    }

    private static Object strMethod(Str s, String name, List<Object> args, Map<String, Object> kw) {
        String t = s.text;
        switch (name) {
            case "strip", "lstrip", "rstrip" -> {
                Object[] a = bind(name, args, kw, new String[] { "chars" }, new Object[] { null });
                if (a[0] != null && !(a[0] instanceof Str)) throw new Fail(name + " arg must be None or str");
                return strip(s, a[0], !name.equals("rstrip"), !name.equals("lstrip"));
            }
            case "split", "rsplit" -> {
                Object[] a = bind(name, args, kw, new String[] { "sep", "maxsplit" }, new Object[] { null, -1L });
                return split(s, a[0] == null ? null : Values.str(a[0]), Values.asLong(a[1]), name.equals("rsplit"));
            }
            case "splitlines" -> {
                Object[] a = bind(name, args, kw, new String[] { "keepends" }, new Object[] { false });
                List<Object> out = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < t.length(); i++) {
                    char c = t.charAt(i);
                    boolean crlf = c == '\r' && i + 1 < t.length() && t.charAt(i + 1) == '\n';
                    if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
                            || c == 0x2028 || c == 0x2029) {
                        int end = crlf ? i + 2 : i + 1;
                        out.add(s.sub(start, Values.truthy(a[0]) ? end : i));
                        start = end;
                        i = end - 1;
                    }
                }
                if (start < t.length()) out.add(s.sub(start, t.length()));
                return out;
            }
            case "startswith", "endswith" -> {
                Object p = arg(args, 0, name);
                if (args.size() > 1 || !kw.isEmpty()) throw new Fail("str." + name + "() with start/end is not supported");
                List<Object> options = p instanceof Tuple tu ? tu.items() : List.of(p);
                for (Object o : options) {
                    if (!(o instanceof Str x)) throw new Fail(name + " first arg must be str or a tuple of str, not " + Values.typeName(o));
                    if (name.equals("startswith") ? t.startsWith(x.text) : t.endsWith(x.text)) return true;
                }
                return false;
            }
            case "upper" -> { return Str.derived(t.toUpperCase(Locale.ROOT), s); }
            case "lower" -> { return Str.derived(t.toLowerCase(Locale.ROOT), s); }
            case "title" -> { return Str.derived(pyTitle(t), s); }
            case "capitalize" -> { return Str.derived(capitalize(t), s); }
            case "replace" -> {
                Object[] a = bind(name, args, kw, new String[] { "old", "new", "count" }, new Object[] { REQUIRED, REQUIRED, -1L });
                return replace(s, Values.str(a[0]), Values.str(a[1]), Values.asLong(a[2]));
            }
            case "find", "rfind", "index", "rindex", "count" -> {
                if (args.size() != 1 || !kw.isEmpty()) throw new Fail("str." + name + "() takes exactly one argument here");
                if (!(args.get(0) instanceof Str x)) throw new Fail("must be str, not " + Values.typeName(args.get(0)));
                if (name.equals("count")) {
                    if (x.text.isEmpty()) return (long) s.pyLength() + 1;
                    long c = 0;
                    for (int at = t.indexOf(x.text); at >= 0; at = t.indexOf(x.text, at + x.text.length())) c++;
                    return c;
                }
                int at = name.startsWith("r") ? t.lastIndexOf(x.text) : t.indexOf(x.text);
                if (at < 0 && name.contains("index")) throw new Fail("substring not found");
                return at < 0 ? -1L : (long) t.codePointCount(0, at);
            }
            case "join" -> { return join(s, Values.iterate(arg(args, 0, "join"))); }
            case "removeprefix" -> {
                Str p = Values.str(arg(args, 0, name));
                return t.startsWith(p.text) ? s.sub(p.text.length(), t.length()) : s;
            }
            case "removesuffix" -> {
                Str p = Values.str(arg(args, 0, name));
                return !p.text.isEmpty() && t.endsWith(p.text) ? s.sub(0, t.length() - p.text.length()) : s;
            }
            default -> {                                                 // isdigit, isalpha, ...
                if (t.isEmpty()) return false;
                boolean cased = false;
                for (int i = 0; i < t.length(); ) {
                    int c = t.codePointAt(i);
                    i += Character.charCount(c);
                    boolean ok = switch (name) {
                        case "isdigit" -> Character.isDigit(c);
                        case "isalpha" -> Character.isLetter(c);
                        case "isalnum" -> Character.isLetterOrDigit(c);
                        case "isspace" -> Lexer.isSpace(c);
                        case "isupper" -> !Character.isLowerCase(c);
                        default -> !Character.isUpperCase(c);             // islower
                    };
                    if (!ok) return false;
                    if (Character.isUpperCase(c) || Character.isLowerCase(c)) cased = true;
                }
                return name.equals("isupper") || name.equals("islower") ? cased : true;
            }
        }
    }

    /** Python's {@code split}/{@code rsplit}: on runs of whitespace without a separator, exactly on {@code sep} with one. */
    static List<Object> split(Str s, Str sep, long maxsplit, boolean fromRight) {
        String t = s.text;
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            List<int[]> words = new ArrayList<>();
            int i = 0;
            while (i < t.length()) {
                while (i < t.length() && Lexer.isSpace(t.codePointAt(i))) i += Character.charCount(t.codePointAt(i));
                if (i >= t.length()) break;
                int a = i;
                while (i < t.length() && !Lexer.isSpace(t.codePointAt(i))) i += Character.charCount(t.codePointAt(i));
                words.add(new int[] { a, i });
            }
            if (maxsplit < 0 || maxsplit >= words.size() - 1) {
                for (int[] w : words) out.add(s.sub(w[0], w[1]));
                return out;
            }
            int k = (int) maxsplit;
            if (!fromRight) {
                for (int w = 0; w < k; w++) out.add(s.sub(words.get(w)[0], words.get(w)[1]));
                Str rest = s.sub(words.get(k)[0], t.length());
                out.add(strip(rest, null, false, true));
            } else {
                int first = words.size() - k;
                Str rest = s.sub(0, words.get(first - 1)[1]);
                out.add(strip(rest, null, true, false));
                for (int w = first; w < words.size(); w++) out.add(s.sub(words.get(w)[0], words.get(w)[1]));
            }
            return out;
        }
        String p = sep.text;
        if (p.isEmpty()) throw new Fail("empty separator");
        List<Integer> cuts = new ArrayList<>();
        if (!fromRight) {
            for (int at = t.indexOf(p); at >= 0 && (maxsplit < 0 || cuts.size() < maxsplit); at = t.indexOf(p, at + p.length())) cuts.add(at);
        } else {
            for (int at = t.lastIndexOf(p); at >= 0 && (maxsplit < 0 || cuts.size() < maxsplit); at = at - p.length() < 0 ? -1 : t.lastIndexOf(p, at - p.length()))
                cuts.add(0, at);
        }
        int from = 0;
        for (int at : cuts) {
            out.add(s.sub(from, at));
            from = at + p.length();
        }
        out.add(s.sub(from, t.length()));
        return out;
    }

    // ---- globals -----------------------------------------------------------------------------------------

    static Map<String, Object> globals() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("range", bound("range", (args, kw) -> {
            if (!kw.isEmpty() || args.isEmpty() || args.size() > 3) throw new Fail("range expected 1 to 3 integer arguments");
            long start = 0, stop, step = 1;
            if (args.size() == 1) stop = Values.asLong(args.get(0));
            else {
                start = Values.asLong(args.get(0));
                stop = Values.asLong(args.get(1));
                if (args.size() == 3) step = Values.asLong(args.get(2));
            }
            if (step == 0) throw new Fail("range() arg 3 must not be zero");
            long n = step > 0 ? Math.max(0, ceilDiv(stop - start, step)) : Math.max(0, ceilDiv(start - stop, -step));
            if (n > Interpreter.MAX_RANGE) throw new Fail("range of " + n + " items exceeds the " + Interpreter.MAX_RANGE + " allowed");
            List<Object> out = new ArrayList<>((int) n);
            for (long k = 0; k < n; k++) out.add(start + k * step);
            return out;
        }));
        g.put("namespace", bound("namespace", (args, kw) -> {
            Namespace ns = new Namespace();
            if (args.size() > 1) throw new Fail("namespace() takes at most one positional argument");
            if (args.size() == 1) {
                if (!(args.get(0) instanceof Map<?, ?> m)) throw new Fail("namespace() positional argument must be a dict");
                for (Map.Entry<?, ?> e : m.entrySet()) ns.attrs.put(String.valueOf(e.getKey()), e.getValue());
            }
            ns.attrs.putAll(kw);
            return ns;
        }));
        g.put("dict", bound("dict", (args, kw) -> {
            if (!args.isEmpty()) throw new Fail("dict() with positional arguments is not supported");
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : kw.entrySet()) m.put(e.getKey(), e.getValue());
            return m;
        }));
        g.put("raise_exception", bound("raise_exception", (args, kw) -> {
            throw new Raised(args.isEmpty() ? "" : Values.str(args.get(0)).text);
        }));
        return g;
    }

    private static long ceilDiv(long a, long b) { return -Math.floorDiv(-a, b); }

    /** A template's own {@code raise_exception(message)}. */
    static final class Raised extends RuntimeException {
        Raised(String message) { super(message, null, false, false); }
    }

    /** Names of Jinja globals that are deliberately absent (a call gives a clear error). */
    static final Set<String> UNSUPPORTED_GLOBALS = Set.of("strftime_now", "lipsum", "cycler", "joiner");
}
