package org.glm4j.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.preprocess.Patches;
import org.glm4j.model.text.KvCache;
import org.glm4j.model.text.RopeIndex;
import org.glm4j.model.text.TextModel;
import org.glm4j.model.vision.VisionGrid;
import org.glm4j.model.vision.VisionTransformer;
import org.glm4j.model.weights.CheckpointLayout;
import org.glm4j.model.weights.WeightStore;

/**
 * GLM-4.1V wired end to end: vision tower → projector → splice into the text embeddings → GLM decoder → logits.
 * Owns the mapped checkpoint (closed with the model). Activations use the checkpoint's dtype (f32 checkpoints
 * compute in f32 end to end, bf16 ones keep bf16 activations with f32 accumulation). The model is immutable and
 * shared by many threads; per-conversation state (KV cache, scratch) belongs to the caller.
 */
public final class Glm4vModel implements AutoCloseable {
    private final Glm4vConfig config;
    private final WeightStore store;
    private final DType dtype;
    private final Backend backend;
    private final VisionTransformer vision;
    private final TextModel text;

    private Glm4vModel(Glm4vConfig config, WeightStore store, DType dtype, Backend backend) {
        this.config = config;
        this.store = store;
        this.dtype = dtype;
        this.backend = backend;
        this.vision = new VisionTransformer(store, config.vision());
        this.text = new TextModel(store, config.text(), config.tieWordEmbeddings());
    }

    /** Loads {@code config.json} and the weights of {@code dir}, checking every tensor before anything runs. */
    public static Glm4vModel load(Path dir, Backend backend) throws IOException {
        return load(Glm4vConfig.load(dir), WeightStore.open(dir), backend, null);
    }

    /**
     * A model over an open store, which the model then owns (closes). {@code activations} overrides the activation
     * dtype (null: the checkpoint's own).
     */
    public static Glm4vModel load(Glm4vConfig config, WeightStore weights, Backend backend, DType activations) {
        WeightStore store = weights;
        try {
            DType dtype = new CheckpointLayout(config).check(store);
            if (activations != null) {
                if (!activations.isFloating()) throw new IllegalArgumentException("activation dtype " + activations + " is not floating");
                dtype = activations;
            }
            if (!backend.device().isHost()) {
                WeightStore host = store;                          // weights live on the device; the mapping goes
                store = WeightStore.uploaded(host, backend);
                host.close();
            }
            return new Glm4vModel(config, store, dtype, backend);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public Glm4vConfig config() { return config; }

    /** The activation dtype (the checkpoint's). */
    public DType dtype() { return dtype; }

    public Backend backend() { return backend; }

    /** A KV cache for up to {@code capacity} tokens in the caller's arena. */
    public KvCache newCache(int capacity, java.lang.foreign.Arena owner) {
        return new KvCache(backend, config.text(), dtype, capacity, owner);
    }

    /**
     * Vision features of preprocessed pixels ({@code patches}, one grid per image or per video) as
     * {@code [tokens, hidden]} in the activation dtype, from the ops' scratch.
     */
    public Tensor encodeVision(Ops ops, Patches patches, Trace trace) {
        VisionGrid grid = VisionGrid.of(VisionGrid.perTemporalPatch(patches.grids()), config.vision().spatialMergeSize());
        Tensor pixels = HostData.floats(ops, Shape.of(patches.rows(), patches.rowSize()), patches.values());
        if (dtype != DType.F32) pixels = ops.convert(pixels, dtype);                  // the reference casts before the conv
        return vision.encode(ops, pixels, grid, trace);
    }

    /**
     * Prefill: embeds {@code ids}, splices the vision features of {@code images} or {@code video} into the
     * image-token positions, runs the decoder over the cache and returns the logits of every position
     * ({@code allLogits}) or of the last one.
     */
    public Tensor prefill(Ops ops, int[] ids, Patches images, Patches video, RopeIndex rope, KvCache cache,
                          boolean allLogits, Trace trace) {
        if (images != null && video != null)
            throw new IllegalArgumentException("a request may carry images or one video, not both (as the reference)");
        Patches visual = images != null ? images : video;
        Tensor features = visual == null ? null : encodeVision(ops, visual, trace);
        return prefill(ops, ids, features, rope, cache, allLogits, trace);
    }

    /**
     * Prefill with vision features already encoded ({@code [image tokens, hidden]}, or null for text only).
     */
    public Tensor prefill(Ops ops, int[] ids, Tensor features, RopeIndex rope, KvCache cache, boolean allLogits, Trace trace) {
        Tensor x = ops.temp(dtype, Shape.of(ids.length, config.text().hiddenSize()));
        ops.embedding(x, text.embedTokens(), HostData.ints(ops, ids));
        if (features != null) splice(ops, x, ids, features);
        else if (count(ids, config.imageTokenId()) > 0)
            throw new IllegalArgumentException("the prompt has " + count(ids, config.imageTokenId()) + " image tokens but no image");
        Tensor h = text.forward(ops, x, rope.positions(), 0, cache, trace);
        Tensor last = allLogits ? h : h.rows(ids.length - 1, 1);
        return trace.record("logits", text.logits(ops, last));
    }

    /**
     * One decode step: the logits {@code [1, vocab]} after feeding {@code id} at the next cache position (and the
     * cache advanced by one). Its inputs are staged into step temporaries here; a generation loop that replays a
     * captured step uses {@link #decodeStep} with fixed {@link DecodeInputs} instead.
     */
    public Tensor decode(Ops ops, int id, RopeIndex rope, KvCache cache) {
        cache.reserve(1);
        int row = cache.length();
        Tensor[] tables = text.mrope().tables(ops, rope.continuation(row, 1), 0, 1, dtype);
        Tensor logits = step(ops, HostData.ints(ops, new int[] { id }), HostData.ints(ops, new int[] { row }), tables[0], tables[1], cache);
        cache.advance(1);
        return logits;
    }

    /** Fixed decode-step inputs on this model's backend, in the caller's arena. */
    public DecodeInputs newDecodeInputs(java.lang.foreign.Arena owner) {
        return new DecodeInputs(backend, text.mrope(), dtype, owner);
    }

    /**
     * One decode step from fixed inputs: embeds {@code in.tokenId()}, runs the decoder at cache row
     * {@code in.position()} with the rotary rows {@code in.cos(), in.sin()}, and returns the logits {@code [1, vocab]}
     * from the ops' scratch. Device work only, from device data only: no host reads or writes, no synchronisation, and
     * the cache's length untouched (the caller reserves and advances it), so a backend's
     * {@link org.glm4j.core.backend.StepGraphs} can capture it once and replay it for every token.
     */
    public Tensor decodeStep(Ops ops, DecodeInputs in, KvCache cache) {
        return step(ops, in.tokenId(), in.position(), in.cos(), in.sin(), cache);
    }

    private Tensor step(Ops ops, Tensor id, Tensor position, Tensor cos, Tensor sin, KvCache cache) {
        Tensor x = ops.temp(dtype, Shape.of(1, config.text().hiddenSize()));
        ops.embedding(x, text.embedTokens(), id);
        return text.logits(ops, text.decodeStep(ops, x, cos, sin, cache, position));
    }

    /** Overwrites the k-th image-token row of {@code x} with the k-th feature row (HF {@code masked_scatter}). */
    private void splice(Ops ops, Tensor x, int[] ids, Tensor features) {
        int image = config.imageTokenId(), k = 0, n = count(ids, image);
        if (n != features.dim(0))
            throw new IllegalArgumentException("image features and image tokens do not match: tokens: " + n + ", features: "
                    + features.dim(0));
        for (int i = 0; i < ids.length; ) {
            if (ids[i] != image) {
                i++;
                continue;
            }
            int j = i;
            while (j < ids.length && ids[j] == image) j++;
            ops.copy(x.rows(i, j - i), features.rows(k, j - i));
            k += j - i;
            i = j;
        }
    }

    private static int count(int[] ids, int id) {
        int n = 0;
        for (int v : ids) if (v == id) n++;
        return n;
    }

    /**
     * Scratch bytes one prefill of {@code tokens} tokens with {@code visual} patch rows (or null) needs, returning the
     * logits of every position or only the last: the vision tower's and the decoder's largest live temporaries,
     * with margin.
     */
    public long scratchBytes(int tokens, Patches visual, boolean allLogits) {
        Glm4vConfig c = config;
        long patches = visual == null ? 0 : visual.rows(), es = Math.max(dtype.byteSize(), 4);
        long vision = visual == null ? 0 : patches * (visual.rowSize() + 16L * c.vision().hiddenSize() + 4L * c.vision().outHiddenSize())
                + patches / 4 * (8L * c.vision().outHiddenSize() + 3L * c.vision().intermediateSize());
        long text = (long) tokens * (8L * c.text().hiddenSize() + 4L * c.text().intermediateSize()
                + 4L * c.text().numAttentionHeads() * c.text().headDim()) + (allLogits ? (long) tokens : 1L) * 2L * c.text().vocabSize();
        return Math.max(64L << 20, es * (vision + text) + (16L << 20));
    }

    /** Image and video grids in prompt order, for {@link RopeIndex#compute}. */
    public RopeIndex ropeIndex(int[] ids, List<int[]> imageGrids, List<int[]> videoGrids) {
        return RopeIndex.compute(ids, imageGrids, videoGrids, config);
    }

    /** Unmaps the checkpoint. The backend stays open (its owner closes it). */
    @Override public void close() { store.close(); }
}
