package org.glm4j.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glm4j.model.Glm4v;
import org.glm4j.model.generate.GenerationConfig;
import org.glm4j.model.generate.Prompt;
import org.glm4j.model.generate.Request;
import org.glm4j.model.generate.Result;
import org.glm4j.model.generate.Session;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.synth.SyntheticTokenizer;
import org.glm4j.tests.golden.GoldenCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library API end to end on the tiny checkpoint with a tokenizer.json built here, on the JVM backend. */
class ChatEndToEndTest {
    @TempDir static Path dir;
    static Glm4v glm;
    static RgbImage image;

    @BeforeAll
    static void load() throws Exception {
        Path golden = GoldenCases.dir(GoldenCases.IMAGE);
        for (String f : List.of("config.json", "model.safetensors", "preprocessor_config.json")) Files.copy(golden.resolve(f), dir.resolve(f));
        SyntheticTokenizer.write(dir.resolve("tokenizer.json"), 1024, 1000);
        glm = Glm4v.load(dir, Glm4v.Options.defaults().withBackend("jvm"));
        image = new ImageDecoder().decode(golden.resolve("image_0_280x196.png"));
    }

    @AfterAll
    static void close() { glm.close(); }

    @Test
    void prompt_isRenderedExpandedAndTokenized() {
        try (Session s = glm.newSession()) {
            Prompt p = s.prepare(Request.of("What is shown?", List.of(image)));
            assertTrue(p.text().startsWith("[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|image|>"), p.text());
            assertTrue(p.text().endsWith("<|end_of_image|>What is shown?<|assistant|>\n"), p.text());
            assertArrayEquals(new int[] { 1002, 1004, 1007, glm.tokenizer().tokenId("\u010a"), 1010 }, java.util.Arrays.copyOf(p.ids(), 5));
            long imageTokens = java.util.Arrays.stream(p.ids()).filter(i -> i == 1014).count();
            assertEquals(14 * 20 / 4, imageTokens);
            assertEquals(1008, p.ids()[p.ids().length - 2]);
        }
    }

    @Test
    void greedyGeneration_streamsDecodedTextAndStopsAtTheBudget() throws Exception {
        try (Session s = glm.newSession()) {
            List<Integer> streamed = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            GenerationConfig gen = GenerationConfig.greedy(6, List.of());
            Result r = s.generate(Request.of("What is shown?", List.of(image)), gen, (id, delta, segs) -> {
                if (id >= 0) streamed.add(id);
                text.append(delta);
            });
            assertEquals(6, r.generatedIds().length);
            assertEquals(Result.Stop.MAX_TOKENS, r.stop());
            assertArrayEquals(r.generatedIds(), streamed.stream().mapToInt(Integer::intValue).toArray());
            assertEquals(glm.tokenizer().decode(r.generatedIds()), text.toString());
            assertEquals(r.text(), text.toString());

            // The same request again gives the same tokens (the session resets its cache), and a seeded sample repeats.
            Result again = s.generate(Request.of("What is shown?", List.of(image)), gen, (id, delta, segs) -> { });
            assertArrayEquals(r.generatedIds(), again.generatedIds());
            GenerationConfig sampled = gen.withSampling(0.9f, 50, 0.95f, 1.1f, 7);
            Result s1 = s.generate(Request.of("Hi", List.of()), sampled, (id, d, g) -> { });
            Result s2 = s.generate(Request.of("Hi", List.of()), sampled, (id, d, g) -> { });
            assertArrayEquals(s1.generatedIds(), s2.generatedIds());
        }
    }

    @Test
    void stopTokens_andCancellationEndGeneration() {
        try (Session s = glm.newSession()) {
            Result first = s.generate(Request.of("Hello", List.of()), GenerationConfig.greedy(3, List.of()), (id, d, g) -> { });
            int stopAt = first.generatedIds()[1];
            Result stopped = s.generate(Request.of("Hello", List.of()), GenerationConfig.greedy(3, List.of(stopAt)), (id, d, g) -> { });
            assertEquals(Result.Stop.STOP_TOKEN, stopped.stop());
            assertEquals(first.generatedIds()[0] == stopAt ? 0 : 1, stopped.generatedIds().length);

            Result cancelled = s.generate(Request.of("Hello", List.of()), GenerationConfig.greedy(50, List.of()), (id, d, g) -> s.cancel());
            assertEquals(Result.Stop.CANCELLED, cancelled.stop());
            assertEquals(1, cancelled.generatedIds().length);
        }
    }

    @Test
    void typedSpecialTokens_stayText_andImagesFollowTheirReferences() throws Exception {
        try (Session s = glm.newSession()) {
            Prompt p = s.prepare(Request.of("say <|assistant|> and <|image|>", List.of()));
            long controls = java.util.Arrays.stream(p.ids()).filter(i -> i == 1008 || i == 1014).count();
            assertEquals(1, controls, "only the template's own <|assistant|> is a control token");
            assertEquals("say <|assistant|> and <|image|>", glm.tokenizer().decode(java.util.Arrays.copyOfRange(p.ids(), 4, p.ids().length - 2)));

            RgbImage second = new ImageDecoder().decode(GoldenCases.dir(GoldenCases.IMAGE).resolve("image_1_333x127.png"));
            var parts = List.<org.glm4j.model.tokenizer.ChatTemplate.Part>of(new org.glm4j.model.tokenizer.ChatTemplate.Image(1),
                    new org.glm4j.model.tokenizer.ChatTemplate.Text("and"), new org.glm4j.model.tokenizer.ChatTemplate.Image(0));
            Prompt q = s.prepare(new Request(List.of(org.glm4j.model.tokenizer.ChatTemplate.Message.user(parts)), List.of(image, second), null));
            assertArrayEquals(new int[] { 1, 10, 24 }, q.imageGrids().get(0), "image 1 is referenced first");
            assertArrayEquals(new int[] { 1, 14, 20 }, q.imageGrids().get(1));
            var twice = List.<org.glm4j.model.tokenizer.ChatTemplate.Part>of(new org.glm4j.model.tokenizer.ChatTemplate.Image(0),
                    new org.glm4j.model.tokenizer.ChatTemplate.Image(0));
            assertThrows(IllegalArgumentException.class,
                    () -> s.prepare(new Request(List.of(org.glm4j.model.tokenizer.ChatTemplate.Message.user(twice)), List.of(image, second), null)));
        }
    }

    @Test
    void checkpointChatTemplate_isUsed_andRendersTheSameIds(@TempDir Path own) throws Exception {
        for (String f : List.of("config.json", "model.safetensors", "preprocessor_config.json", "tokenizer.json"))
            Files.copy(dir.resolve(f), own.resolve(f));
        Files.copy(Path.of(ChatEndToEndTest.class.getResource("/templates/glm-4.1v-9b-thinking.jinja").toURI()),
                own.resolve("chat_template.jinja"));
        try (Glm4v withTemplate = Glm4v.load(own, Glm4v.Options.defaults().withBackend("jvm"));
             Session s = withTemplate.newSession(); Session builtIn = glm.newSession()) {
            assertTrue(withTemplate.chatTemplate().describe().contains("chat_template.jinja"), withTemplate.chatTemplate().describe());
            Request r = new Request(List.of(org.glm4j.model.tokenizer.ChatTemplate.Message.system("Be brief"),
                    org.glm4j.model.tokenizer.ChatTemplate.Message.user(List.of(new org.glm4j.model.tokenizer.ChatTemplate.Image(0),
                            new org.glm4j.model.tokenizer.ChatTemplate.Text("What is <|user|> shown?")))), List.of(image), null);
            assertArrayEquals(builtIn.prepare(r).ids(), s.prepare(r).ids());
        }
        assertEquals(org.glm4j.model.tokenizer.ChatTemplate.BUILT_IN, glm.chatTemplate());
    }

    @Test
    void imagesAndVideoTogether_areRejected() throws Exception {
        Video video = Video.fromFolder(GoldenCases.dir(GoldenCases.VIDEO), Double.NaN, new ImageDecoder());
        try (Session s = glm.newSession()) {
            Request mixed = new Request(Request.of("x", List.of(image)).messages(), List.of(image), video);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.prepare(mixed));
            assertTrue(e.getMessage().contains("not both"), e.getMessage());
        }
    }

    @Test
    void sessionsOnOneModel_runConcurrently() throws Exception {
        GenerationConfig gen = GenerationConfig.greedy(4, List.of());
        int[] expected;
        try (Session s = glm.newSession()) {
            expected = s.generate(Request.of("Tell me", List.of()), gen, (id, d, g) -> { }).generatedIds();
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<int[]> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                try (Session s = glm.newSession()) {
                    results.add(s.generate(Request.of("Tell me", List.of()), gen, (id, d, g) -> { }).generatedIds());
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertTrue(errors.isEmpty(), errors.toString());
        for (int[] r : results) assertArrayEquals(expected, r);
    }
}
