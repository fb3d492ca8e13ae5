package org.glm4j.core.backend.onednn;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Created primitives by key (op, shapes, strides, dtypes, attributes), least recently used first out beyond a
 * bound. Creating a primitive (descriptor search, JIT) costs tens of microseconds to milliseconds, so ops look
 * theirs up here and nothing is rebuilt per token; the bound keeps memory flat when shapes keep changing (every
 * prefill length is a new matmul shape).
 *
 * <p>{@link #acquire} hands out a reference that the caller releases after executing; an entry evicted meanwhile is
 * destroyed when its last user releases it. Thread-safe.
 */
final class PrimitiveCache implements AutoCloseable {
    /** A cache key: the op's name and every number that selects its primitive. */
    record Key(String op, long[] values) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.op.equals(op) && Arrays.equals(k.values, values);
        }

        @Override public int hashCode() { return op.hashCode() * 31 + Arrays.hashCode(values); }

        @Override public String toString() { return op + Arrays.toString(values); }
    }

    private final int capacity;
    private final LinkedHashMap<Key, Primitive> map = new LinkedHashMap<>(64, 0.75f, true);
    private long hits, misses, evictions;

    PrimitiveCache(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("onednn: primitive cache capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
    }

    /** The primitive for {@code key}, created by {@code create} on a miss; release it after use. */
    Primitive acquire(Key key, Supplier<Primitive> create) {
        synchronized (this) {
            Primitive p = map.get(key);
            if (p != null) {
                hits++;
                p.refs++;
                return p;
            }
            misses++;
        }
        Primitive created = create.get();
        synchronized (this) {
            Primitive raced = map.get(key);
            if (raced != null) {
                created.destroy();
                raced.refs++;
                return raced;
            }
            created.refs = 1;
            map.put(key, created);
            evictBeyondCapacity();
            return created;
        }
    }

    synchronized void release(Primitive p) {
        if (--p.refs == 0 && p.evicted) p.destroy();
    }

    private void evictBeyondCapacity() {
        Iterator<Map.Entry<Key, Primitive>> it = map.entrySet().iterator();
        while (map.size() > capacity && it.hasNext()) {
            Primitive p = it.next().getValue();
            it.remove();
            evictions++;
            p.evicted = true;
            if (p.refs == 0) p.destroy();
        }
    }

    synchronized int size() { return map.size(); }

    int capacity() { return capacity; }

    /** Hits, misses and evictions so far. */
    synchronized long[] stats() { return new long[] { hits, misses, evictions }; }

    @Override public synchronized String toString() {
        return "PrimitiveCache[" + map.size() + "/" + capacity + ", hits=" + hits + ", misses=" + misses + ", evictions=" + evictions + "]";
    }

    @Override public synchronized void close() {
        for (Primitive p : map.values()) {
            p.evicted = true;
            if (p.refs == 0) p.destroy();
        }
        map.clear();
    }
}
