package org.glm4j.core.backend.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Derived forms of weight tensors (matmul weights reordered into oneDNN's preferred layout, biases widened to f32,
 * conv weights regrouped), made once per weight and kept while the weight's memory is alive.
 *
 * <p>A weight is identified by its memory: segment scope, address, dtype, shape and strides, plus the purpose of
 * the derived form. Weights are treated as immutable while they are alive: an entry is rebuilt only when its
 * weight's scope has closed (the entry is then dropped at the next insertion) or when a sampled fingerprint of the
 * weight's bytes (64 elements spread over it) no longer matches, which catches memory reused for another weight
 * (a reset scratch, a reallocated arena) but not every in-place edit. Weights in a read-only file mapping (the
 * checkpoint) are not sampled: their bytes cannot change while the mapping lives, and sampling them on every call
 * would fault the pages a packed weight released back into memory, a few MiB per weight and call.
 *
 * <p>Entries are reference-counted like {@link PrimitiveCache}'s: a replaced entry is freed after its last user
 * releases it. Thread-safe.
 */
final class WeightCache implements AutoCloseable {
    /**
     * Where a packed bf16 weight's blocks are, for {@link VectorGemv#packedBf16}: N-block stride in elements and the
     * number of 32-input K-blocks.
     */
    record PackedLayout(long nbStride, int kBlocks) {}

    /** A derived form of one weight: its bytes (owned by {@link #arena}, or the weight's own) and descriptor. */
    static final class Entry {
        final Arena arena;
        final MemorySegment data;
        final MemorySegment md;
        final long bytes;
        /** The decode kernel's view of a packed layout it can read, or null. */
        PackedLayout packed;
        private long fingerprint;
        private WeakReference<MemorySegment.Scope> scope;
        private int refs;
        private boolean evicted;

        /**
         * @param arena owns {@code data} (closed with the entry), or null when {@code data} is the weight's memory
         * @param md    a oneDNN memory descriptor the entry owns, or null
         */
        Entry(Arena arena, MemorySegment data, MemorySegment md) {
            this.arena = arena;
            this.data = data;
            this.md = md;
            this.bytes = arena == null ? 0 : data.byteSize();
        }

        private void free() {
            if (md != null) Dnnl.destroy(md);
            if (arena != null) arena.close();
        }
    }

    private record Key(String purpose, long address, DType dtype, int[] dims, long[] strides) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.purpose.equals(purpose) && k.address == address && k.dtype == dtype
                    && Arrays.equals(k.dims, dims) && Arrays.equals(k.strides, strides);
        }

        @Override public int hashCode() {
            return (purpose.hashCode() * 31 + Long.hashCode(address)) * 31 + Arrays.hashCode(dims);
        }
    }

    private final Map<Key, Entry> map = new HashMap<>();
    private long packedBytes;

    /**
     * The derived form of {@code w} for {@code purpose}, made by {@code make} when missing or stale. The caller
     * {@link #release}s it after use.
     */
    Entry acquire(Tensor w, String purpose, Function<Tensor, Entry> make) {
        Key key = new Key(purpose, w.data().address() + w.byteOffset(), w.dtype(), w.shape().toArray(), w.strides());
        long fp = fingerprint(w);
        MemorySegment.Scope scope = w.data().scope();
        synchronized (this) {
            Entry e = map.get(key);
            if (e != null && e.fingerprint == fp && e.scope.get() == scope && scope.isAlive()) {
                e.refs++;
                return e;
            }
        }
        Entry made = make.apply(w);
        made.fingerprint = fp;
        made.scope = new WeakReference<>(scope);
        synchronized (this) {
            purgeDead();
            Entry old = map.put(key, made);
            if (old != null) evict(old);
            packedBytes += made.bytes;
            made.refs = 1;
            return made;
        }
    }

    synchronized void release(Entry e) {
        if (--e.refs == 0 && e.evicted) e.free();
    }

    /** Bytes held by derived copies (not counting entries that reuse the weight's own memory). */
    synchronized long bytes() { return packedBytes; }

    synchronized int size() { return map.size(); }

    private void evict(Entry e) {
        e.evicted = true;
        packedBytes -= e.bytes;
        if (e.refs == 0) e.free();
    }

    private void purgeDead() {
        for (Iterator<Entry> it = map.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            MemorySegment.Scope s = e.scope.get();
            if (s == null || !s.isAlive()) {
                it.remove();
                evict(e);
            }
        }
    }

    private static final ValueLayout.OfLong RAW64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort RAW16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt RAW32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A hash of 64 elements spread evenly over the tensor (raw bits); 0 for a read-only file mapping. */
    static long fingerprint(Tensor t) {
        if (t.data().isMapped() && t.data().isReadOnly()) return 0;
        long n = t.numel();
        long h = n * 0x9E3779B97F4A7C15L;
        int samples = (int) Math.min(64, n);
        for (int i = 0; i < samples; i++) {
            long flat = samples == 1 ? 0 : i * (n - 1) / (samples - 1);
            long off = t.byteOffsetOfFlat(flat);
            long bits = switch (t.dtype().byteSize()) {
                case 2 -> t.data().get(RAW16, off);
                case 4 -> t.data().get(RAW32, off);
                case 8 -> t.data().get(RAW64, off);
                default -> t.data().get(ValueLayout.JAVA_BYTE, off);
            };
            h = (h ^ bits) * 0x100000001B3L;
        }
        return h;
    }

    @Override public synchronized void close() {
        for (Entry e : map.values()) evict(e);
        map.clear();
    }
}
