package org.glm4j.model.tokenizer.template;

/**
 * A chat template that cannot be parsed or rendered: a syntax error, a construct this interpreter does not
 * support, an error the template raises ({@code raise_exception}), an undefined value used where Jinja fails, or a
 * resource bound (steps, output size, nesting) exceeded. The message names the template and the line and column.
 */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) { super(message); }

    public TemplateException(String message, Throwable cause) { super(message, cause); }
}
