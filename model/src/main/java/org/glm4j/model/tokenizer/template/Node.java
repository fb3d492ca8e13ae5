package org.glm4j.model.tokenizer.template;

import java.util.List;

/** The parsed template: statements and expressions, each with its source position. */
final class Node {
    private Node() {}

    sealed interface Stmt permits Text, Print, For, If, Assign, AssignBlock, Macro, Break, Continue, Generation {
        int pos();
    }

    record Text(Str text, int pos) implements Stmt {}

    record Print(Expr value, int pos) implements Stmt {}

    record For(Target target, Expr iterable, Expr filter, List<Stmt> body, List<Stmt> orElse, int pos) implements Stmt {}

    record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> orElse, int pos) implements Stmt {}

    record Assign(Target target, Expr value, int pos) implements Stmt {}

    /** {@code {% set x %}…{% endset %}}, optionally through filters ({@code value} of each is null). */
    record AssignBlock(Target target, List<Stmt> body, List<Filter> filters, int pos) implements Stmt {}

    record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body, int pos) implements Stmt {}

    record Break(int pos) implements Stmt {}

    record Continue(int pos) implements Stmt {}

    /** transformers' {@code {% generation %}} block: renders its body (the tracker is not needed for prompts). */
    record Generation(List<Stmt> body, int pos) implements Stmt {}

    sealed interface Target permits NameTarget, TupleTarget, AttrTarget {}

    record NameTarget(String name, int pos) implements Target {}

    record TupleTarget(List<Target> items, int pos) implements Target {}

    /** {@code ns.attr} on a namespace. */
    record AttrTarget(String object, String attr, int pos) implements Target {}

    sealed interface Expr permits Const, Name, Attr, Item, Slice, ListLit, TupleLit, DictLit, Call, Filter, Test, Unary,
            Binary, Concat, Compare, Cond {
        int pos();
    }

    record Const(Object value, int pos) implements Expr {}

    record Name(String name, int pos) implements Expr {}

    record Attr(Expr object, String name, int pos) implements Expr {}

    record Item(Expr object, Expr key, int pos) implements Expr {}

    record Slice(Expr start, Expr stop, Expr step, int pos) implements Expr {}

    record ListLit(List<Expr> items, int pos) implements Expr {}

    record TupleLit(List<Expr> items, int pos) implements Expr {}

    record DictLit(List<Expr> keys, List<Expr> values, int pos) implements Expr {}

    record Args(List<Expr> positional, List<String> names, List<Expr> named) {
        static final Args NONE = new Args(List.of(), List.of(), List.of());
    }

    record Call(Expr function, Args args, int pos) implements Expr {}

    record Filter(Expr value, String name, Args args, int pos) implements Expr {}

    record Test(Expr value, String name, Args args, boolean negated, int pos) implements Expr {}

    record Unary(String op, Expr operand, int pos) implements Expr {}

    record Binary(String op, Expr left, Expr right, int pos) implements Expr {}

    record Concat(List<Expr> parts, int pos) implements Expr {}

    record Compare(Expr first, List<String> ops, List<Expr> operands, int pos) implements Expr {}

    /** {@code then if test else otherwise}; {@code otherwise} null renders as undefined. */
    record Cond(Expr test, Expr then, Expr otherwise, int pos) implements Expr {}
}
