package org.glm4j.core.backend;

import java.lang.foreign.Arena;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * A bump allocator for one step's temporaries: one block on the backend's device, handed out in aligned pieces and
 * {@linkplain #reset() reset} at the start of every step. Not thread-safe: one per session.
 */
public final class Scratch {
    private final Tensor block;
    private final long capacity;
    private long used;
    private long highWater;

    /** A scratch area of {@code capacityBytes} on {@code backend}'s device, living as long as {@code owner}. */
    public Scratch(Backend backend, long capacityBytes, Arena owner) {
        if (capacityBytes <= 0) throw new IllegalArgumentException("scratch: capacity must be > 0, got " + capacityBytes);
        long rows = (capacityBytes + Tensor.ALIGNMENT - 1) / Tensor.ALIGNMENT;    // [rows, 64] so any size fits a Shape
        this.block = backend.allocate(DType.U8, Shape.of(Math.toIntExact(rows), (int) Tensor.ALIGNMENT), owner);
        this.capacity = capacityBytes;
    }

    /** A tensor of {@code dtype} and {@code shape}, valid until the next {@link #reset()}. Contents are undefined. */
    public Tensor allocate(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        long start = (used + Tensor.ALIGNMENT - 1) & -Tensor.ALIGNMENT;
        if (start + bytes > capacity)
            throw new IllegalStateException("scratch: " + dtype + shape + " needs " + bytes + " bytes, only "
                    + Math.max(0, capacity - start) + " of " + capacity + " left; size the scratch for the largest step");
        used = start + bytes;
        highWater = Math.max(highWater, used);
        return new Tensor(dtype, shape, block.device(), block.data(), block.byteOffset() + start,
                Tensor.contiguousStrides(shape));
    }

    /** Frees everything handed out since the last reset. */
    public void reset() { used = 0; }

    /** A position to {@link #release(long)} back to: everything allocated after it is freed then. */
    public long mark() { return used; }

    /** Frees everything allocated since {@code mark} (a value from {@link #mark()}). */
    public void release(long mark) {
        if (mark < 0 || mark > used) throw new IllegalArgumentException("scratch: mark " + mark + " is not in [0, " + used + "]");
        used = mark;
    }

    /** Bytes in use now. */
    public long used() { return used; }

    /** Most bytes ever in use at once. */
    public long highWater() { return highWater; }

    public long capacity() { return capacity; }
}
