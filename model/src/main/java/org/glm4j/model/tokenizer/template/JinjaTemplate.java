package org.glm4j.model.tokenizer.template;

import java.util.List;
import java.util.Map;

/**
 * A Jinja2 template as transformers renders chat templates ({@code ImmutableSandboxedEnvironment} with
 * {@code trim_blocks}, {@code lstrip_blocks} and loop controls; {@code tojson} as {@code json.dumps} with
 * {@code ensure_ascii=False}; {@code raise_exception}), interpreted in Java for the subset chat templates use.
 * Whatever it does not support is a {@link TemplateException} naming the construct and its line and column,
 * raised when parsing where possible: never silently different output. Rendering is bounded (steps, output size,
 * nesting), so a hostile template fails fast instead of running away.
 *
 * <p>Parsed once, rendered any number of times from any thread.
 */
public final class JinjaTemplate {
    private final Source source;
    private final List<Node.Stmt> body;

    private JinjaTemplate(Source source, List<Node.Stmt> body) {
        this.source = source;
        this.body = body;
    }

    /** Parses {@code text}; {@code name} (a file name, say) prefixes every error message. */
    public static JinjaTemplate parse(String text, String name) {
        Source s = new Source(name, text);
        try {
            return new JinjaTemplate(s, Parser.parse(s));
        } catch (StackOverflowError deep) {
            throw new TemplateException(name + ": template nests too deeply to parse");
        }
    }

    /** The name given when parsing. */
    public String name() { return source.name; }

    /**
     * Renders with {@code variables}: {@code String} (template text), {@link Str} (to mark message content),
     * numbers, {@code Boolean}, {@code null} (None), {@code List}s and {@code Map}s of these. The result keeps
     * which characters came from {@link Str#content content} strings.
     */
    public Str render(Map<String, ?> variables) {
        return new Interpreter(source, variables).render(body);
    }
}
