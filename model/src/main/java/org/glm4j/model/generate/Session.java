package org.glm4j.model.generate;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
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
 */
public final class Session implements AutoCloseable {
    private final Glm4vModel model;
    private final Tokenizer tokenizer;
    private final Preprocessors preprocessors;
    private Arena arena = Arena.ofShared();
    private Scratch scratch;
    private KvCache cache;
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
            Tensor idT = ops.temp(DType.I32, Shape.of(1));
            ops.sample(idT, logits, spec);
            int id = (int) HostData.toFloats(model.backend(), idT)[0];     // ids < 2^24 are exact in f32
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
            logits = model.decode(ops, id, rope, cache);
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


    /** Grows the cache and scratch (reallocating this session's arena) when a request needs more. */
    private void ensureCapacity(int tokens, long scratchBytes) {
        if (cache != null && cache.capacity() >= tokens && scratch.capacity() >= scratchBytes) return;
        int capacity = Math.max(tokens, cache == null ? 0 : cache.capacity());
        long bytes = Math.max(scratchBytes, scratch == null ? 0 : scratch.capacity());
        cache = null;
        scratch = null;
        arena.close();
        arena = Arena.ofShared();
        cache = model.newCache(capacity, arena);
        scratch = new Scratch(model.backend(), bytes, arena);
    }

    /** Frees the cache and scratch. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        arena.close();
    }
}
