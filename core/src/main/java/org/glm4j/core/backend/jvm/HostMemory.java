package org.glm4j.core.backend.jvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.glm4j.bindings.libc.mman_h;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * Zeroed host memory whose pages become resident only when first touched. Blocks from {@value #LAZY_MIN_BYTES}
 * bytes up are anonymous mappings ({@code mmap}; the kernel hands out zero pages on first touch and {@code munmap}
 * returns them when the owning arena closes); smaller ones, and every block where {@link mman_h} is unavailable
 * (not Linux), come from the arena, which zero-fills them and so touches every page at once.
 *
 * <p>Why: a session sizes its KV cache for its longest request and its scratch for its largest step (vision and
 * prefill) up front; with the arena's zero fill all of it is resident from the start, with a mapping only what a
 * step has actually used (the scratch's high-water mark, the cache's filled rows).
 */
public final class HostMemory {
    /** Smallest block served by a mapping (two 2 MiB pages: below it a mapping saves nothing worth a system call). */
    public static final long LAZY_MIN_BYTES = 4L << 20;
    private static final boolean MAPPING = mman_h.available();

    private HostMemory() {}

    /** {@code bytes} zeroed bytes aligned to {@code alignment} (at most 4096), freed when {@code owner} closes. */
    @SuppressWarnings("restricted")
    public static MemorySegment allocate(long bytes, long alignment, Arena owner) {
        if (alignment > 4096) throw new IllegalArgumentException("host memory: alignment " + alignment + " > 4096");
        if (!MAPPING || bytes < LAZY_MIN_BYTES) return owner.allocate(Math.max(bytes, 1), alignment);
        MemorySegment p = mman_h.mmap(MemorySegment.NULL, bytes, mman_h.PROT_READ() | mman_h.PROT_WRITE(),
                mman_h.MAP_PRIVATE() | mman_h.MAP_ANONYMOUS(), -1, 0);
        if (p.address() == mman_h.MAP_FAILED()) return owner.allocate(bytes, alignment);   // the arena reports the failure
        return p.reinterpret(bytes, owner, s -> mman_h.munmap(s, bytes));
    }

    /** A zeroed contiguous host tensor (see the class comment), freed when {@code owner} closes. */
    public static Tensor tensor(DType dtype, Shape shape, Arena owner) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        return Tensor.host(dtype, shape, allocate(bytes, Tensor.ALIGNMENT, owner));
    }
}
