package org.glm4j.model.generate;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.backend.StepGraph;
import org.glm4j.core.backend.StepGraphs;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.DecodeInputs;
import org.glm4j.model.Glm4vModel;
import org.glm4j.model.HostData;
import org.glm4j.model.Trace;
import org.glm4j.model.text.KvCache;
import org.glm4j.model.text.RopeIndex;
import org.glm4j.model.tokenizer.StreamDecoder;
import org.glm4j.model.tokenizer.Tokenizer;

/**
 * One conversation's state on a shared model: its own arena, KV cache and scratch, grown on demand and reused
 * across requests. Generation runs on the calling thread; {@link #cancel()} may be called from any thread.
 * A session is not thread-safe: one request at a time. Close it to free its memory.
 *
 * <p><b>Decode graphs.</b> On a backend that offers {@link StepGraphs} (CUDA), the decode step
 * ({@link Glm4vModel#decodeStep}) runs op by op once as a warm-up, is then captured once, and every later token
 * replays the capture: before each replay the token id, its cache row and its rotary rows are written into the
 * session's fixed {@link DecodeInputs}, and the step's ops read them (and the cache up to that row) from device
 * memory. The capture stays valid across requests; it is dropped (and made again) only when the session's arena
 * is reallocated for a larger cache or scratch. Sampling runs after each replay, outside the graph.
 * {@link #useStepGraphs(boolean)} turns this off; backends without the capability always run the step op by op.
 */
public final class Session implements AutoCloseable {
    private final Glm4vModel model;
    private final Tokenizer tokenizer;
    private final Preprocessors preprocessors;
    private Arena arena = Arena.ofShared();
    private Scratch scratch;
    private KvCache cache;
    private DecodeInputs inputs;
    private Tensor sampled;
    private boolean stepGraphs = true;
    private boolean warmedUp;
    private StepGraph graph;
    private Tensor graphLogits;
    private volatile boolean cancelled;
    private boolean closed;

    /** The preprocessing a session applies to requests: image and video processors and the chat template. */
    public record Preprocessors(org.glm4j.model.preprocess.ImageProcessor images, org.glm4j.model.preprocess.VideoProcessor video,
                                org.glm4j.model.tokenizer.ChatRenderer template) {
        /** With the built-in chat template. */
        public Preprocessors(org.glm4j.model.preprocess.ImageProcessor images, org.glm4j.model.preprocess.VideoProcessor video) {
            this(images, video, org.glm4j.model.tokenizer.ChatTemplate.BUILT_IN);
        }
    }

    public Session(Glm4vModel model, Tokenizer tokenizer, Preprocessors preprocessors) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessors = preprocessors;
    }

    /**
     * Whether decode steps are captured and replayed as graphs where the backend can (default true). Turning it off
     * drops the capture; the step then runs op by op (the same ops, so the same tokens).
     */
    public void useStepGraphs(boolean on) {
        stepGraphs = on;
        if (!on) dropGraph();
    }

    /** Asks the running generation (if any) to stop after its current token. */
    public void cancel() { cancelled = true; }

    /** Prepares {@code request} (template, expansion, tokenization, pixels) without running the model. */
    public Prompt prepare(Request request) {
        if (tokenizer == null) throw new IllegalStateException("this model folder has no tokenizer.json; chat needs one");
        return Prompt.prepare(request.messages(), request.images(), request.video(), tokenizer, preprocessors.images(),
                preprocessors.video(), preprocessors.template());
    }

    /** Answers {@code request}, streaming each token to {@code listener}. */
    public Result generate(Request request, GenerationConfig gen, TokenListener listener) {
        return generate(prepare(request), gen, listener);
    }

    /** Runs a prepared prompt. */
    public Result generate(Prompt prompt, GenerationConfig gen, TokenListener listener) {
        if (closed) throw new IllegalStateException("session is closed");
        cancelled = false;
        int[] ids = prompt.ids();
        ensureCapacity(ids.length + gen.maxNewTokens(), model.scratchBytes(ids.length, prompt.images() != null ? prompt.images() : prompt.video(), false));
        Ops ops = new Ops(model.backend(), scratch);
        scratch.reset();
        cache.clear();
        RopeIndex rope = model.ropeIndex(ids, prompt.imageGrids(), prompt.videoGrids());

        long t0 = System.nanoTime();
        Tensor features = null;
        if (prompt.images() != null || prompt.video() != null) {
            features = model.encodeVision(ops, prompt.images() != null ? prompt.images() : prompt.video(), Trace.OFF);
            ops.synchronize();
        }
        long tVision = System.nanoTime();
        Tensor logits = model.prefill(ops, ids, features, rope, cache, false, Trace.OFF);
        ops.synchronize();
        long tPrefill = System.nanoTime();

        SplittableRandom random = new SplittableRandom(gen.seed());
        StreamDecoder decoder = tokenizer == null ? null : tokenizer.streamDecoder();
        OutputParser parser = new OutputParser();
        List<Integer> generated = new ArrayList<>();
        int[] history = java.util.Arrays.copyOf(ids, ids.length + gen.maxNewTokens());
        StringBuilder text = new StringBuilder();
        Result.Stop stop = Result.Stop.MAX_TOKENS;
        while (true) {
            int n = ids.length + generated.size();
            SamplingSpec spec = new SamplingSpec(gen.temperature(), gen.topK(), gen.topP(), gen.repetitionPenalty(),
                    gen.repetitionPenalty() == 1f ? null : java.util.Arrays.copyOf(history, n), random.nextDouble());
            ops.sample(sampled, logits, spec);
            int id = (int) HostData.toFloats(model.backend(), sampled)[0];  // ids < 2^24 are exact in f32
            if (gen.stopIds().contains(id)) {
                stop = Result.Stop.STOP_TOKEN;
                break;
            }
            generated.add(id);
            history[n] = id;
            String delta = decoder == null ? "" : decoder.next(id);
            text.append(delta);
            listener.onToken(id, delta, parser.accept(delta));
            if (cancelled) {
                stop = Result.Stop.CANCELLED;
                break;
            }
            if (generated.size() >= gen.maxNewTokens()) break;
            scratch.reset();
            logits = decode(ops, id, rope);
        }
        ops.synchronize();
        long tEnd = System.nanoTime();
        if (decoder != null) {
            String tail = decoder.flush();
            text.append(tail);
            if (!tail.isEmpty()) listener.onToken(-1, tail, parser.accept(tail));
        }
        List<OutputParser.Segment> rest = parser.finish();
        if (!rest.isEmpty()) listener.onToken(-1, "", rest);
        List<GuiAction> actions = new ArrayList<>();
        for (String box : parser.boxes()) {
            try {
                actions.addAll(GuiAction.parse(box));
            } catch (RuntimeException | StackOverflowError unparseable) {
                // a malformed box is text, not an action; the answer is still returned
            }
        }
        Result.Stats stats = new Result.Stats(ids.length, generated.size(), (tPrefill - t0) / 1e6, (tVision - t0) / 1e6, (tEnd - tPrefill) / 1e6);
        return new Result(ids, generated.stream().mapToInt(Integer::intValue).toArray(), text.toString(), parser.thinking(),
                parser.answer(), parser.boxes(), actions, stop, stats);
    }


    /**
     * One decode step feeding {@code id} at the next cache row: op by op, or (graphs on and offered) the warm-up run,
     * then one capture, then replays. Returns the logits {@code [1, vocab]}; advances the cache.
     */
    private Tensor decode(Ops ops, int id, RopeIndex rope) {
        cache.reserve(1);
        int row = cache.length();
        inputs.write(ops, id, row, rope.continuation(row, 1));
        Optional<StepGraphs> graphs = stepGraphs ? ops.stepGraphs() : Optional.empty();
        Tensor logits;
        if (graphs.isEmpty()) {
            logits = model.decodeStep(ops, inputs, cache);
        } else if (graph != null) {
            graph.replay();
            logits = graphLogits;
        } else if (!warmedUp) {
            logits = model.decodeStep(ops, inputs, cache);          // makes the backend's plans and temporaries
            warmedUp = true;
        } else {
            Tensor[] out = new Tensor[1];
            graph = graphs.get().capture(() -> out[0] = model.decodeStep(ops, inputs, cache));
            graphLogits = out[0];
            graph.replay();                                            // the capture ran nothing
            logits = graphLogits;
        }
        cache.advance(1);
        return logits;
    }

    private void dropGraph() {
        if (graph != null) graph.close();
        graph = null;
        graphLogits = null;
        warmedUp = false;
    }

    /** Grows the cache and scratch (reallocating this session's arena) when a request needs more. */
    private void ensureCapacity(int tokens, long scratchBytes) {
        if (cache != null && cache.capacity() >= tokens && scratch.capacity() >= scratchBytes) return;
        int capacity = Math.max(tokens, cache == null ? 0 : cache.capacity());
        long bytes = Math.max(scratchBytes, scratch == null ? 0 : scratch.capacity());
        dropGraph();                                                   // it refers to the memory about to go
        cache = null;
        scratch = null;
        arena.close();
        arena = Arena.ofShared();
        cache = model.newCache(capacity, arena);
        scratch = new Scratch(model.backend(), bytes, arena);
        inputs = model.newDecodeInputs(arena);
        sampled = model.backend().allocate(DType.I32, Shape.of(1), arena);
    }

    /** Frees the cache, scratch and decode graph. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        dropGraph();
        arena.close();
    }
}
