package org.glm4j.tests.support;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongToDoubleFunction;
import java.util.function.Supplier;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * Seeded operands for one run of a test case on one backend. Every tensor is made on the host from the seed (so the
 * same seed and the same sequence of calls give the same values on every backend), then placed on the backend's
 * device; {@link #host} finds the host copy of an operand (or a view of one) for the reference, {@link #download}
 * reads a result back. On a host backend the operand and its host copy are the same memory, so a reference must be
 * computed before an in-place op runs.
 *
 * <p>The memory lives as long as the arena passed in; a {@code Fixtures} is used by one thread.
 */
public final class Fixtures {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int CHUNK = 1 << 16;

    private final Backend backend;
    private final Arena arena;
    private final SplittableRandom rng;
    private final boolean reference;
    private final List<Mirror> mirrors = new ArrayList<>();

    private record Mirror(Tensor host, Tensor device) {}

    private Fixtures(Backend backend, Arena arena, long seed, boolean reference) {
        this.backend = backend;
        this.arena = arena;
        this.rng = new SplittableRandom(seed);
        this.reference = reference;
    }

    /**
     * Operands for {@code backend} from {@code seed}, allocated in {@code arena}; {@code reference} says whether
     * {@link #reference(Supplier)} computes the double-precision reference in this run.
     */
    public static Fixtures on(Backend backend, Arena arena, long seed, boolean reference) {
        return new Fixtures(backend, arena, seed, reference);
    }

    public Backend backend() { return backend; }

    public Arena arena() { return arena; }

    /** The run's generator, for values that are not tensors (uniform draws, ids). */
    public SplittableRandom rng() { return rng; }

    // ---------------------------------------------------------------- operands

    /** Uniform values in {@code [-1, 1)}, rounded to {@code dtype}, on the backend. */
    public Tensor random(DType dtype, Shape shape) { return random(dtype, shape, -1, 1); }

    /** Uniform values in {@code [lo, hi)}, rounded to {@code dtype}, on the backend. */
    public Tensor random(DType dtype, Shape shape, double lo, double hi) {
        return place(randomHost(dtype, shape, lo, hi, rng, arena));
    }

    /** Element {@code i} (row-major) is {@code value(i)} rounded to {@code dtype}, on the backend. */
    public Tensor filled(DType dtype, Shape shape, LongToDoubleFunction value) {
        return place(filledHost(dtype, shape, value, arena));
    }

    /** The given values rounded to {@code dtype}, on the backend. */
    public Tensor of(DType dtype, Shape shape, float... values) {
        return place(Tensor.of(dtype, shape, arena, values));
    }

    /** An I32 or I64 vector of ids on the backend. */
    public Tensor ids(DType dtype, long... ids) {
        Tensor t = Tensor.allocate(dtype, Shape.of(ids.length), arena);
        for (int i = 0; i < ids.length; i++) t.setLong(i, ids[i]);
        return place(t);
    }

    /** A zeroed tensor on the backend, for outputs. */
    public Tensor zeros(DType dtype, Shape shape) {
        return backend.allocate(dtype, shape, arena);
    }

    /** A host tensor (contiguous, made here) placed on the backend: itself on a host backend, else a device copy. */
    public Tensor place(Tensor host) {
        if (backend.device().isHost()) return host;
        Tensor device = backend.allocate(host.dtype(), host.shape(), arena);
        backend.copy(device, host);
        backend.synchronize();
        mirrors.add(new Mirror(host, device));
        return device;
    }

    /** The host copy of an operand made here, or of a view of one (same shape, strides and relative offset). */
    public Tensor host(Tensor t) {
        if (t.device().isHost()) return t;
        long start = t.byteOffset();
        for (Mirror m : mirrors) {
            Tensor d = m.device();
            long bytes = d.numel() * d.dtype().byteSize();
            if (d.device().equals(t.device()) && d.data().address() == t.data().address()
                    && start >= d.byteOffset() && start < d.byteOffset() + bytes)
                return new Tensor(t.dtype(), t.shape(), m.host().device(), m.host().data(),
                        start - d.byteOffset() + m.host().byteOffset(), t.strides());
        }
        throw new IllegalArgumentException("fixtures: " + t + " was not made by these fixtures");
    }

    /** The elements of {@code t} in row-major order, widened to f32, read back to the host. */
    public float[] download(Tensor t) {
        if (t.device().isHost()) return t.toFloatArray();
        Tensor h = Tensor.allocate(t.dtype(), t.shape(), arena);
        backend.copy(h, t);
        backend.synchronize();
        return h.toFloatArray();
    }

    /** The integer elements of {@code t} (I32/I64) in row-major order, read back to the host. */
    public long[] downloadLongs(Tensor t) {
        Tensor h = t;
        if (!t.device().isHost()) {
            h = Tensor.allocate(t.dtype(), t.shape(), arena);
            backend.copy(h, t);
            backend.synchronize();
        }
        long[] out = new long[Math.toIntExact(h.numel())];
        for (int i = 0; i < out.length; i++) out[i] = h.getLong(i);
        return out;
    }

    /** Whether this run compares with the double-precision reference (level 1) rather than with another backend. */
    public boolean computesReference() { return reference; }

    /** {@code expected.get()} in a reference run, null otherwise (the reference can be slow at the model's sizes). */
    public double[] reference(Supplier<double[]> expected) {
        return reference ? expected.get() : null;
    }

    // ---------------------------------------------------------------- host tensors

    /** A contiguous host tensor of uniform values in {@code [lo, hi)} rounded to {@code dtype}. */
    public static Tensor randomHost(DType dtype, Shape shape, double lo, double hi, SplittableRandom rng, Arena arena) {
        return filledHost(dtype, shape, i -> rng.nextDouble(lo, hi), arena);
    }

    /** A contiguous host tensor whose element {@code i} is {@code value(i)} rounded to {@code dtype}. */
    public static Tensor filledHost(DType dtype, Shape shape, LongToDoubleFunction value, Arena arena) {
        Tensor t = Tensor.allocate(dtype, shape, arena);
        long n = t.numel();
        MemorySegment seg = t.data();
        switch (dtype) {
            case F32 -> {
                float[] buf = new float[(int) Math.min(n, CHUNK)];
                for (long base = 0; base < n; base += buf.length) {
                    int len = (int) Math.min(buf.length, n - base);
                    for (int i = 0; i < len; i++) buf[i] = (float) value.applyAsDouble(base + i);
                    MemorySegment.copy(buf, 0, seg, F32, base * 4, len);
                }
            }
            case BF16, F16 -> {
                short[] buf = new short[(int) Math.min(n, CHUNK)];
                for (long base = 0; base < n; base += buf.length) {
                    int len = (int) Math.min(buf.length, n - base);
                    for (int i = 0; i < len; i++) {
                        float v = (float) value.applyAsDouble(base + i);
                        buf[i] = dtype == DType.BF16 ? DType.f32ToBf16(v) : DType.f32ToF16(v);
                    }
                    MemorySegment.copy(buf, 0, seg, I16, base * 2, len);
                }
            }
            default -> {
                for (long i = 0; i < n; i++) t.setLong(i, Math.round(value.applyAsDouble(i)));
            }
        }
        return t;
    }
}
