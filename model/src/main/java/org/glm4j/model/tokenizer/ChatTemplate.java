package org.glm4j.model.tokenizer;

import java.util.List;

/**
 * The GLM-4.1V chat template (spec §7.1), rendered exactly as the checkpoint's Jinja template renders with
 * {@code trim_blocks} and {@code lstrip_blocks}: {@code [gMASK]<sop>}, then per message its role token, a newline
 * and the content with nothing between messages, then {@code <|assistant|>\n} when a generation prompt is asked.
 * Images and videos are their placeholder spans; the processor expands them later ({@code Prompt}).
 */
public final class ChatTemplate {
    private ChatTemplate() {}

    /** Message roles the template knows. */
    public enum Role { SYSTEM, USER, ASSISTANT }

    /** One piece of a message's content. */
    public sealed interface Part permits Text, Image, VideoClip {}

    /** Plain text. */
    public record Text(String text) implements Part {}

    /** An image, by its index in the request. */
    public record Image(int index) implements Part {}

    /** A video, by its index in the request. */
    public record VideoClip(int index) implements Part {}

    /** A message: role, content parts, and (assistant only) optional metadata written after the role token. */
    public record Message(Role role, List<Part> content, String metadata) {
        public Message {
            content = List.copyOf(content);
            if (role != Role.USER && content.stream().anyMatch(p -> !(p instanceof Text)))
                throw new IllegalArgumentException(role.name().toLowerCase() + " messages carry text only");
            if (metadata != null && role != Role.ASSISTANT) throw new IllegalArgumentException("only assistant messages have metadata");
        }

        public static Message system(String text) { return new Message(Role.SYSTEM, List.of(new Text(text)), null); }

        public static Message user(List<Part> parts) { return new Message(Role.USER, parts, null); }

        public static Message user(String text) { return new Message(Role.USER, List.of(new Text(text)), null); }

        public static Message assistant(String text) { return new Message(Role.ASSISTANT, List.of(new Text(text)), null); }
    }

    public static final String IMAGE_SPAN = "<|begin_of_image|><|image|><|end_of_image|>";
    public static final String VIDEO_SPAN = "<|begin_of_video|><|video|><|end_of_video|>";

    /** The rendered prompt string. */
    public static String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder("[gMASK]<sop>");
        for (Message m : messages) {
            switch (m.role()) {
                case SYSTEM -> sb.append("<|system|>\n");
                case USER -> sb.append("<|user|>\n");
                case ASSISTANT -> sb.append("<|assistant|>").append(m.metadata() == null ? "" : m.metadata()).append('\n');
            }
            for (Part p : m.content()) {
                switch (p) {
                    case Text t -> sb.append(t.text());
                    case Image i -> sb.append(IMAGE_SPAN);
                    case VideoClip v -> sb.append(VIDEO_SPAN);
                }
            }
        }
        if (addGenerationPrompt) sb.append("<|assistant|>\n");
        return sb.toString();
    }
}
