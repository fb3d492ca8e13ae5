package org.glm4j.core.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A typed, shaped view over memory. A tensor does not own memory and is not closeable: its {@code data} segment
 * lives as long as the {@link Arena} that allocated or mapped it, and that arena's owner closes it.
 *
 * <p>{@code strides} are in elements, one per dimension; {@code byteOffset} is where element {@code [0,...,0]}
 * sits inside {@code data}. Views ({@link #view}, {@link #rows}, {@link #slice}, {@link #unflatten}) share the
 * data and never copy. Device tensors hold a zero-length segment whose address is the device pointer, so a
 * stray Java read throws instead of touching device memory.
 */
public record Tensor(DType dtype, Shape shape, Device device, MemorySegment data, long byteOffset, long[] strides) {

    /** Alignment of every allocation, enough for 512-bit vector loads and vendor kernels. */
    public static final long ALIGNMENT = 64;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Tensor {
        if (strides.length != shape.rank())
            throw new IllegalArgumentException("tensor: " + strides.length + " strides for shape " + shape);
        strides = strides.clone();
        if (byteOffset < 0) throw new IllegalArgumentException("tensor: negative byte offset " + byteOffset);
        if (device.isHost() && shape.numel() > 0) {
            long[] span = byteSpan(dtype, shape, strides, byteOffset);
            if (span[0] < 0 || span[1] > data.byteSize())
                throw new IllegalArgumentException("tensor: " + dtype + shape + " with strides " + Arrays.toString(strides)
                        + " at byte " + byteOffset + " does not fit a segment of " + data.byteSize() + " bytes");
        }
    }

    // ---------------------------------------------------------------- creation

    /** Row-major strides for a shape. */
    public static long[] contiguousStrides(Shape shape) {
        long[] s = new long[shape.rank()];
        long acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape.dim(i);
        }
        return s;
    }

    /** A zero-filled host tensor whose memory lives as long as {@code owner}. */
    public static Tensor allocate(DType dtype, Shape shape, Arena owner) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        MemorySegment seg = owner.allocate(Math.max(bytes, 1), ALIGNMENT);
        return new Tensor(dtype, shape, Device.CPU, seg, 0, contiguousStrides(shape));
    }

    /** A contiguous host tensor over an existing segment, starting at its first byte. */
    public static Tensor host(DType dtype, Shape shape, MemorySegment data) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        if (data.byteSize() < bytes)
            throw new IllegalArgumentException("tensor: " + dtype + shape + " needs " + bytes + " bytes, segment has "
                    + data.byteSize());
        return new Tensor(dtype, shape, Device.CPU, data, 0, contiguousStrides(shape));
    }

    /** A contiguous tensor on a device, over device memory described by {@code data} (zero-length for CUDA). */
    public static Tensor onDevice(Device device, DType dtype, Shape shape, MemorySegment data, long byteOffset) {
        return new Tensor(dtype, shape, device, data, byteOffset, contiguousStrides(shape));
    }

    /**
     * A read-only, memory-mapped host tensor over {@code [offset, offset + bytes)} of a file. The mapping lives as
     * long as {@code owner}.
     */
    public static Tensor map(Path file, long offset, DType dtype, Shape shape, Arena owner) throws IOException {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset < 0 || offset + bytes > ch.size())
                throw new IllegalArgumentException(file + ": " + dtype + shape + " at byte " + offset
                        + " runs past the end of the file (" + ch.size() + " bytes)");
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, offset, Math.max(bytes, 1), owner);
            return host(dtype, shape, seg);
        }
    }

    /** A host tensor of {@code dtype} holding {@code values} (rounded to the dtype), allocated in {@code owner}. */
    public static Tensor of(DType dtype, Shape shape, Arena owner, float... values) {
        if (values.length != shape.numel())
            throw new IllegalArgumentException("tensor: " + values.length + " values for shape " + shape);
        Tensor t = allocate(dtype, shape, owner);
        for (int i = 0; i < values.length; i++) t.setFloat(i, values[i]);
        return t;
    }

    // ---------------------------------------------------------------- geometry

    /** Size of dimension {@code i} (negative counts from the end). */
    public int dim(int i) { return shape.dim(i); }

    public int rank() { return shape.rank(); }

    public long numel() { return shape.numel(); }

    /** Stride of dimension {@code i} in elements (negative counts from the end). */
    public long stride(int i) { return strides[i < 0 ? strides.length + i : i]; }

    @Override public long[] strides() { return strides.clone(); }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        return Arrays.equals(strides, contiguousStrides(shape)) || shape.numel() <= 1;
    }

    /**
     * True when the last dim has stride 1 and all leading dims collapse into rows of one {@link #rowStride()}.
     * Leading dims of size 1 take no part (one head out of many, {@code [L, 1, D]}, has rows of the token stride).
     */
    public boolean hasUniformRows() {
        if (rank() > 1 && stride(-1) != 1 && dim(-1) > 1) return false;
        if (rank() == 1) return stride(0) == 1 || dim(0) <= 1;
        int inner = -1;                                   // the next leading dim inwards with more than one entry
        for (int i = rank() - 2; i >= 0; i--) {
            if (shape.dim(i) <= 1) continue;
            if (inner >= 0 && strides[i] != strides[inner] * shape.dim(inner)) return false;
            inner = i;
        }
        return true;
    }

    /** Number of rows when seen as a matrix {@code [rows, dim(-1)]}. */
    public long rowCount() { return shape.rows(); }

    /** Element distance between consecutive rows (valid when {@link #hasUniformRows()}). */
    public long rowStride() {
        if (rank() == 1) return dim(0);
        for (int i = rank() - 2; i >= 0; i--)
            if (shape.dim(i) > 1) return strides[i];
        return strides[rank() - 2];                       // a single row
    }

    /** Byte range {@code [first, end)} inside {@code data} touched by a view, or an empty range. */
    private static long[] byteSpan(DType dtype, Shape shape, long[] strides, long byteOffset) {
        long lo = 0, hi = 0;
        for (int i = 0; i < strides.length; i++) {
            long extent = (shape.dim(i) - 1L) * strides[i];
            if (extent < 0) lo += extent; else hi += extent;
        }
        return new long[] { byteOffset + lo * dtype.byteSize(), byteOffset + (hi + 1) * dtype.byteSize() };
    }

    /** First and one-past-last byte addresses this view touches (absolute, for overlap checks). */
    public long[] addressSpan() {
        if (numel() == 0) return new long[] { data.address() + byteOffset, data.address() + byteOffset };
        long[] s = byteSpan(dtype, shape, strides, byteOffset);
        return new long[] { data.address() + s[0], data.address() + s[1] };
    }

    /** True when this view and {@code other} may share bytes (same device, overlapping address ranges). */
    public boolean overlaps(Tensor other) {
        if (!device.equals(other.device) || numel() == 0 || other.numel() == 0) return false;
        long[] a = addressSpan(), b = other.addressSpan();
        if (!(a[0] < b[1] && b[0] < a[1])) return false;
        return !disjointColumns(other);
    }

    /**
     * True when both views are rows of one common row stride whose column ranges never meet (for example two
     * column slices of one fused buffer): the byte ranges of each row lie apart modulo the row period.
     */
    private boolean disjointColumns(Tensor other) {
        if (!hasUniformRows() || !other.hasUniformRows() || rank() < 2 || other.rank() < 2) return false;
        long period = rowStride() * dtype.byteSize();
        if (period <= 0 || period != other.rowStride() * other.dtype.byteSize()) return false;
        long wa = (long) dim(-1) * dtype.byteSize(), wb = (long) other.dim(-1) * other.dtype.byteSize();
        if (wa > period || wb > period) return false;
        long oa = Math.floorMod(data.address() + byteOffset, period), ob = Math.floorMod(other.data.address() + other.byteOffset, period);
        long d = Math.floorMod(ob - oa, period);                   // b's start, seen from a's start on the circle
        return d >= wa && period - d >= wb;
    }

    /** Byte offset of the element at {@code index} (one index per dimension) from the start of {@code data}. */
    public long byteOffsetOf(long... index) {
        if (index.length != rank())
            throw new IllegalArgumentException("tensor: " + index.length + " indices for shape " + shape);
        long off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape.dim(i))
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside " + shape);
            off += index[i] * strides[i];
        }
        return byteOffset + off * dtype.byteSize();
    }

    /** Byte offset of the {@code flat}-th element in row-major order. */
    public long byteOffsetOfFlat(long flat) {
        long off = 0;
        for (int i = rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            off += (flat % d) * strides[i];
            flat /= d;
        }
        return byteOffset + off * dtype.byteSize();
    }

    // ---------------------------------------------------------------- views

    /** The same elements under another shape; needs a contiguous tensor and the same element count. */
    public Tensor view(Shape newShape) {
        if (newShape.numel() != shape.numel())
            throw new IllegalArgumentException("view: " + dtype + shape + " has " + numel() + " elements, " + newShape
                    + " needs " + newShape.numel());
        if (!isContiguous())
            throw new IllegalArgumentException("view: " + dtype + shape + " with strides " + Arrays.toString(strides)
                    + " is not contiguous; copy it first");
        return new Tensor(dtype, newShape, device, data, byteOffset, contiguousStrides(newShape));
    }

    public Tensor view(int... dims) { return view(Shape.of(dims)); }

    /** {@code n} entries of the outermost dimension starting at {@code from}. */
    public Tensor rows(int from, int n) { return slice(0, from, n); }

    /** {@code n} entries of dimension {@code dim} starting at {@code from}; a strided view for inner dims. */
    public Tensor slice(int dim, int from, int n) {
        int d = dim < 0 ? rank() + dim : dim;
        if (d < 0 || d >= rank()) throw new IllegalArgumentException("slice: no dimension " + dim + " in " + shape);
        if (from < 0 || n < 0 || (long) from + n > shape.dim(d))
            throw new IllegalArgumentException("slice: [" + from + ", " + ((long) from + n) + ") outside dimension " + d
                    + " of " + dtype + shape);
        return new Tensor(dtype, shape.with(d, n), device, data,
                byteOffset + from * strides[d] * dtype.byteSize(), strides);
    }

    /** {@code n} columns (entries of the last dimension) starting at {@code from}: a strided view. */
    public Tensor columns(int from, int n) { return slice(-1, from, n); }

    /** Dimension {@code dim} split into {@code sizes} (their product must equal it), e.g. {@code [L,4096]→[L,32,128]}. */
    public Tensor unflatten(int dim, int... sizes) {
        int d = dim < 0 ? rank() + dim : dim;
        long prod = 1;
        for (int s : sizes) prod *= s;
        if (prod != shape.dim(d))
            throw new IllegalArgumentException("unflatten: " + Arrays.toString(sizes) + " do not multiply to dimension "
                    + d + " (" + shape.dim(d) + ") of " + shape);
        int[] dims = new int[rank() - 1 + sizes.length];
        long[] st = new long[dims.length];
        int j = 0;
        for (int i = 0; i < rank(); i++) {
            if (i != d) {
                dims[j] = shape.dim(i);
                st[j++] = strides[i];
                continue;
            }
            long inner = strides[i];
            for (int k = sizes.length - 1; k >= 0; k--) {
                dims[j + k] = sizes[k];
                st[j + k] = inner;
                inner *= sizes[k];
            }
            j += sizes.length;
        }
        return new Tensor(dtype, Shape.of(dims), device, data, byteOffset, st);
    }

    // ---------------------------------------------------------------- host element access (slow path)

    private void requireHost(String what) {
        if (!device.isHost()) throw new IllegalStateException(what + ": tensor " + this + " is not in host memory");
    }

    /** Element {@code flat} (row-major order) widened to f32; host tensors of any dtype. */
    public float getFloat(long flat) {
        requireHost("getFloat");
        long off = byteOffsetOfFlat(flat);
        return switch (dtype) {
            case F32 -> data.get(F32, off);
            case BF16 -> DType.bf16ToF32(data.get(I16, off));
            case F16 -> DType.f16ToF32(data.get(I16, off));
            case I32 -> data.get(I32, off);
            case I64 -> data.get(I64, off);
            case U8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, off));
        };
    }

    /** Sets element {@code flat} (row-major order), rounding to the dtype. */
    public void setFloat(long flat, float v) {
        requireHost("setFloat");
        long off = byteOffsetOfFlat(flat);
        switch (dtype) {
            case F32 -> data.set(F32, off, v);
            case BF16 -> data.set(I16, off, DType.f32ToBf16(v));
            case F16 -> data.set(I16, off, DType.f32ToF16(v));
            case I32 -> data.set(I32, off, (int) v);
            case I64 -> data.set(I64, off, (long) v);
            case U8 -> data.set(ValueLayout.JAVA_BYTE, off, (byte) Math.clamp((long) v, 0, 255));
        }
    }

    /** Integer element {@code flat} of an I32, I64 or U8 tensor. */
    public long getLong(long flat) {
        requireHost("getLong");
        long off = byteOffsetOfFlat(flat);
        return switch (dtype) {
            case I32 -> data.get(I32, off);
            case I64 -> data.get(I64, off);
            case U8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, off));
            default -> throw new IllegalStateException("getLong: " + dtype + " is not an integer dtype");
        };
    }

    /** Sets integer element {@code flat} of an I32, I64 or U8 tensor. */
    public void setLong(long flat, long v) {
        requireHost("setLong");
        long off = byteOffsetOfFlat(flat);
        switch (dtype) {
            case I32 -> data.set(I32, off, Math.toIntExact(v));
            case I64 -> data.set(I64, off, v);
            case U8 -> data.set(ValueLayout.JAVA_BYTE, off, (byte) v);
            default -> throw new IllegalStateException("setLong: " + dtype + " is not an integer dtype");
        }
    }

    /** All elements in row-major order widened to f32 (a heap copy, for tests and small tensors). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("toFloatArray: " + this + " is too large");
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        return out;
    }

    // ---------------------------------------------------------------- identity

    @Override public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && shape.equals(t.shape) && device.equals(t.device)
                && byteOffset == t.byteOffset && Arrays.equals(strides, t.strides)
                && data.address() == t.data.address() && data.byteSize() == t.data.byteSize();
    }

    @Override public int hashCode() {
        return Long.hashCode(data.address() + byteOffset) * 31 + shape.hashCode();
    }

    /** {@code bf16[7,1536]} (plus the device when not on the host, and strides when not contiguous). */
    @Override public String toString() {
        String s = dtype.toString() + shape;
        if (!isContiguous()) s += "{strides=" + Arrays.toString(strides) + "}";
        return device.isHost() ? s : s + "@" + device;
    }
}
