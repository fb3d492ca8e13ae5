package org.glm4j.model.text;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.config.TextConfig;

/**
 * Keys (after RoPE) and values of every layer, {@code [capacity, kvHeads·headDim]} each in the activation dtype,
 * allocated once up front on the backend's device and owned by the caller's arena. {@link #length()} tokens are
 * filled.
 */
public final class KvCache {
    /** One layer's cache. */
    public record Layer(Tensor keys, Tensor values) {}

    /**
     * Where a forward pass writes its keys and values: rows from {@code start} (a host index: prefill), or one step's
     * row at {@code position[0]}, an I32 {@code [1]} tensor on the backend's device (a decode step whose replays, from
     * a captured graph, read the position the host wrote before each one).
     */
    public record Slot(int start, Tensor position) {
        public static Slot at(int start) { return new Slot(start, null); }

        public static Slot atDevice(Tensor position) { return new Slot(-1, position); }
    }

    private final Layer[] layers;
    private final int capacity;
    private int length;

    public KvCache(Backend backend, TextConfig c, DType dtype, int capacity, Arena owner) {
        if (capacity <= 0) throw new IllegalArgumentException("kv cache capacity must be > 0, got " + capacity);
        this.capacity = capacity;
        this.layers = new Layer[c.numHiddenLayers()];
        Shape shape = Shape.of(capacity, c.numKeyValueHeads() * c.headDim());
        for (int i = 0; i < layers.length; i++)
            layers[i] = new Layer(backend.allocate(dtype, shape, owner), backend.allocate(dtype, shape, owner));
    }

    public Layer layer(int i) { return layers[i]; }

    /** Tokens cached so far. */
    public int length() { return length; }

    public int capacity() { return capacity; }

    /** Checks that {@code count} more tokens fit. */
    public void reserve(int count) {
        if ((long) length + count > capacity)
            throw new IllegalStateException("kv cache full: " + length + " + " + count + " tokens exceed its capacity of " + capacity);
    }

    /** Marks {@code count} more tokens as cached (after every layer wrote them). */
    public void advance(int count) {
        reserve(count);
        length += count;
    }

    /** Forgets everything (the memory is reused). */
    public void clear() { length = 0; }
}
