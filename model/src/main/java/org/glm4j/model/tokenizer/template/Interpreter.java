package org.glm4j.model.tokenizer.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glm4j.model.tokenizer.template.Node.*;
import org.glm4j.model.tokenizer.template.Values.Fail;
import org.glm4j.model.tokenizer.template.Values.Fn;
import org.glm4j.model.tokenizer.template.Values.Loop;
import org.glm4j.model.tokenizer.template.Values.Namespace;
import org.glm4j.model.tokenizer.template.Values.Tuple;
import org.glm4j.model.tokenizer.template.Values.Undefined;

/**
 * Renders a parsed template with Jinja2's semantics in transformers' sandbox: scopes (a for-loop body is a new
 * scope each iteration, {@code if} is not, macros see the template's top level), Python's operators and truth,
 * undefined values that print as nothing and fail when used further. One instance per render; bounded in
 * evaluation steps, output size, macro call depth and list sizes.
 */
final class Interpreter {
    /** Most characters one render (or one captured block) may produce. */
    static final long MAX_OUTPUT = 4_000_000;
    /** Most statements and expressions one render may evaluate. */
    static final long MAX_STEPS = 5_000_000;
    /** Deepest macro call nesting. */
    static final int MAX_CALL_DEPTH = 20;
    /** Largest {@code range()} or repeated list. */
    static final long MAX_RANGE = 100_000;

    private enum Flow { NORMAL, BREAK, CONTINUE }

    private static final class Frame {
        final Frame parent;
        final Map<String, Object> vars = new HashMap<>();

        Frame(Frame parent) { this.parent = parent; }

        Object lookup(String name) {
            for (Frame f = this; f != null; f = f.parent) if (f.vars.containsKey(name)) return f.vars.get(name);
            return MISSING;
        }
    }

    private static final Object MISSING = new Object();

    private final Source src;
    private final Frame root = new Frame(null);
    private long steps;
    private int callDepth, loopDepth;

    Interpreter(Source src, Map<String, ?> variables) {
        this.src = src;
        root.vars.putAll(Builtins.globals());
        for (Map.Entry<String, ?> e : variables.entrySet()) root.vars.put(e.getKey(), Values.fromJava(e.getValue()));
    }

    Str render(List<Stmt> body) {
        Str.Builder out = new Str.Builder(MAX_OUTPUT);
        try {
            Flow f = exec(body, root, out);
            if (f != Flow.NORMAL) throw new TemplateException(src.name + ": 'break' or 'continue' outside a loop");
        } catch (StackOverflowError deep) {
            throw new TemplateException(src.name + ": template nests too deeply to render");
        }
        return out.build();
    }

    private void step(int pos) {
        if (++steps > MAX_STEPS)
            throw src.error(pos, "rendering took more than " + MAX_STEPS + " steps (a loop that does not end, or input far too large)");
    }

    private TemplateException fail(int pos, RuntimeException e) {
        if (e instanceof Builtins.Raised r) return src.error(pos, "the template raised an exception: " + r.getMessage());
        return src.error(pos, e.getMessage());
    }

    // ---- statements --------------------------------------------------------------------------------------

    private Flow exec(List<Stmt> body, Frame f, Str.Builder out) {
        for (Stmt s : body) {
            step(s.pos());
            Flow flow = exec(s, f, out);
            if (flow != Flow.NORMAL) return flow;
        }
        return Flow.NORMAL;
    }

    private Flow exec(Stmt s, Frame f, Str.Builder out) {
        try {
            switch (s) {
                case Text t -> out.append(t.text());
                case Print p -> out.append(Values.str(eval(p.value(), f)));
                case If i -> {
                    for (int k = 0; k < i.tests().size(); k++)
                        if (Values.truthy(eval(i.tests().get(k), f))) return exec(i.bodies().get(k), f, out);
                    return exec(i.orElse(), f, out);
                }
                case For l -> { return loop(l, f, out); }
                case Assign a -> assign(a.target(), eval(a.value(), f), f);
                case AssignBlock a -> {
                    Str.Builder captured = new Str.Builder(MAX_OUTPUT);
                    Flow flow = exec(a.body(), new Frame(f), captured);
                    if (flow != Flow.NORMAL) throw src.error(a.pos(), "'break' or 'continue' inside a set block");
                    Object v = captured.build();
                    for (Filter fl : a.filters()) v = applyFilter(fl, v, f);
                    assign(a.target(), v, f);
                }
                case Macro m -> f.vars.put(m.name(), new MacroFn(m, f));
                case Break b -> {
                    if (loopDepth == 0) throw src.error(b.pos(), "'break' outside a loop");
                    return Flow.BREAK;
                }
                case Continue c -> {
                    if (loopDepth == 0) throw src.error(c.pos(), "'continue' outside a loop");
                    return Flow.CONTINUE;
                }
                case Generation g -> { return exec(g.body(), f, out); }
            }
        } catch (Fail | Builtins.Raised e) {
            throw fail(s.pos(), e);
        }
        return Flow.NORMAL;
    }

    private Flow loop(For l, Frame f, Str.Builder out) {
        List<Object> items = new ArrayList<>(Values.iterate(eval(l.iterable(), f)));
        if (l.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                step(l.pos());
                Frame probe = new Frame(f);
                assign(l.target(), item, probe);
                if (Values.truthy(eval(l.filter(), probe))) kept.add(item);
            }
            items = kept;
        }
        if (items.isEmpty()) return exec(l.orElse(), new Frame(f), out);
        Loop state = new Loop(items, 0);                                // depth counts recursion, which is not supported
        loopDepth++;
        try {
            for (int k = 0; k < items.size(); k++) {
                step(l.pos());
                Frame body = new Frame(f);
                state.index0 = k;
                body.vars.put("loop", state);
                assign(l.target(), items.get(k), body);
                if (exec(l.body(), body, out) == Flow.BREAK) break;
            }
        } finally {
            loopDepth--;
        }
        return Flow.NORMAL;
    }

    private void assign(Target t, Object v, Frame f) {
        switch (t) {
            case NameTarget n -> f.vars.put(n.name(), v);
            case AttrTarget a -> {
                Object ns = f.lookup(a.object());
                if (!(ns instanceof Namespace n))
                    throw src.error(a.pos(), "cannot assign attribute '" + a.attr() + "' on a non-namespace object ("
                            + (ns == MISSING ? "'" + a.object() + "' is undefined" : Values.typeName(ns)) + ")");
                n.attrs.put(a.attr(), v);
            }
            case TupleTarget tt -> {
                if (v instanceof Undefined u) throw fail(tt.pos(), u.fail());
                List<Object> items = Values.iterate(v);
                if (items.size() != tt.items().size())
                    throw src.error(tt.pos(), (items.size() > tt.items().size() ? "too many" : "not enough")
                            + " values to unpack (expected " + tt.items().size() + ", got " + items.size() + ")");
                for (int k = 0; k < items.size(); k++) assign(tt.items().get(k), items.get(k), f);
            }
        }
    }

    /** A template macro: a new scope over the scope it was defined in, its output as the return value. */
    private final class MacroFn implements Fn {
        final Macro m;
        final Frame defined;

        MacroFn(Macro m, Frame defined) {
            this.m = m;
            this.defined = defined;
        }

        @Override public String name() { return m.name(); }

        @Override public Object call(List<Object> args, Map<String, Object> kwargs) {
            List<String> params = m.params();
            if (args.size() > params.size())
                throw new Fail("macro '" + m.name() + "' takes not more than " + params.size() + " argument(s)");
            if (++callDepth > MAX_CALL_DEPTH) {
                callDepth--;
                throw new Fail("macro calls nest deeper than " + MAX_CALL_DEPTH);
            }
            int savedLoops = loopDepth;
            loopDepth = 0;
            try {
                Frame frame = new Frame(defined);
                for (String k : kwargs.keySet())
                    if (!params.contains(k)) throw new Fail("macro '" + m.name() + "' takes no keyword argument '" + k + "'");
                int firstDefault = params.size() - m.defaults().size();
                for (int k = 0; k < params.size(); k++) {
                    String p = params.get(k);
                    if (k < args.size()) {
                        if (kwargs.containsKey(p)) throw new Fail("macro '" + m.name() + "' got multiple values for argument '" + p + "'");
                        frame.vars.put(p, args.get(k));
                    } else if (kwargs.containsKey(p)) {
                        frame.vars.put(p, kwargs.get(p));
                    } else if (k >= firstDefault) {
                        frame.vars.put(p, eval(m.defaults().get(k - firstDefault), frame));
                    } else {
                        frame.vars.put(p, new Undefined("parameter '" + p + "' was not provided"));
                    }
                }
                Str.Builder out = new Str.Builder(MAX_OUTPUT);
                exec(m.body(), frame, out);
                return out.build();
            } finally {
                loopDepth = savedLoops;
                callDepth--;
            }
        }
    }

    // ---- expressions -------------------------------------------------------------------------------------

    Object eval(Expr e, Frame f) {
        step(e.pos());
        try {
            return evalInner(e, f);
        } catch (Fail | Builtins.Raised x) {
            throw fail(e.pos(), x);
        }
    }

    private Object evalInner(Expr e, Frame f) {
        switch (e) {
            case Const c -> { return c.value(); }
            case Name n -> {
                Object v = f.lookup(n.name());
                if (v != MISSING) return v;
                if (Builtins.UNSUPPORTED_GLOBALS.contains(n.name())) return unsupportedGlobal(n.name());
                return Undefined.named(n.name());
            }
            case Attr a -> { return getattr(eval(a.object(), f), a.name()); }
            case Item it -> {
                Object obj = eval(it.object(), f);
                if (it.key() instanceof Slice sl) return slice(obj, sl, f);
                return getitem(obj, eval(it.key(), f));
            }
            case Slice sl -> throw new Fail("a slice is only allowed inside []");
            case ListLit l -> {
                List<Object> out = new ArrayList<>(l.items().size());
                for (Expr x : l.items()) out.add(eval(x, f));
                return out;
            }
            case TupleLit t -> {
                List<Object> out = new ArrayList<>(t.items().size());
                for (Expr x : t.items()) out.add(eval(x, f));
                return new Tuple(List.copyOf(out));
            }
            case DictLit d -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int k = 0; k < d.keys().size(); k++) out.put(Values.key(eval(d.keys().get(k), f)), eval(d.values().get(k), f));
                return out;
            }
            case Call c -> {
                Object fn = eval(c.function(), f);
                List<Object> args = new ArrayList<>();
                for (Expr x : c.args().positional()) args.add(eval(x, f));
                Map<String, Object> kw = new LinkedHashMap<>();
                for (int k = 0; k < c.args().names().size(); k++) kw.put(c.args().names().get(k), eval(c.args().named().get(k), f));
                if (fn instanceof Fn callable) return callable.call(args, kw);
                if (fn instanceof Undefined u) throw u.fail();
                throw new Fail("'" + Values.typeName(fn) + "' object is not callable");
            }
            case Filter fl -> { return applyFilter(fl, eval(fl.value(), f), f); }
            case Test t -> {
                Object v = eval(t.value(), f);
                List<Object> args = new ArrayList<>();
                for (Expr x : t.args().positional()) args.add(eval(x, f));
                if (!t.args().names().isEmpty()) throw new Fail("keyword arguments to tests are not supported");
                return Builtins.test(t.name(), v, args) != t.negated();
            }
            case Unary u -> {
                Object v = eval(u.operand(), f);
                return switch (u.op()) {
                    case "not" -> !Values.truthy(v);
                    case "-" -> negate(v);
                    default -> {
                        if (!Values.isNumber(v)) throw new Fail("bad operand type for unary +: '" + Values.typeName(v) + "'");
                        yield v instanceof Boolean ? Values.asLong(v) : v;
                    }
                };
            }
            case Binary b -> {
                if (b.op().equals("and")) {
                    Object l = eval(b.left(), f);
                    return Values.truthy(l) ? eval(b.right(), f) : l;
                }
                if (b.op().equals("or")) {
                    Object l = eval(b.left(), f);
                    return Values.truthy(l) ? l : eval(b.right(), f);
                }
                return arith(b.op(), eval(b.left(), f), eval(b.right(), f));
            }
            case Concat c -> {
                Str.Builder out = new Str.Builder(MAX_OUTPUT);
                for (Expr x : c.parts()) out.append(Values.str(eval(x, f)));
                return out.build();
            }
            case Compare c -> {
                Object left = eval(c.first(), f);
                for (int k = 0; k < c.ops().size(); k++) {
                    Object right = eval(c.operands().get(k), f);
                    if (!compare(c.ops().get(k), left, right)) return false;
                    left = right;
                }
                return true;
            }
            case Cond c -> {
                if (Values.truthy(eval(c.test(), f))) return eval(c.then(), f);
                if (c.otherwise() != null) return eval(c.otherwise(), f);
                return new Undefined("the inline if-expression at " + src.where(c.pos()) + " evaluated to false and has no else section");
            }
        }
    }

    private Object applyFilter(Filter fl, Object value, Frame f) {
        List<Object> args = new ArrayList<>();
        for (Expr x : fl.args().positional()) args.add(eval(x, f));
        Map<String, Object> kw = new LinkedHashMap<>();
        for (int k = 0; k < fl.args().names().size(); k++) kw.put(fl.args().names().get(k), eval(fl.args().named().get(k), f));
        try {
            return Builtins.filter(this, fl.name(), value, args, kw);
        } catch (Fail x) {
            throw src.error(fl.pos(), x.getMessage() + " (in the '" + fl.name() + "' filter)");
        }
    }

    private static Fn unsupportedGlobal(String name) {
        return new Fn() {
            @Override public String name() { return name; }

            @Override public Object call(List<Object> args, Map<String, Object> kwargs) {
                throw new Fail(name + "() is not supported by this chat-template interpreter"
                        + (name.equals("strftime_now") ? " (it would make the prompt depend on the clock)" : ""));
            }
        };
    }

    private static boolean compare(String op, Object l, Object r) {
        return switch (op) {
            case "==" -> Values.eq(l, r);
            case "!=" -> !Values.eq(l, r);
            case "<" -> Values.compare(l, r, op) < 0;
            case "<=" -> Values.compare(l, r, op) <= 0;
            case ">" -> Values.compare(l, r, op) > 0;
            case ">=" -> Values.compare(l, r, op) >= 0;
            case "in" -> Values.contains(r, l);
            default -> !Values.contains(r, l);                           // not in
        };
    }

    private static Object negate(Object v) {
        if (v instanceof Double d) return -d;
        if (Values.isInt(v)) {
            long l = Values.asLong(v);
            if (l == Long.MIN_VALUE) throw new Fail("integer overflow");
            return -l;
        }
        if (v instanceof Undefined u) throw u.fail();
        throw new Fail("bad operand type for unary -: '" + Values.typeName(v) + "'");
    }

    /** Python's arithmetic on numbers, and {@code +}/{@code *} on strings and lists. */
    static Object arith(String op, Object a, Object b) {
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        if (Values.isNumber(a) && Values.isNumber(b)) {
            if (Values.isInt(a) && Values.isInt(b)) {
                long x = Values.asLong(a), y = Values.asLong(b);
                try {
                    return switch (op) {
                        case "+" -> Math.addExact(x, y);
                        case "-" -> Math.subtractExact(x, y);
                        case "*" -> Math.multiplyExact(x, y);
                        case "/" -> {
                            if (y == 0) throw new Fail("division by zero");
                            yield (double) x / (double) y;
                        }
                        case "//" -> {
                            if (y == 0) throw new Fail("integer division or modulo by zero");
                            yield Math.floorDiv(x, y);
                        }
                        case "%" -> {
                            if (y == 0) throw new Fail("integer division or modulo by zero");
                            yield Math.floorMod(x, y);
                        }
                        default -> {                                     // **
                            if (y < 0) yield Math.pow(x, y);
                            if (y == 0 || x == 1) yield 1L;
                            if (x == 0) yield 0L;
                            if (x == -1) yield y % 2 == 0 ? 1L : -1L;
                            long r = 1;
                            for (long k = 0; k < y; k++) r = Math.multiplyExact(r, x);   // overflows within 63 steps
                            yield r;
                        }
                    };
                } catch (ArithmeticException overflow) {
                    throw new Fail("integer overflow (this interpreter has 64-bit integers)");
                }
            }
            double x = Values.asDouble(a), y = Values.asDouble(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "/" -> {
                    if (y == 0) throw new Fail("float division by zero");
                    yield x / y;
                }
                case "//" -> {
                    if (y == 0) throw new Fail("float floor division by zero");
                    yield Math.floor(x / y);
                }
                case "%" -> {
                    if (y == 0) throw new Fail("float modulo");
                    double m = x % y;
                    yield m != 0 && (m < 0) != (y < 0) ? m + y : m;
                }
                default -> Math.pow(x, y);
            };
        }
        if (op.equals("+")) {
            if (a instanceof Str x && b instanceof Str y) {
                if ((long) x.length() + y.length() > MAX_OUTPUT) throw new Fail("string longer than " + MAX_OUTPUT + " characters");
                return x.concat(y);
            }
            if (a instanceof List<?> x && b instanceof List<?> y) {
                if ((long) x.size() + y.size() > MAX_RANGE) throw new Fail("list longer than " + MAX_RANGE + " items");
                List<Object> out = new ArrayList<>(x);
                out.addAll(y);
                return out;
            }
            if (a instanceof Tuple x && b instanceof Tuple y) {
                List<Object> out = new ArrayList<>(x.items());
                out.addAll(y.items());
                return new Tuple(List.copyOf(out));
            }
            if (a instanceof Str) throw new Fail("can only concatenate str (not \"" + Values.typeName(b) + "\") to str");
            if (a instanceof List) throw new Fail("can only concatenate list (not \"" + Values.typeName(b) + "\") to list");
        }
        if (op.equals("*") && (Values.isInt(a) || Values.isInt(b))) {
            Object seq = Values.isInt(a) ? b : a;
            long n = Math.max(0, Values.asLong(Values.isInt(a) ? a : b));
            if (seq instanceof Str s) {
                if (n * s.length() > MAX_OUTPUT) throw new Fail("string longer than " + MAX_OUTPUT + " characters");
                Str out = Str.EMPTY;
                for (long k = 0; k < n; k++) out = out.concat(s);
                return out;
            }
            List<Object> items = Values.sequence(seq);
            if (items != null) {
                if (n * items.size() > MAX_RANGE) throw new Fail("list longer than " + MAX_RANGE + " items");
                List<Object> out = new ArrayList<>();
                for (long k = 0; k < n; k++) out.addAll(items);
                return seq instanceof Tuple ? new Tuple(List.copyOf(out)) : out;
            }
        }
        if (op.equals("%") && a instanceof Str) throw new Fail("printf-style string formatting ('%') is not supported by this chat-template interpreter");
        throw new Fail("unsupported operand type(s) for " + op + ": '" + Values.typeName(a) + "' and '" + Values.typeName(b) + "'");
    }

    /** The sandbox's {@code getattr}: a Python attribute (method) first, then the item of that name. */
    Object getattr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.fail();
        if (obj instanceof Namespace n) return n.attrs.containsKey(name) ? n.attrs.get(name) : Undefined.attribute(obj, Str.markup(name));
        if (obj instanceof Loop l) return Builtins.loopAttribute(l, name);
        Object m = Builtins.method(obj, name);
        if (m != null) return m;
        if (obj instanceof Map<?, ?> map) {
            Object k = name;
            return map.containsKey(k) ? map.get(k) : Undefined.attribute(obj, Str.markup(name));
        }
        return Undefined.attribute(obj, Str.markup(name));
    }

    /** The sandbox's {@code getitem}: the item first, then (for a string key) the attribute of that name. */
    Object getitem(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.fail();
        if (obj instanceof Map<?, ?> map) {
            if (!(key instanceof List || key instanceof Map || key instanceof Tuple)) {
                Object k = Values.key(key);
                if (map.containsKey(k)) return map.get(k);
            }
        } else if ((obj instanceof Str || obj instanceof List || obj instanceof Tuple) && Values.isInt(key)) {
            long idx = Values.asLong(key);
            long n = Values.len(obj);
            if (idx < 0) idx += n;
            if (idx >= 0 && idx < n) {
                if (obj instanceof Str s) {
                    int from = s.text.offsetByCodePoints(0, (int) idx);
                    return s.sub(from, from + Character.charCount(s.text.codePointAt(from)));
                }
                return Values.sequence(obj).get((int) idx);
            }
        }
        if (key instanceof Str s) {
            if (obj instanceof Namespace || obj instanceof Loop) return getattr(obj, s.text);
            Object m = Builtins.method(obj, s.text);
            if (m != null) return m;
        }
        return Undefined.attribute(obj, key);
    }

    /** {@code attribute} of {@code o} as Jinja's {@code make_attrgetter}: dotted path, digits as indices, by item. */
    Object attribute(Object o, Object attribute) {
        if (Values.isInt(attribute)) return getitem(o, attribute);
        for (String part : Values.str(attribute).text.split("\\.", -1)) {
            Object key = !part.isEmpty() && part.chars().allMatch(ch -> ch >= '0' && ch <= '9') ? (Object) Long.parseLong(part) : Str.markup(part);
            o = getitem(o, key);
        }
        return o;
    }

    private Object slice(Object obj, Slice sl, Frame f) {
        if (obj instanceof Undefined u) throw u.fail();
        Object start = sl.start() == null ? null : eval(sl.start(), f);
        Object stop = sl.stop() == null ? null : eval(sl.stop(), f);
        Object stepV = sl.step() == null ? null : eval(sl.step(), f);
        long n;
        if (obj instanceof Str || obj instanceof List || obj instanceof Tuple) n = Values.len(obj);
        else throw new Fail("'" + Values.typeName(obj) + "' object is not subscriptable with a slice");
        long step = stepV == null ? 1 : Values.asLong(stepV);
        if (step == 0) throw new Fail("slice step cannot be zero");
        long lo, hi;
        if (step > 0) {
            lo = start == null ? 0 : clamp(Values.asLong(start), n, 0, n);
            hi = stop == null ? n : clamp(Values.asLong(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(Values.asLong(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(Values.asLong(stop), n, -1, n - 1);
        }
        List<Long> idx = new ArrayList<>();
        if (step > 0) for (long k = lo; k < hi; k += step) idx.add(k);
        else for (long k = lo; k > hi; k += step) idx.add(k);
        if (obj instanceof Str s) {
            int[] offsets = new int[(int) n + 1];
            for (int k = 0, o = 0; k < n; k++) {
                offsets[k] = o;
                o += Character.charCount(s.text.codePointAt(o));
                offsets[k + 1] = o;
            }
            if (step == 1) return s.sub(offsets[(int) lo], offsets[(int) Math.max(lo, hi)]);
            Str.Builder b = new Str.Builder(MAX_OUTPUT);
            for (long k : idx) b.append(s.sub(offsets[(int) k], offsets[(int) k + 1]));
            return b.build();
        }
        List<Object> items = Values.sequence(obj), out = new ArrayList<>();
        for (long k : idx) out.add(items.get((int) k));
        return obj instanceof Tuple ? new Tuple(List.copyOf(out)) : out;
    }

    /** Python's slice index adjustment: negative from the end, then clamped to {@code [lo, hi]}. */
    private static long clamp(long i, long n, long lo, long hi) {
        if (i < 0) i += n;
        return Math.max(lo, Math.min(hi, i));
    }
}
