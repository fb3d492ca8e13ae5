package org.glm4j.model.tokenizer;

import java.util.List;

/**
 * Turns chat messages into prompt pieces: template markup (special tokens real), message content (plain text) and
 * image/video slots, which {@code Prompt} expands to placeholder ids after rendering. Implementations are
 * immutable and thread-safe.
 */
public interface ChatRenderer {
    /** The prompt as pieces, in order. */
    List<ChatTemplate.Piece> pieces(List<ChatTemplate.Message> messages, boolean addGenerationPrompt);

    /** The rendered prompt string, placeholders unexpanded. */
    default String render(List<ChatTemplate.Message> messages, boolean addGenerationPrompt) {
        return ChatTemplate.text(pieces(messages, addGenerationPrompt));
    }

    /** Where the template comes from, for logs and messages. */
    String describe();
}
