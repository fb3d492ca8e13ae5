package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glm4j.model.generate.Prompt;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.synth.SyntheticTokenizer;
import org.glm4j.model.tokenizer.ChatRenderer;
import org.glm4j.model.tokenizer.ChatTemplate;
import org.glm4j.model.tokenizer.ChatTemplate.Image;
import org.glm4j.model.tokenizer.ChatTemplate.Message;
import org.glm4j.model.tokenizer.ChatTemplate.Part;
import org.glm4j.model.tokenizer.ChatTemplate.Piece;
import org.glm4j.model.tokenizer.ChatTemplate.Text;
import org.glm4j.model.tokenizer.ChatTemplate.VideoClip;
import org.glm4j.model.tokenizer.JinjaChatTemplate;
import org.glm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checkpoint's own chat template against the built-in one. {@code templates/glm-4.1v-9b-thinking.jinja} is the
 * GLM-4.1V-9B-Thinking {@code chat_template} as quoted verbatim (with the model revision 3c1471e5) in public test
 * fixtures of three projects that render it; {@code templates/glm-ocr.jinja} is GLM-OCR's (a Glm46VProcessor
 * checkpoint) as quoted in a public test file. GLM-4.6V-Flash's own template text was not found in reachable
 * sources, so it is not here.
 */
class JinjaChatTemplateTest {
    @TempDir Path dir;

    static String resource(String name) throws Exception {
        return Files.readString(JinjaTemplateTest.templates().resolve(name));
    }

    static JinjaChatTemplate glm41v() throws Exception {
        return JinjaChatTemplate.of(resource("glm-4.1v-9b-thinking.jinja"), "glm-4.1v-9b-thinking.jinja");
    }

    private static Message user(Part... parts) { return Message.user(List.of(parts)); }

    private static Message assistantWithMetadata(String metadata, String text) {
        return new Message(ChatTemplate.Role.ASSISTANT, List.of(new Text(text)), metadata);
    }

    static Stream<Arguments> conversations() {
        return Stream.of(
                Arguments.of("spec: one image + text", List.of(user(new Image(0), new Text("What is shown?")))),
                Arguments.of("spec: text only", List.of(Message.user("Hello"))),
                Arguments.of("spec: system + two turns", List.of(Message.system("SYS"), user(new Text("Q1"), new Image(0)),
                        Message.assistant("A1"), user(new VideoClip(0), new Text("Q2")))),
                Arguments.of("two images, parts split", List.of(user(new Text("a"), new Image(1), new Text("b"), new Image(0), new Text("c")))),
                Arguments.of("assistant history with thinking", List.of(Message.user("2+2?"),
                        Message.assistant("<think>\nadd\n</think><answer>4</answer>"), Message.user("and 3+3?"))),
                Arguments.of("metadata", List.of(Message.user("find it"), assistantWithMetadata("tool", "{\"x\": 1}"), Message.user("ok"))),
                Arguments.of("whitespace and look-alike tokens", List.of(Message.system("  s \n"),
                        user(new Text("<|assistant|> typed\n\n"), new Image(0), new Text(" ")), Message.assistant("\nA\n"),
                        Message.user("emoji 😀"))),
                Arguments.of("empty texts", List.of(Message.system(""), user(new Text(""), new Image(0)), Message.assistant(""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void glm41vTemplate_rendersLikeTheBuiltInOne(String name, List<Message> messages) throws Exception {
        JinjaChatTemplate t = glm41v();
        for (boolean gen : new boolean[] { true, false }) {
            assertEquals(ChatTemplate.render(messages, gen), t.render(messages, gen), name + ", generation prompt " + gen);
            assertEquals(merged(ChatTemplate.pieces(messages, gen)), merged(t.pieces(messages, gen)), name + " pieces");
        }
    }

    @Test
    void specWorkedExamples_renderExactly() throws Exception {
        JinjaChatTemplate t = glm41v();
        assertEquals("[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|end_of_image|>What is shown?<|assistant|>\n",
                t.render(List.of(user(new Image(0), new Text("What is shown?"))), true));
        assertEquals("[gMASK]<sop><|user|>\nHello<|assistant|>\n", t.render(List.of(Message.user("Hello")), true));
        assertEquals("[gMASK]<sop><|system|>\nSYS<|user|>\nQ1<|begin_of_image|><|image|><|end_of_image|><|assistant|>\nA1"
                        + "<|user|>\n<|begin_of_video|><|video|><|end_of_video|>Q2<|assistant|>\n",
                t.render(List.of(Message.system("SYS"), user(new Text("Q1"), new Image(0)), Message.assistant("A1"),
                        user(new VideoClip(0), new Text("Q2"))), true));
    }

    /** Adjacent markup pieces joined, so that two renderers that split markup differently compare equal. */
    private static List<Piece> merged(List<Piece> pieces) {
        List<Piece> out = new ArrayList<>();
        for (Piece p : pieces) {
            if (p instanceof ChatTemplate.Markup m && !out.isEmpty() && out.get(out.size() - 1) instanceof ChatTemplate.Markup prev)
                out.set(out.size() - 1, new ChatTemplate.Markup(prev.text() + m.text()));
            else if (!(p instanceof ChatTemplate.Content c && c.text().isEmpty())) out.add(p);
        }
        return out;
    }

    @Test
    void promptIds_areTheSameThroughEitherTemplate() throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        SyntheticTokenizer.write(tok, 1024, 1000);
        Tokenizer tokenizer = Tokenizer.load(tok);
        ImageProcessor images = new ImageProcessor(ImageProcessorConfig.parse("{}", "defaults"));
        VideoProcessor videos = VideoProcessor.defaults();
        RgbImage a = new RgbImage(56, 84, new byte[56 * 84 * 3]), b = new RgbImage(112, 56, new byte[112 * 56 * 3]);
        List<Message> withImages = List.of(Message.system("Be <|user|> brief"), user(new Text("see"), new Image(1), new Image(0)),
                Message.assistant("ok"), Message.user("and now?"));
        check(withImages, List.of(a, b), null, tokenizer, images, videos);
        Video video = Video.of(List.of(a, a, a, a), 2.0, Double.NaN);
        check(List.of(user(new VideoClip(0), new Text("what happens?"))), List.of(), video, tokenizer, images, videos);
    }

    private static void check(List<Message> messages, List<RgbImage> imgs, Video video, Tokenizer tokenizer, ImageProcessor images,
                              VideoProcessor videos) throws Exception {
        Prompt builtIn = Prompt.prepare(messages, imgs, video, tokenizer, images, videos, ChatTemplate.BUILT_IN);
        Prompt own = Prompt.prepare(messages, imgs, video, tokenizer, images, videos, glm41v());
        assertArrayEquals(builtIn.ids(), own.ids());
        assertEquals(builtIn.text(), own.text());
        assertTrue(builtIn.ids().length > 20);
        int userToken = tokenizer.tokenId("<|user|>");
        assertEquals(messages.stream().filter(m -> m.role() == ChatTemplate.Role.USER).count(),
                java.util.Arrays.stream(own.ids()).filter(i -> i == userToken).count(), "typed look-alike tokens stay text");
    }

    @Test
    void checkpointTemplate_isFoundInTransformersOrder() throws Exception {
        assertTrue(JinjaChatTemplate.load(dir).isEmpty());
        String tpl = "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{{ eos_token }}";
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|endoftext|>\"}, \"chat_template\": "
                + "[{\"name\": \"tool_use\", \"template\": \"x\"}, {\"name\": \"default\", \"template\": " + jsonString(tpl) + "}]}");
        ChatRenderer fromConfig = JinjaChatTemplate.load(dir).orElseThrow();
        assertEquals("<user>hi<|endoftext|>", fromConfig.render(List.of(Message.user("hi")), false));
        assertTrue(fromConfig.describe().contains("tokenizer_config.json"));

        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"json:{{ messages | length }}\"}");
        assertEquals("json:1", JinjaChatTemplate.load(dir).orElseThrow().render(List.of(Message.user("hi")), false));
        Files.writeString(dir.resolve("chat_template.jinja"), "jinja:{{ add_generation_prompt }}\n");
        assertEquals("jinja:True", JinjaChatTemplate.load(dir).orElseThrow().render(List.of(Message.user("hi")), true));

        Files.writeString(dir.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content | frob }}{% endfor %}");
        var bad = assertThrows(RuntimeException.class, () -> JinjaChatTemplate.load(dir));
        assertTrue(bad.getMessage().startsWith("chat_template.jinja:1:"), bad.getMessage());
    }

    private static String jsonString(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }

    @Test
    void placeholderCounts_mustMatchTheMessages() {
        JinjaChatTemplate drops = JinjaChatTemplate.of("{% for m in messages %}{{ m.content[-1].text }}{% endfor %}", "drops.jinja");
        var e = assertThrows(IllegalArgumentException.class, () -> drops.pieces(List.of(user(new Image(0), new Text("q"))), true));
        assertTrue(e.getMessage().contains("emitted 0 image placeholder(s) for the 1 image part(s)"), e.getMessage());
        JinjaChatTemplate doubles = JinjaChatTemplate.of("<|image|><|image|>", "doubles.jinja");
        e = assertThrows(IllegalArgumentException.class, () -> doubles.pieces(List.of(user(new Image(0))), true));
        assertTrue(e.getMessage().contains("more than 1 image placeholder(s)"), e.getMessage());
    }

    @Test
    void ocrTemplate_thinkingSwitchAndToolsRender() throws Exception {
        JinjaChatTemplate ocr = JinjaChatTemplate.of(resource("glm-ocr.jinja"), "glm-ocr.jinja");
        List<Message> q = List.of(user(new Image(0), new Text("Read it")));
        assertEquals("[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|end_of_image|>Read it<|assistant|>\n", ocr.render(q, true));
        assertEquals("[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|end_of_image|>Read it/nothink<|assistant|>\n<think></think>\n",
                ocr.withVariables(Map.of("enable_thinking", false)).render(q, true));
        assertEquals(List.of(new ChatTemplate.Markup("[gMASK]<sop><|user|>\n<|begin_of_image|>"), new ChatTemplate.ImageSlot(0),
                new ChatTemplate.Markup("<|end_of_image|>"), new ChatTemplate.Content("Read it"), new ChatTemplate.Markup("<|assistant|>\n")),
                ocr.pieces(q, true));
    }
}
