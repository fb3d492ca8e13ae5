package org.glm4j.model.tokenizer;

import java.util.List;

/**
 * The GLM-4.1V chat template (spec §7.1), rendered exactly as the checkpoint's Jinja template renders with
 * {@code trim_blocks} and {@code lstrip_blocks}: {@code [gMASK]<sop>}, then per message its role token, a newline
 * and the content with nothing between messages, then {@code <|assistant|>\n} when a generation prompt is asked.
 * Images and videos are their placeholder spans; the processor expands them later ({@code Prompt}). Used for
 * checkpoints that ship no template of their own; {@link JinjaChatTemplate} renders the ones that do.
 */
public final class ChatTemplate {
    private ChatTemplate() {}

    /** The built-in template as a {@link ChatRenderer}. */
    public static final ChatRenderer BUILT_IN = new ChatRenderer() {
        @Override public List<Piece> pieces(List<Message> messages, boolean addGenerationPrompt) {
            return ChatTemplate.pieces(messages, addGenerationPrompt);
        }

        @Override public String describe() { return "the built-in GLM-4.1V chat template"; }
    };

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

    /** A piece of the rendered prompt: template markup, message text, or a media slot. */
    public sealed interface Piece permits Markup, Content, ImageSlot, VideoSlot {}

    /** Template text: role tokens, newlines, media span tokens; special tokens in it are real. */
    public record Markup(String text) implements Piece {}

    /** Text of a message: tokenized as plain text, so look-alike special tokens stay text. */
    public record Content(String text) implements Piece {}

    /** Where image {@code index}'s {@code <|image|>} placeholder stands. */
    public record ImageSlot(int index) implements Piece {}

    /** Where video {@code index}'s {@code <|video|>} placeholder stands. */
    public record VideoSlot(int index) implements Piece {}

    /** The prompt as pieces, in order; {@link #render} is their text. */
    public static List<Piece> pieces(List<Message> messages, boolean addGenerationPrompt) {
        List<Piece> out = new java.util.ArrayList<>();
        out.add(new Markup("[gMASK]<sop>"));
        for (Message m : messages) {
            out.add(new Markup(switch (m.role()) {
                case SYSTEM -> "<|system|>\n";
                case USER -> "<|user|>\n";
                case ASSISTANT -> "<|assistant|>" + (m.metadata() == null ? "" : m.metadata()) + "\n";
            }));
            for (Part p : m.content()) {
                switch (p) {
                    case Text t -> out.add(new Content(t.text()));
                    case Image i -> {
                        out.add(new Markup("<|begin_of_image|>"));
                        out.add(new ImageSlot(i.index()));
                        out.add(new Markup("<|end_of_image|>"));
                    }
                    case VideoClip v -> {
                        out.add(new Markup("<|begin_of_video|>"));
                        out.add(new VideoSlot(v.index()));
                        out.add(new Markup("<|end_of_video|>"));
                    }
                }
            }
        }
        if (addGenerationPrompt) out.add(new Markup("<|assistant|>\n"));
        return out;
    }

    /** The rendered prompt string, placeholders unexpanded. */
    public static String render(List<Message> messages, boolean addGenerationPrompt) {
        return text(pieces(messages, addGenerationPrompt));
    }

    /** The text of pieces, each slot as its placeholder token. */
    public static String text(List<Piece> pieces) {
        StringBuilder sb = new StringBuilder();
        for (Piece p : pieces) {
            switch (p) {
                case Markup m -> sb.append(m.text());
                case Content c -> sb.append(c.text());
                case ImageSlot i -> sb.append("<|image|>");
                case VideoSlot v -> sb.append("<|video|>");
            }
        }
        return sb.toString();
    }
}
