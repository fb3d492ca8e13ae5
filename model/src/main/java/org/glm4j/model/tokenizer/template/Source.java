package org.glm4j.model.tokenizer.template;

/** A template's text, newlines normalised as Jinja's lexer does, and its name for messages. */
final class Source {
    /** Largest template accepted, in characters. */
    static final int MAX_LENGTH = 1 << 20;

    final String name;
    final String text;

    Source(String name, String raw) {
        if (raw.length() > MAX_LENGTH)
            throw new TemplateException(name + ": template is " + raw.length() + " characters, more than the " + MAX_LENGTH + " accepted");
        this.name = name;
        String t = raw.replace("\r\n", "\n").replace('\r', '\n');
        if (t.endsWith("\n")) t = t.substring(0, t.length() - 1);   // keep_trailing_newline=False
        this.text = t;
    }

    /** "name:line:column" of a position. */
    String where(int pos) {
        int line = 1, col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return name + ":" + line + ":" + col;
    }

    TemplateException error(int pos, String message) { return new TemplateException(where(pos) + ": " + message); }
}
