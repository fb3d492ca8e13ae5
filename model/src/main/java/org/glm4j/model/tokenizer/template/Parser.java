package org.glm4j.model.tokenizer.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.glm4j.model.tokenizer.template.Lexer.Kind;
import org.glm4j.model.tokenizer.template.Lexer.Tok;
import org.glm4j.model.tokenizer.template.Node.*;

/**
 * Jinja2's parser (3.1) for the statements chat templates use: {@code for} (with {@code if} filter and
 * {@code else}), {@code if}/{@code elif}/{@code else}, {@code set} (names, tuples, namespace attributes, blocks),
 * {@code macro}, {@code break}/{@code continue}, {@code raw}, comments, and transformers' {@code generation} block.
 * Expressions follow Jinja's precedence exactly. Anything else is a {@link TemplateException} naming the construct
 * and where it is: unknown or unsupported tags, filters and tests are rejected here, before anything renders.
 */
final class Parser {
    /** Deepest expression nesting accepted (so a hostile template cannot overflow the stack). */
    static final int MAX_EXPRESSION_DEPTH = 100;
    /** Deepest block nesting accepted. */
    static final int MAX_BLOCK_DEPTH = 50;

    private static final Set<String> UNSUPPORTED_TAGS = Set.of("include", "import", "from", "extends", "block", "call",
            "filter", "with", "autoescape", "do", "trans", "pluralize", "endtrans", "debug");

    private final Source src;
    private final List<Tok> toks;
    private int i;
    private int exprDepth, blockDepth;

    private Parser(Source src, List<Tok> toks) {
        this.src = src;
        this.toks = toks;
    }

    static List<Stmt> parse(Source src) {
        Parser p = new Parser(src, Lexer.tokenize(src));
        List<Stmt> body = p.subparse(Set.of());
        if (p.cur().kind() != Kind.EOF) throw p.err(p.cur(), "unexpected " + p.cur().describe());
        return body;
    }

    private Tok cur() { return toks.get(i); }

    private Tok look() { return toks.get(Math.min(i + 1, toks.size() - 1)); }

    private Tok next() { return toks.get(i++); }

    private TemplateException err(Tok t, String message) { return src.error(t.pos(), message); }

    private Tok expect(Kind k, String text) {
        Tok t = cur();
        if (t.kind() != k || (text != null && !t.text().equals(text))) {
            String want = text != null ? "'" + text + "'" : k == Kind.NAME ? "a name" : k.name().toLowerCase();
            if (t.kind() == Kind.EOF) throw err(t, "unexpected end of template, expected " + want);
            throw err(t, "expected " + want + ", got " + t.describe());
        }
        return next();
    }

    private Tok expectOp(String op) { return expect(Kind.OP, op); }

    private boolean skipOp(String op) {
        if (cur().isOp(op)) { i++; return true; }
        return false;
    }

    private boolean skipName(String n) {
        if (cur().isName(n)) { i++; return true; }
        return false;
    }

    /** Statements up to a block whose tag is one of {@code ends} (left current) or the end of the template. */
    private List<Stmt> subparse(Set<String> ends) {
        if (++blockDepth > MAX_BLOCK_DEPTH) throw err(cur(), "blocks nest deeper than " + MAX_BLOCK_DEPTH);
        List<Stmt> body = new ArrayList<>();
        while (cur().kind() != Kind.EOF) {
            Tok t = cur();
            switch (t.kind()) {
                case DATA -> {
                    next();
                    body.add(new Text(Str.markup(t.text()), t.pos()));
                }
                case VAR_BEGIN -> {
                    next();
                    Expr e = parseTuple(false, true, Set.of(), false);
                    body.add(new Print(e, t.pos()));
                    expect(Kind.VAR_END, null);
                }
                case BLOCK_BEGIN -> {
                    next();
                    if (cur().kind() == Kind.NAME && ends.contains(cur().text())) {
                        blockDepth--;
                        return body;
                    }
                    body.add(statement());
                    expect(Kind.BLOCK_END, null);
                }
                default -> throw err(t, "unexpected " + t.describe());
            }
        }
        blockDepth--;
        return body;
    }

    private List<Stmt> statements(Set<String> ends, boolean dropNeedle) {
        skipOp(":");
        expect(Kind.BLOCK_END, null);
        List<Stmt> body = subparse(ends);
        if (cur().kind() == Kind.EOF) throw err(cur(), "unexpected end of template, expected one of " + ends);
        if (dropNeedle) next();
        return body;
    }

    private Stmt statement() {
        Tok t = cur();
        if (t.kind() != Kind.NAME) throw err(t, "tag name expected");
        return switch (t.text()) {
            case "for" -> parseFor();
            case "if" -> parseIf();
            case "set" -> parseSet();
            case "macro" -> parseMacro();
            case "break" -> { next(); yield new Break(t.pos()); }
            case "continue" -> { next(); yield new Continue(t.pos()); }
            case "generation" -> {
                next();
                yield new Generation(statements(Set.of("endgeneration"), true), t.pos());
            }
            default -> {
                if (UNSUPPORTED_TAGS.contains(t.text()))
                    throw err(t, "the '" + t.text() + "' tag is not supported by this chat-template interpreter");
                throw err(t, "unknown tag '" + t.text() + "'");
            }
        };
    }

    private Stmt parseFor() {
        Tok f = next();
        Target target = assignTarget(true, false, Set.of("in"), false);
        expect(Kind.NAME, "in");
        Expr iter = parseTuple(false, false, Set.of("recursive"), false);
        Expr filter = null;
        if (skipName("if")) filter = expression(true);
        if (cur().isName("recursive")) throw err(cur(), "recursive for loops are not supported by this chat-template interpreter");
        List<Stmt> body = statements(Set.of("endfor", "else"), false);
        List<Stmt> orElse = List.of();
        if (next().text().equals("else")) orElse = statements(Set.of("endfor"), true);
        return new For(target, iter, filter, body, orElse, f.pos());
    }

    private Stmt parseIf() {
        Tok f = next();
        List<Expr> tests = new ArrayList<>();
        List<List<Stmt>> bodies = new ArrayList<>();
        tests.add(parseTuple(false, false, Set.of(), false));
        bodies.add(statements(Set.of("elif", "else", "endif"), false));
        List<Stmt> orElse = List.of();
        while (true) {
            Tok t = next();
            if (t.text().equals("elif")) {
                tests.add(parseTuple(false, false, Set.of(), false));
                bodies.add(statements(Set.of("elif", "else", "endif"), false));
            } else {
                if (t.text().equals("else")) orElse = statements(Set.of("endif"), true);
                break;
            }
        }
        return new If(tests, bodies, orElse, f.pos());
    }

    private Stmt parseSet() {
        Tok f = next();
        Target target = assignTarget(true, false, Set.of(), true);
        if (skipOp("=")) return new Assign(target, parseTuple(false, true, Set.of(), false), f.pos());
        List<Filter> filters = new ArrayList<>();
        while (cur().isOp("|")) filters.add(filterAfterPipe(null));
        List<Stmt> body = statements(Set.of("endset"), true);
        return new AssignBlock(target, body, filters, f.pos());
    }

    private Stmt parseMacro() {
        Tok f = next();
        String name = expect(Kind.NAME, null).text();
        expectOp("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!cur().isOp(")")) {
            if (!params.isEmpty()) expectOp(",");
            Tok p = expect(Kind.NAME, null);
            if (skipOp("=")) defaults.add(expression(true));
            else if (!defaults.isEmpty()) throw err(p, "non-default argument follows default argument");
            params.add(p.text());
        }
        expectOp(")");
        List<Stmt> body = statements(Set.of("endmacro"), true);
        return new Macro(name, params, defaults, body, f.pos());
    }

    private Target assignTarget(boolean withTuple, boolean nameOnly, Set<String> extraEnds, boolean withNamespace) {
        Tok t = cur();
        if (nameOnly) return new NameTarget(expect(Kind.NAME, null).text(), t.pos());
        if (withTuple) {
            List<Target> items = new ArrayList<>();
            boolean tuple = false;
            while (true) {
                if (!items.isEmpty()) expectOp(",");
                if (tupleEnd(extraEnds)) break;
                items.add(primaryTarget(withNamespace));
                if (cur().isOp(",")) tuple = true;
                else break;
            }
            if (!tuple) {
                if (items.isEmpty()) throw err(t, "expected an assignment target, got " + cur().describe());
                return items.get(0);
            }
            return new TupleTarget(items, t.pos());
        }
        return primaryTarget(withNamespace);
    }

    private Target primaryTarget(boolean withNamespace) {
        Tok t = cur();
        if (t.kind() != Kind.NAME || Set.of("true", "false", "True", "False", "none", "None").contains(t.text()))
            throw err(t, "can't assign to " + t.describe());
        next();
        if (withNamespace && cur().isOp(".")) {
            next();
            return new AttrTarget(t.text(), expect(Kind.NAME, null).text(), t.pos());
        }
        return new NameTarget(t.text(), t.pos());
    }

    private boolean tupleEnd(Set<String> extraEnds) {
        Tok t = cur();
        return t.kind() == Kind.VAR_END || t.kind() == Kind.BLOCK_END || t.isOp(")")
                || (t.kind() == Kind.NAME && extraEnds.contains(t.text()));
    }

    /** Jinja's {@code parse_tuple}: one expression, or a tuple when commas follow. */
    private Expr parseTuple(boolean simplified, boolean withCondexpr, Set<String> extraEnds, boolean explicitParens) {
        Tok start = cur();
        List<Expr> items = new ArrayList<>();
        boolean tuple = false;
        while (true) {
            if (!items.isEmpty()) expectOp(",");
            if (tupleEnd(extraEnds)) break;
            items.add(simplified ? primary() : expression(withCondexpr));
            if (cur().isOp(",")) tuple = true;
            else break;
        }
        if (!tuple) {
            if (!items.isEmpty()) return items.get(0);
            if (!explicitParens) throw err(start, "expected an expression, got " + start.describe());
        }
        return new TupleLit(items, start.pos());
    }

    private Expr expression(boolean withCondexpr) {
        if (++exprDepth > MAX_EXPRESSION_DEPTH) throw err(cur(), "expression nests deeper than " + MAX_EXPRESSION_DEPTH);
        try {
            return withCondexpr ? condExpr() : or();
        } finally {
            exprDepth--;
        }
    }

    private Expr condExpr() {
        Expr e = or();
        while (cur().isName("if")) {
            Tok t = next();
            Expr test = or();
            Expr otherwise = skipName("else") ? condExpr() : null;
            e = new Cond(test, e, otherwise, t.pos());
        }
        return e;
    }

    private Expr or() {
        Expr l = and();
        while (cur().isName("or")) {
            Tok t = next();
            l = new Binary("or", l, and(), t.pos());
        }
        return l;
    }

    private Expr and() {
        Expr l = not();
        while (cur().isName("and")) {
            Tok t = next();
            l = new Binary("and", l, not(), t.pos());
        }
        return l;
    }

    private Expr not() {
        if (cur().isName("not")) {
            Tok t = next();
            if (++exprDepth > MAX_EXPRESSION_DEPTH) throw err(t, "expression nests deeper than " + MAX_EXPRESSION_DEPTH);
            try {
                return new Unary("not", not(), t.pos());
            } finally {
                exprDepth--;
            }
        }
        return compare();
    }

    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private Expr compare() {
        Tok start = cur();
        Expr first = math1();
        List<String> ops = new ArrayList<>();
        List<Expr> operands = new ArrayList<>();
        while (true) {
            Tok t = cur();
            if (t.kind() == Kind.OP && COMPARE_OPS.contains(t.text())) {
                next();
                ops.add(t.text());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && look().isName("in")) {
                i += 2;
                ops.add("not in");
            } else {
                break;
            }
            operands.add(math1());
        }
        return ops.isEmpty() ? first : new Compare(first, ops, operands, start.pos());
    }

    private Expr math1() {
        Expr l = concat();
        while (cur().isOp("+") || cur().isOp("-")) {
            Tok t = next();
            l = new Binary(t.text(), l, concat(), t.pos());
        }
        return l;
    }

    private Expr concat() {
        Tok start = cur();
        List<Expr> parts = new ArrayList<>();
        parts.add(math2());
        while (skipOp("~")) parts.add(math2());
        return parts.size() == 1 ? parts.get(0) : new Concat(parts, start.pos());
    }

    private Expr math2() {
        Expr l = pow();
        while (cur().isOp("*") || cur().isOp("/") || cur().isOp("//") || cur().isOp("%")) {
            Tok t = next();
            l = new Binary(t.text(), l, pow(), t.pos());
        }
        return l;
    }

    private Expr pow() {
        Expr l = unary(true);
        while (cur().isOp("**")) {
            Tok t = next();
            l = new Binary("**", l, unary(true), t.pos());
        }
        return l;
    }

    private Expr unary(boolean withFilter) {
        if (++exprDepth > MAX_EXPRESSION_DEPTH) throw err(cur(), "expression nests deeper than " + MAX_EXPRESSION_DEPTH);
        try {
            Tok t = cur();
            Expr node;
            if (t.isOp("-")) {
                next();
                node = new Unary("-", unary(false), t.pos());
            } else if (t.isOp("+")) {
                next();
                node = new Unary("+", unary(false), t.pos());
            } else {
                node = primary();
            }
            node = postfix(node);
            if (withFilter) node = filterExpr(node);
            return node;
        } finally {
            exprDepth--;
        }
    }

    private Expr primary() {
        Tok t = cur();
        switch (t.kind()) {
            case NAME -> {
                next();
                return switch (t.text()) {
                    case "true", "True" -> new Const(Boolean.TRUE, t.pos());
                    case "false", "False" -> new Const(Boolean.FALSE, t.pos());
                    case "none", "None" -> new Const(null, t.pos());
                    default -> new Name(t.text(), t.pos());
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder();
                while (cur().kind() == Kind.STRING) sb.append(next().text());   // adjacent literals join
                return new Const(Str.markup(sb.toString()), t.pos());
            }
            case INT, FLOAT -> {
                next();
                return new Const(t.value(), t.pos());
            }
            case OP -> {
                if (t.isOp("(")) {
                    next();
                    Expr e = parseTuple(false, true, Set.of(), true);
                    expectOp(")");
                    return e;
                }
                if (t.isOp("[")) return list();
                if (t.isOp("{")) return dict();
                throw err(t, "unexpected " + t.describe());
            }
            default -> throw err(t, t.kind() == Kind.EOF ? "unexpected end of template" : "unexpected " + t.describe());
        }
    }

    private Expr list() {
        Tok t = expectOp("[");
        List<Expr> items = new ArrayList<>();
        while (!cur().isOp("]")) {
            if (!items.isEmpty()) expectOp(",");
            if (cur().isOp("]")) break;
            items.add(expression(true));
        }
        expectOp("]");
        return new ListLit(items, t.pos());
    }

    private Expr dict() {
        Tok t = expectOp("{");
        List<Expr> keys = new ArrayList<>(), values = new ArrayList<>();
        while (!cur().isOp("}")) {
            if (!keys.isEmpty()) expectOp(",");
            if (cur().isOp("}")) break;
            keys.add(expression(true));
            expectOp(":");
            values.add(expression(true));
        }
        expectOp("}");
        return new DictLit(keys, values, t.pos());
    }

    private Expr postfix(Expr node) {
        while (true) {
            if (cur().isOp(".") || cur().isOp("[")) node = subscript(node);
            else if (cur().isOp("(")) node = call(node);
            else return node;
        }
    }

    private Expr filterExpr(Expr node) {
        while (true) {
            if (cur().isOp("|")) node = filterAfterPipe(node);
            else if (cur().isName("is")) node = test(node);
            else if (cur().isOp("(")) node = call(node);
            else return node;
        }
    }

    private Expr subscript(Expr node) {
        Tok t = next();
        if (t.isOp(".")) {
            Tok a = cur();
            if (a.kind() == Kind.NAME) {
                next();
                return new Attr(node, a.text(), a.pos());
            }
            if (a.kind() != Kind.INT) throw err(a, "expected a name or number after '.'");
            next();
            return new Item(node, new Const(a.value(), a.pos()), a.pos());
        }
        List<Expr> args = new ArrayList<>();
        while (!cur().isOp("]")) {
            if (!args.isEmpty()) expectOp(",");
            args.add(subscribed());
        }
        expectOp("]");
        Expr key = args.size() == 1 ? args.get(0) : new TupleLit(args, t.pos());
        return new Item(node, key, t.pos());
    }

    private Expr subscribed() {
        Tok t = cur();
        Expr start = null, stop = null, step = null;
        if (cur().isOp(":")) {
            next();
        } else {
            Expr e = expression(true);
            if (!cur().isOp(":")) return e;
            next();
            start = e;
        }
        if (!cur().isOp(":") && !cur().isOp("]") && !cur().isOp(",")) stop = expression(true);
        if (cur().isOp(":")) {
            next();
            if (!cur().isOp("]") && !cur().isOp(",")) step = expression(true);
        }
        return new Slice(start, stop, step, t.pos());
    }

    private Args callArgs() {
        expectOp("(");
        List<Expr> positional = new ArrayList<>(), named = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean needComma = false;
        while (!cur().isOp(")")) {
            if (needComma) {
                expectOp(",");
                if (cur().isOp(")")) break;
            }
            if (cur().isOp("*") || cur().isOp("**"))
                throw err(cur(), "*args and **kwargs in calls are not supported by this chat-template interpreter");
            if (cur().kind() == Kind.NAME && look().isOp("=")) {
                Tok k = next();
                next();
                if (names.contains(k.text())) throw err(k, "keyword argument '" + k.text() + "' repeated");
                names.add(k.text());
                named.add(expression(true));
            } else {
                if (!names.isEmpty()) throw err(cur(), "positional argument follows keyword argument");
                positional.add(expression(true));
            }
            needComma = true;
        }
        expectOp(")");
        return new Args(positional, names, named);
    }

    private Expr call(Expr fn) {
        Tok t = cur();
        return new Call(fn, callArgs(), t.pos());
    }

    private Filter filterAfterPipe(Expr value) {
        expectOp("|");
        Tok n = expect(Kind.NAME, null);
        String name = dotted(n.text());
        if (!Builtins.FILTERS.contains(name))
            throw err(n, (Builtins.KNOWN_UNSUPPORTED_FILTERS.contains(name)
                    ? "the '" + name + "' filter is not supported by this chat-template interpreter" : "unknown filter '" + name + "'")
                    + " (supported: " + Builtins.FILTERS_LIST + ")");
        Args args = cur().isOp("(") ? callArgs() : Args.NONE;
        return new Filter(value, name, args, n.pos());
    }

    private String dotted(String first) {
        StringBuilder sb = new StringBuilder(first);
        while (cur().isOp(".")) {
            next();
            sb.append('.').append(expect(Kind.NAME, null).text());
        }
        return sb.toString();
    }

    private Expr test(Expr value) {
        Tok is = next();
        boolean negated = skipName("not");
        Tok n = expect(Kind.NAME, null);
        String name = dotted(n.text());
        if (!Builtins.TESTS.contains(name))
            throw err(n, "unknown or unsupported test '" + name + "' (supported: " + Builtins.TESTS_LIST + ")");
        Args args;
        Tok c = cur();
        if (c.isOp("(")) {
            args = callArgs();
        } else if ((c.kind() == Kind.NAME || c.kind() == Kind.STRING || c.kind() == Kind.INT || c.kind() == Kind.FLOAT
                || c.isOp("(") || c.isOp("[") || c.isOp("{")) && !c.isName("else") && !c.isName("or") && !c.isName("and")) {
            if (c.isName("is")) throw err(c, "you cannot chain multiple tests with is");
            args = new Args(List.of(postfix(primary())), List.of(), List.of());
        } else {
            args = Args.NONE;
        }
        return new Test(value, name, args, negated, is.pos());
    }
}
