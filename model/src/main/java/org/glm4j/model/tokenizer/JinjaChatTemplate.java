package org.glm4j.model.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.glm4j.model.json.Json;
import org.glm4j.model.tokenizer.ChatTemplate.Content;
import org.glm4j.model.tokenizer.ChatTemplate.Image;
import org.glm4j.model.tokenizer.ChatTemplate.ImageSlot;
import org.glm4j.model.tokenizer.ChatTemplate.Markup;
import org.glm4j.model.tokenizer.ChatTemplate.Message;
import org.glm4j.model.tokenizer.ChatTemplate.Part;
import org.glm4j.model.tokenizer.ChatTemplate.Piece;
import org.glm4j.model.tokenizer.ChatTemplate.Text;
import org.glm4j.model.tokenizer.ChatTemplate.VideoClip;
import org.glm4j.model.tokenizer.ChatTemplate.VideoSlot;
import org.glm4j.model.tokenizer.template.JinjaTemplate;
import org.glm4j.model.tokenizer.template.Str;

/**
 * A checkpoint's own chat template, rendered as transformers' processor renders it ({@link JinjaTemplate}).
 *
 * <p>Messages become what a transformers user passes: {@code {"role", "content"}} with the content a string for
 * system and assistant messages and for a user message of one text part, else a list of {@code {"type": "text",
 * "text"}}, {@code {"type": "image"}} and {@code {"type": "video"}} items; an assistant's metadata as
 * {@code "metadata"}. Variables: {@code messages}, {@code add_generation_prompt}, {@code tools} and
 * {@code documents} (None), the special tokens of {@code tokenizer_config.json}, and any given with
 * {@link #withVariables}.
 *
 * <p>Message text stays content through the template (see {@link Str}), so it is tokenized as plain text exactly
 * as with the built-in template; the template's {@code <|image|>} and {@code <|video|>} tokens become the slots
 * of the request's images and videos in the order the messages reference them, and their count must match.
 */
public final class JinjaChatTemplate implements ChatRenderer {
    private static final String IMAGE = "<|image|>", VIDEO = "<|video|>";
    private static final List<String> SPECIAL_TOKEN_KEYS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");

    private final JinjaTemplate template;
    private final String origin;
    private final Map<String, Object> variables;

    private JinjaChatTemplate(JinjaTemplate template, String origin, Map<String, Object> variables) {
        this.template = template;
        this.origin = origin;
        this.variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** A template from its text; {@code origin} names it in messages. Parse errors are thrown now. */
    public static JinjaChatTemplate of(String text, String origin) {
        return new JinjaChatTemplate(JinjaTemplate.parse(text, origin), origin, Map.of());
    }

    /**
     * The template a checkpoint folder ships, in transformers' order of preference: {@code chat_template.jinja},
     * then {@code chat_template.json}, then {@code "chat_template"} in {@code tokenizer_config.json} (a string, or
     * a list of named templates of which "default" is used); empty when there is none. Special tokens named in
     * {@code tokenizer_config.json} become template variables.
     */
    public static Optional<JinjaChatTemplate> load(Path dir) throws IOException {
        Path jinja = dir.resolve("chat_template.jinja"), json = dir.resolve("chat_template.json"),
                config = dir.resolve("tokenizer_config.json");
        Map<String, Object> tokenizerConfig = Files.isRegularFile(config)
                ? Json.parseObject(Files.readString(config), config.getFileName().toString()) : Map.of();
        String text = null, origin = null;
        if (Files.isRegularFile(jinja)) {
            text = Files.readString(jinja);
            origin = jinja.getFileName().toString();
        } else if (Files.isRegularFile(json)) {
            Map<String, Object> m = Json.parseObject(Files.readString(json), json.getFileName().toString());
            text = templateText(m.get("chat_template"), json.getFileName() + " \"chat_template\"");
            origin = json.getFileName().toString();
        } else if (tokenizerConfig.containsKey("chat_template")) {
            text = templateText(tokenizerConfig.get("chat_template"), config.getFileName() + " \"chat_template\"");
            origin = config.getFileName() + " chat_template";
        }
        if (text == null) return Optional.empty();
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String k : SPECIAL_TOKEN_KEYS) {
            String token = tokenContent(tokenizerConfig.get(k));
            if (token != null) vars.put(k, token);
        }
        if (tokenizerConfig.get("additional_special_tokens") instanceof List<?> extra) {
            List<Object> tokens = new ArrayList<>();
            for (Object o : extra) if (tokenContent(o) != null) tokens.add(tokenContent(o));
            vars.put("additional_special_tokens", tokens);
        }
        return Optional.of(new JinjaChatTemplate(JinjaTemplate.parse(text, origin), origin, vars));
    }

    private static String templateText(Object v, String where) {
        if (v instanceof String s) return s;
        if (v instanceof List<?> named) {
            List<String> names = new ArrayList<>();
            for (Object o : named) {
                if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String n) || !(m.get("template") instanceof String t))
                    throw new IllegalArgumentException(where + ": a list of templates must hold {\"name\", \"template\"} objects");
                if (n.equals("default")) return t;
                names.add(n);
            }
            throw new IllegalArgumentException(where + ": no template named \"default\" among " + names);
        }
        throw new IllegalArgumentException(where + ": expected a template string or a list of named templates");
    }

    private static String tokenContent(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) return s;
        return null;
    }

    /** This template with more variables (say {@code enable_thinking}); later values replace earlier ones. */
    public JinjaChatTemplate withVariables(Map<String, ?> more) {
        Map<String, Object> vars = new LinkedHashMap<>(variables);
        vars.putAll(more);
        return new JinjaChatTemplate(template, origin, vars);
    }

    @Override public String describe() { return "the checkpoint's chat template (" + origin + ")"; }

    /** The rendered text with provenance: which characters are message content. */
    public Str renderStr(List<Message> messages, boolean addGenerationPrompt) {
        Map<String, Object> vars = new LinkedHashMap<>(variables);
        vars.put("messages", messagesValue(messages));
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.putIfAbsent("tools", null);
        vars.putIfAbsent("documents", null);
        return template.render(vars);
    }

    @Override public List<Piece> pieces(List<Message> messages, boolean addGenerationPrompt) {
        Str rendered = renderStr(messages, addGenerationPrompt);
        List<Integer> images = new ArrayList<>(), videos = new ArrayList<>();
        for (Message m : messages)
            for (Part p : m.content()) {
                if (p instanceof Image i) images.add(i.index());
                if (p instanceof VideoClip v) videos.add(v.index());
            }
        List<Piece> out = new ArrayList<>();
        int image = 0, video = 0;
        for (Str.Segment s : rendered.segments()) {
            if (s.content()) {
                out.add(new Content(s.text()));
                continue;
            }
            String t = s.text();
            int from = 0;
            while (true) {
                int i = t.indexOf(IMAGE, from), v = t.indexOf(VIDEO, from);
                int at = i < 0 ? v : v < 0 ? i : Math.min(i, v);
                if (at < 0) break;
                if (at > from) out.add(new Markup(t.substring(from, at)));
                if (at == i) {
                    if (image == images.size()) throw placeholderMismatch("image", images.size(), image + 1);
                    out.add(new ImageSlot(images.get(image++)));
                    from = at + IMAGE.length();
                } else {
                    if (video == videos.size()) throw placeholderMismatch("video", videos.size(), video + 1);
                    out.add(new VideoSlot(videos.get(video++)));
                    from = at + VIDEO.length();
                }
            }
            if (from < t.length()) out.add(new Markup(t.substring(from)));
        }
        if (image != images.size()) throw placeholderMismatch("image", images.size(), image);
        if (video != videos.size()) throw placeholderMismatch("video", videos.size(), video);
        return out;
    }

    private IllegalArgumentException placeholderMismatch(String kind, int parts, int emitted) {
        return new IllegalArgumentException(describe() + " emitted " + (emitted > parts ? "more than " + parts : emitted)
                + " " + kind + " placeholder(s) for the " + parts + " " + kind + " part(s) of the messages");
    }

    private static List<Object> messagesValue(List<Message> messages) {
        List<Object> out = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", m.role().name().toLowerCase());
            List<Part> parts = m.content();
            if (m.role() != ChatTemplate.Role.USER || (parts.size() == 1 && parts.get(0) instanceof Text)) {
                StringBuilder sb = new StringBuilder();
                for (Part p : parts) sb.append(((Text) p).text());
                msg.put("content", Str.content(sb.toString()));
            } else {
                List<Object> items = new ArrayList<>();
                for (Part p : parts) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    switch (p) {
                        case Text t -> {
                            item.put("type", "text");
                            item.put("text", Str.content(t.text()));
                        }
                        case Image i -> item.put("type", "image");
                        case VideoClip v -> item.put("type", "video");
                    }
                    items.add(item);
                }
                msg.put("content", items);
            }
            if (m.metadata() != null) msg.put("metadata", m.metadata());
            out.add(msg);
        }
        return out;
    }
}
