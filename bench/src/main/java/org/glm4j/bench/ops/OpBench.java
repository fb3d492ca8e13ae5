package org.glm4j.bench.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.UnsupportedOpException;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Plumbing shared by the op benchmarks: each subclass is one JMH state (one case) that opens its backend by name,
 * allocates its operands in an {@link Arena#ofShared()} and closes both in its {@code @TearDown}.
 *
 * <p>Operands the case streams from memory (weights, the KV cache, norm rows) can be <em>rotated</em>: the state
 * keeps enough copies to span {@link #rotateBytes} and each invocation uses the next one, so a case whose operands
 * would fit the last-level cache still reads them from DRAM, as decoding a 40-layer model does. Ops go through
 * {@link Ops}, the path model code takes, with destination forms only (no scratch).
 */
@State(Scope.Benchmark)
public abstract class OpBench {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Name of the backend, as {@link Backends#open(String)} takes it. */
    @Param("jvm")
    public String backend;

    /** Bytes the copies of the rotated operands must span together; 0 keeps a single copy (cache-warm). */
    @Param("0")
    public long rotateBytes;

    protected Backend opened;
    protected Ops ops;
    protected Arena arena;
    private final SplittableRandom random = new SplittableRandom(42);

    /** Opens the backend and the arena; fails before any allocation when the backend lacks {@code op} for {@code dtype}. */
    protected final void open(Op op, DType dtype) {
        opened = Backends.open(backend);
        if (!opened.supports(op, dtype)) {
            opened.close();
            throw new UnsupportedOpException(backend + " has no " + op + " for " + dtype);
        }
        arena = Arena.ofShared();
        ops = new Ops(opened, null);
    }

    /** Closes the arena (freeing every operand), then the backend. */
    protected final void close() {
        if (arena != null) arena.close();
        if (opened != null) opened.close();
    }

    /** How many copies of a set of {@code bytesPerSet} rotated bytes span {@link #rotateBytes} (at least one). */
    protected final int copies(long bytesPerSet) {
        return rotationCopies(rotateBytes, bytesPerSet);
    }

    /** {@code ceil(rotateBytes / bytesPerSet)}, at least 1. */
    static int rotationCopies(long rotateBytes, long bytesPerSet) {
        if (bytesPerSet <= 0) throw new IllegalArgumentException("rotation: bytes per set must be > 0, got " + bytesPerSet);
        if (rotateBytes <= 0) return 1;
        return Math.toIntExact(Math.max(1, (rotateBytes + bytesPerSet - 1) / bytesPerSet));
    }

    /** A zeroed tensor on the backend's device. */
    protected final Tensor zeros(DType dtype, Shape shape) {
        return opened.allocate(dtype, shape, arena);
    }

    /** A tensor of values uniform in {@code [lo, hi)} (rounded to {@code dtype}) on the backend's device. */
    protected final Tensor random(DType dtype, Shape shape, float lo, float hi) {
        if (opened.device().isHost()) {
            Tensor t = opened.allocate(dtype, shape, arena);
            fill(t, lo, hi);
            return t;
        }
        Tensor host = Tensor.allocate(dtype, shape, arena);
        fill(host, lo, hi);
        Tensor t = opened.allocate(dtype, shape, arena);
        ops.copy(t, host);
        return t;
    }

    /** {@code n} distinct tensors holding the same random values, for rotation. */
    protected final Tensor[] randomCopies(int n, DType dtype, Shape shape, float lo, float hi) {
        Tensor[] copies = new Tensor[n];
        copies[0] = random(dtype, shape, lo, hi);
        for (int i = 1; i < n; i++) {
            copies[i] = opened.allocate(dtype, shape, arena);
            ops.copy(copies[i], copies[0]);
        }
        opened.synchronize();
        return copies;
    }

    private void fill(Tensor t, float lo, float hi) {
        MemorySegment seg = t.data();
        long n = t.numel(), base = t.byteOffset();
        switch (t.dtype()) {
            case F32 -> { for (long i = 0; i < n; i++) seg.set(F32, base + 4 * i, next(lo, hi)); }
            case BF16 -> { for (long i = 0; i < n; i++) seg.set(I16, base + 2 * i, DType.f32ToBf16(next(lo, hi))); }
            case F16 -> { for (long i = 0; i < n; i++) seg.set(I16, base + 2 * i, DType.f32ToF16(next(lo, hi))); }
            default -> throw new IllegalArgumentException("bench: random " + t.dtype() + " is not supported");
        }
    }

    private float next(float lo, float hi) {
        return lo + (hi - lo) * random.nextFloat();
    }

    /**
     * Throws when a host output holds NaN or infinity: a kernel that returns garbage fast must not pass as fast.
     * Device outputs are checked by the parity suite instead.
     */
    protected final void requireFinite(String caseName, Tensor out) {
        if (!out.device().isHost()) return;
        long n = out.numel(), step = Math.max(1, n / 65_536);
        for (long i = 0; i < n; i += step) {
            float v = out.getFloat(i);
            if (!Float.isFinite(v))
                throw new IllegalStateException(caseName + " on " + backend + " wrote " + v + " at element " + i + " of " + out);
        }
    }
}
