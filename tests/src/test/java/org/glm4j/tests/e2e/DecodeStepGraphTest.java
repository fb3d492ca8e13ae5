package org.glm4j.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.backend.StepGraph;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.DecodeInputs;
import org.glm4j.model.Glm4vModel;
import org.glm4j.model.HostData;
import org.glm4j.model.Trace;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.generate.GenerationConfig;
import org.glm4j.model.generate.Request;
import org.glm4j.model.generate.Session;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.synth.SyntheticTokenizer;
import org.glm4j.model.text.KvCache;
import org.glm4j.model.text.RopeIndex;
import org.glm4j.model.tokenizer.Tokenizer;
import org.glm4j.model.weights.WeightStore;
import org.glm4j.tests.golden.GoldenCases;
import org.glm4j.tests.support.Approx;
import org.glm4j.tests.support.LoopbackBackend;
import org.glm4j.tests.support.TestBackends;
import org.glm4j.tests.support.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decode step captured once and replayed per token ({@link org.glm4j.core.backend.StepGraphs}), on the tiny
 * checkpoint over a {@link LoopbackBackend} that captures and replays the way CUDA graphs do: a capture runs nothing
 * and records each op with its tensors and values, a replay reruns them on the same memory, and host copies,
 * allocation or synchronisation during a capture throw. So these tests pass only if the step takes everything that
 * changes per token from device data, which is what makes the CUDA backend's graphs valid.
 */
class DecodeStepGraphTest {
    @TempDir static Path dir;
    static Tokenizer tokenizer;
    static Session.Preprocessors preprocessors;
    static RgbImage image;

    @BeforeAll
    static void load() throws Exception {
        Path golden = GoldenCases.dir(GoldenCases.IMAGE);
        for (String f : List.of("config.json", "model.safetensors", "preprocessor_config.json")) Files.copy(golden.resolve(f), dir.resolve(f));
        SyntheticTokenizer.write(dir.resolve("tokenizer.json"), 1024, 1000);
        tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        preprocessors = new Session.Preprocessors(new ImageProcessor(ImageProcessorConfig.load(dir.resolve("preprocessor_config.json")), false),
                VideoProcessor.defaults());
        image = new ImageDecoder().decode(golden.resolve("image_0_280x196.png"));
    }

    private static Glm4vModel model(Backend backend, DType weights) throws IOException {
        WeightStore store = WeightStore.open(dir);
        if (weights != DType.F32) {
            WeightStore converted = WeightStore.converted(store, weights);
            store.close();
            store = converted;
        }
        return Glm4vModel.load(Glm4vConfig.load(dir), store, backend, null);
    }

    /** The generated ids of each request, run one after the other in one session. */
    private static List<int[]> generate(Backend backend, DType weights, boolean graphs, List<Request> requests, int tokens)
            throws IOException {
        List<int[]> ids = new ArrayList<>();
        try (Glm4vModel model = model(backend, weights); Session s = new Session(model, tokenizer, preprocessors)) {
            s.useStepGraphs(graphs);
            for (Request r : requests)
                ids.add(s.generate(r, GenerationConfig.greedy(tokens, List.of()), (id, delta, segments) -> { }).generatedIds());
        }
        return ids;
    }

    /**
     * 8 greedy tokens per request are 7 decode steps: the first request runs the step once op by op, captures it once
     * and replays it 6 times; the second (smaller, so the session keeps its memory and the graph) replays it 7 times.
     * Every token equals the op-by-op run's, on the loopback device and on the plain jvm backend.
     */
    @ParameterizedTest(name = "{0} weights")
    @EnumSource(value = DType.class, names = { "F32", "BF16" })
    void session_capturesTheDecodeStepOnceAndReplaysIt_sameTokensAsOpByOp(DType weights) throws Exception {
        Backend jvm = TestBackends.jvm();
        List<Request> requests = List.of(Request.of("What is shown?", List.of(image)), Request.of("Tell me", List.of()));
        int tokens = 8;
        List<int[]> host = generate(jvm, weights, true, requests, tokens);
        LoopbackBackend opByOp = new LoopbackBackend(jvm, true);
        List<int[]> expected = generate(opByOp, weights, false, requests, tokens);
        LoopbackBackend graphs = new LoopbackBackend(jvm, true);
        List<int[]> actual = generate(graphs, weights, true, requests, tokens);
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(tokens, expected.get(i).length, "request " + i + " ran to its budget");
            assertArrayEquals(host.get(i), expected.get(i), "request " + i + ": loopback op by op vs the jvm backend");
            assertArrayEquals(expected.get(i), actual.get(i), "request " + i + ": replayed graph vs op by op");
        }
        assertEquals(0, opByOp.captures(), "useStepGraphs(false) captures nothing");
        assertEquals(1, graphs.captures(), "one capture for the session");
        assertEquals((tokens - 2) + (tokens - 1), graphs.replays(), "replays: every decode step after the warm-up");
    }

    /**
     * The replayed step's logits equal those of the same steps run op by op, to f32 rounding: the jvm backend's
     * Vector API loops give last-bit differences before the JIT has compiled them (a first run in a fresh JVM differs
     * from later ones in the 7th digit), so one unchecked run warms them up and the comparison allows f32 tolerance;
     * a replay that read a stale position, token or rotary row would be off by far more.
     */
    @Test
    void decodeStep_replaysGiveTheLogitsOfStepsRunOpByOp() throws Exception {
        Backend jvm = TestBackends.jvm();
        int[] prompt = { 1002, 1004, 7, 9, 11, 13, 1010 };
        int steps = 6;
        steps(new LoopbackBackend(jvm, false), prompt, steps, false);
        List<float[]> expected = steps(new LoopbackBackend(jvm, false), prompt, steps, false);
        List<float[]> actual = steps(new LoopbackBackend(jvm, true), prompt, steps, true);
        for (int i = 0; i < steps; i++) {
            float[] e = expected.get(i);
            double[] ed = new double[e.length];
            for (int j = 0; j < e.length; j++) ed[j] = e[j];
            Approx.assertClose(ed, actual.get(i), Shape.of(1, e.length), Tolerance.of(DType.F32), "logits of decode step " + i);
        }
    }

    /** Prefill, then {@code steps} greedy decode steps; with {@code capture}, step 0 warms up, step 1 is captured, the rest replay. */
    private static List<float[]> steps(LoopbackBackend backend, int[] prompt, int steps, boolean capture) throws IOException {
        List<float[]> logits = new ArrayList<>();
        try (Glm4vModel model = model(backend, DType.F32); Arena arena = Arena.ofShared()) {
            KvCache cache = model.newCache(prompt.length + steps, arena);
            Scratch scratch = new Scratch(backend, model.scratchBytes(prompt.length, null, false), arena);
            Ops ops = new Ops(backend, scratch);
            RopeIndex rope = model.ropeIndex(prompt, List.of(), List.of());
            DecodeInputs in = model.newDecodeInputs(arena);
            Tensor current = model.prefill(ops, prompt, (Tensor) null, rope, cache, false, Trace.OFF);
            StepGraph graph = null;
            Tensor[] out = new Tensor[1];
            for (int s = 0; s < steps; s++) {
                int id = (int) HostData.toFloats(backend, ops.argmax(current))[0];
                scratch.reset();
                int row = cache.length();
                in.write(ops, id, row, rope.continuation(row, 1));
                if (!capture || s == 0) {
                    current = model.decodeStep(ops, in, cache);
                } else {
                    if (graph == null) graph = ops.stepGraphs().orElseThrow().capture(() -> out[0] = model.decodeStep(ops, in, cache));
                    graph.replay();
                    current = out[0];
                }
                cache.advance(1);
                logits.add(HostData.toFloats(backend, current));
            }
            if (graph != null) graph.close();
            assertEquals(capture ? 1 : 0, backend.captures());
            assertEquals(capture ? steps - 1 : 0, backend.replays());
        }
        return logits;
    }

    /**
     * {@link Glm4vModel#decode}, which stages its inputs from the host into step temporaries, cannot be captured
     * (the capture fails on the host copy), which is why the session captures {@link Glm4vModel#decodeStep}.
     */
    @Test
    void stagedDecode_cannotBeCaptured() throws Exception {
        LoopbackBackend backend = new LoopbackBackend(TestBackends.jvm(), true);
        int[] prompt = { 1002, 1004, 7, 1010 };
        try (Glm4vModel model = model(backend, DType.F32); Arena arena = Arena.ofShared()) {
            KvCache cache = model.newCache(prompt.length + 2, arena);
            Ops ops = new Ops(backend, new Scratch(backend, model.scratchBytes(prompt.length, null, false), arena));
            RopeIndex rope = model.ropeIndex(prompt, List.of(), List.of());
            model.prefill(ops, prompt, (Tensor) null, rope, cache, false, Trace.OFF);
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> ops.stepGraphs().orElseThrow().capture(() -> model.decode(ops, 5, rope, cache)));
            assertTrue(e.getMessage().contains("a host copy") && e.getMessage().contains("during a graph capture"), e::getMessage);
        }
    }
}
