package org.glm4j.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/** Moves Java arrays into step temporaries on the backend's device (directly on the host, staged otherwise). */
public final class HostData {
    private HostData() {}

    /** An f32 temporary of {@code shape} holding {@code values}. */
    public static Tensor floats(Ops ops, Shape shape, float[] values) {
        Tensor t = ops.temp(DType.F32, shape);
        fill(ops, t, MemorySegment.ofArray(values), ValueLayout.JAVA_FLOAT);
        return t;
    }

    /** An i32 temporary {@code [n]} holding {@code values}. */
    public static Tensor ints(Ops ops, int[] values) {
        Tensor t = ops.temp(DType.I32, Shape.of(values.length));
        fill(ops, t, MemorySegment.ofArray(values), ValueLayout.JAVA_INT);
        return t;
    }

    /** All elements of {@code t} (any device) in row-major order, widened to f32. */
    public static float[] toFloats(org.glm4j.core.backend.Backend backend, Tensor t) {
        if (t.device().isHost()) return t.toFloatArray();
        try (Arena arena = Arena.ofShared()) {
            Tensor host = Tensor.allocate(t.dtype(), t.shape(), arena);
            Ops ops = new Ops(backend, null);
            ops.copy(host, t);
            ops.synchronize();
            return host.toFloatArray();
        }
    }

    /** The angle of row {@code r}, column {@code c} of a rotary table. */
    @FunctionalInterface
    public interface Angle { float at(int r, int c); }

    /**
     * {@code {cos, sin}} temporaries of {@code dtype}, {@code [rows, cols]}, of f32 angles (cos/sin computed in
     * double, rounded to f32, then to the dtype).
     */
    public static Tensor[] rotaryTables(Ops ops, DType dtype, int rows, int cols, Angle angle) {
        Tensor cos = ops.temp(dtype, Shape.of(rows, cols)), sin = ops.temp(dtype, Shape.of(rows, cols));
        try (Arena arena = Arena.ofShared()) {
            boolean host = cos.device().isHost();
            Tensor c = host ? cos : Tensor.allocate(dtype, cos.shape(), arena);
            Tensor s = host ? sin : Tensor.allocate(dtype, sin.shape(), arena);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++) {
                    float a = angle.at(r, j);
                    c.setFloat((long) r * cols + j, (float) Math.cos(a));
                    s.setFloat((long) r * cols + j, (float) Math.sin(a));
                }
            if (!host) {
                ops.copy(cos, c);
                ops.copy(sin, s);
                ops.synchronize();
            }
        }
        return new Tensor[] { cos, sin };
    }

    private static void fill(Ops ops, Tensor t, MemorySegment heap, ValueLayout layout) {
        if (t.numel() * layout.byteSize() != heap.byteSize())
            throw new IllegalArgumentException(heap.byteSize() / layout.byteSize() + " values for " + t);
        if (t.device().isHost()) {
            MemorySegment.copy(heap, 0, t.data(), t.byteOffset(), heap.byteSize());
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            Tensor staged = Tensor.allocate(t.dtype(), t.shape(), arena);
            MemorySegment.copy(heap, 0, staged.data(), 0, heap.byteSize());
            ops.copy(t, staged);
            ops.synchronize();
        }
    }
}
