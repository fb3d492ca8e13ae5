package org.glm4j.tests.tensor;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F32;
import static org.glm4j.core.tensor.DType.I32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tensor} views ({@code view, rows, slice, columns, unflatten}), overlap, element access; {@link Shape}, {@link Device}. */
class TensorViewTest {
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void close() { arena.close(); }

    /** {@code [rows, cols]} f32 with element (r, c) = 100·r + c. */
    private Tensor grid(int rows, int cols) {
        Tensor t = Tensor.allocate(F32, Shape.of(rows, cols), arena);
        for (int i = 0; i < rows * cols; i++) t.setFloat(i, 100 * (i / cols) + i % cols);
        return t;
    }

    private static void assertRejected(Executable call, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), () -> "message '" + e.getMessage() + "' lacks '" + message + "'");
    }

    // ---------------------------------------------------------------- creation

    @Test
    void allocate_isZeroedContiguousAndAligned() {
        Tensor t = Tensor.allocate(BF16, Shape.of(3, 5, 7), arena);
        assertArrayEquals(new long[] { 35, 7, 1 }, t.strides());
        assertTrue(t.isContiguous());
        assertEquals(0, t.data().address() % Tensor.ALIGNMENT);
        for (float v : t.toFloatArray()) assertEquals(0f, v);
        assertEquals("bf16[3,5,7]", t.toString());
    }

    @Test
    void of_roundsToTheDtypeAndChecksTheCount() {
        Tensor t = Tensor.of(BF16, Shape.of(3), arena, 1.00390625f, 1.01171875f, -0f);   // two ties, then -0
        assertEquals(1.0f, t.getFloat(0));                                               // tie to even: down
        assertEquals(1.015625f, t.getFloat(1));                                          // tie to even: up
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.getFloat(2)));
        assertRejected(() -> Tensor.of(F32, Shape.of(2, 2), arena, 1, 2, 3), "tensor: 3 values for shape [2,2]");
    }

    @Test
    void host_rejectsASegmentTooSmall() {
        assertRejected(() -> Tensor.host(F32, Shape.of(4, 4), arena.allocate(60)),
                "tensor: f32[4,4] needs 64 bytes, segment has 60");
    }

    @Test
    void constructor_rejectsViewsOutsideTheSegment() {
        MemorySegment seg = arena.allocate(64);
        assertRejected(() -> new Tensor(F32, Shape.of(4, 4), Device.CPU, seg, 4, new long[] { 4, 1 }),
                "does not fit a segment of 64 bytes");
        assertRejected(() -> new Tensor(F32, Shape.of(4, 5), Device.CPU, seg, 0, new long[] { 5, 1 }),
                "does not fit a segment of 64 bytes");
        assertRejected(() -> new Tensor(F32, Shape.of(4), Device.CPU, seg, -4, new long[] { 1 }),
                "tensor: negative byte offset -4");
        assertRejected(() -> new Tensor(F32, Shape.of(4, 4), Device.CPU, seg, 0, new long[] { 1 }),
                "tensor: 1 strides for shape [4,4]");
        new Tensor(F32, Shape.of(4, 4), Device.CPU, seg, 0, new long[] { 4, 1 });        // exactly fits
    }

    @Test
    void map_readsAFileRegionAndRejectsOneBeyondItsEnd(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("weights.bin");
        ByteBuffer bytes = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) bytes.putFloat(i * 1.5f);
        Files.write(file, bytes.array());
        Tensor t = Tensor.map(file, 8, F32, Shape.of(2, 2), arena);
        assertArrayEquals(new float[] { 3f, 4.5f, 6f, 7.5f }, t.toFloatArray());
        assertRejected(() -> Tensor.map(file, 12, F32, Shape.of(2, 2), arena), "runs past the end of the file (24 bytes)");
    }

    // ---------------------------------------------------------------- views

    @Test
    void view_sharesDataAndNeedsContiguity() {
        Tensor t = grid(4, 6);
        Tensor v = t.view(2, 12);
        assertEquals(t.data().address(), v.data().address());
        assertEquals(t.getFloat(13), v.getFloat(13));
        v.setFloat(13, -1);
        assertEquals(-1f, t.getFloat(13));
        assertRejected(() -> t.view(5, 5), "view: f32[4,6] has 24 elements, [5,5] needs 25");
        assertRejected(() -> t.columns(1, 3).view(12), "is not contiguous; copy it first");
    }

    @Test
    void rows_selectOuterEntries() {
        Tensor t = grid(5, 3);
        Tensor r = t.rows(2, 2);
        assertEquals(Shape.of(2, 3), r.shape());
        assertTrue(r.isContiguous());
        assertEquals(2 * 3 * 4, r.byteOffset());
        assertArrayEquals(new float[] { 200, 201, 202, 300, 301, 302 }, r.toFloatArray());
        assertRejected(() -> t.rows(4, 2), "slice: [4, 6) outside dimension 0 of f32[5,3]");
        assertRejected(() -> t.rows(-1, 1), "slice: [-1, 0) outside dimension 0 of f32[5,3]");
    }

    @Test
    void columns_areStridedViewsWithUniformRows() {
        Tensor t = grid(3, 8);
        Tensor c = t.columns(2, 3);
        assertEquals("f32[3,3]{strides=[8, 1]}", c.toString());
        assertFalse(c.isContiguous());
        assertTrue(c.hasUniformRows());
        assertEquals(8, c.rowStride());
        assertArrayEquals(new float[] { 2, 3, 4, 102, 103, 104, 202, 203, 204 }, c.toFloatArray());
        assertEquals(4 * (8 + 3), c.byteOffsetOf(1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.byteOffsetOf(1, 3));
        assertRejected(() -> t.columns(6, 3), "slice: [6, 9) outside dimension 1 of f32[3,8]");
        assertRejected(() -> t.slice(2, 0, 1), "slice: no dimension 2 in [3,8]");
    }

    @Test
    void unflatten_splitsADimensionOfAStridedView() {
        // a fused qkv row [tokens, 3·heads·headDim] with heads = 2, headDim = 3: k is columns 6..11
        Tensor qkv = grid(4, 18);
        Tensor k = qkv.columns(6, 6).unflatten(1, 2, 3);
        assertEquals(Shape.of(4, 2, 3), k.shape());
        assertArrayEquals(new long[] { 18, 3, 1 }, k.strides());
        assertFalse(k.hasUniformRows(), "heads inside a wider row are not uniform rows of [8,3]");
        assertEquals(qkv.getFloat(2 * 18 + 6 + 3 + 1), k.getFloat((2 * 2 + 1) * 3 + 1));   // token 2, head 1, dim 1
        Tensor heads = Tensor.allocate(F32, Shape.of(4, 6), arena).unflatten(-1, 2, 3);
        assertTrue(heads.isContiguous());
        assertTrue(heads.hasUniformRows());
        assertRejected(() -> qkv.unflatten(1, 4, 4), "unflatten: [4, 4] do not multiply to dimension 1 (18) of [4,18]");
    }

    @Test
    void oneHeadOutOfMany_hasRowsOfTheTokenStride() {
        Tensor q = grid(5, 4 * 8).unflatten(1, 4, 8);               // [tokens, heads, headDim]
        Tensor head = q.slice(1, 2, 1);                              // [5,1,8], strides [32, 8, 1]
        assertTrue(head.hasUniformRows());
        assertEquals(32, head.rowStride());
        assertEquals(5, head.rowCount());
        Tensor t = new Tensor(F32, Shape.of(2, 1, 3, 8), Device.CPU, arena.allocate(4 * 48), 0, new long[] { 24, 7, 8, 1 });
        assertTrue(t.hasUniformRows(), "a size-1 dim's stride does not matter");
        assertEquals(8, t.rowStride());
        assertFalse(q.slice(1, 1, 2).hasUniformRows(), "two heads of four are not rows of one stride");
        assertTrue(head.slice(0, 3, 1).hasUniformRows(), "a single row");
    }

    @Test
    void overlaps_followsAddressRanges() {
        Tensor t = grid(6, 4);
        assertFalse(t.rows(0, 2).overlaps(t.rows(2, 2)), "adjacent rows");
        assertTrue(t.rows(0, 3).overlaps(t.rows(2, 2)), "one shared row");
        assertTrue(t.overlaps(t.columns(3, 1)), "a column inside the whole");
        assertFalse(t.rows(0, 0).overlaps(t), "an empty view shares nothing");
        Tensor other = grid(6, 4);
        assertFalse(t.overlaps(other), "separate allocations");
        Tensor onGpu = Tensor.onDevice(Device.cuda(0), F32, Shape.of(6, 4), MemorySegment.ofAddress(t.data().address()), 0);
        assertFalse(t.overlaps(onGpu), "same address on another device");
    }

    @Test
    void overlaps_seesThroughInterleavedColumnSlices() {
        Tensor t = grid(6, 8);
        assertFalse(t.columns(0, 3).overlaps(t.columns(3, 5)), "adjacent column ranges of every row");
        assertFalse(t.columns(5, 3).overlaps(t.columns(0, 5)), "the other way round");
        assertTrue(t.columns(0, 4).overlaps(t.columns(3, 2)), "one shared column");
        assertFalse(t.columns(2, 2).rows(1, 3).overlaps(t.columns(4, 4).rows(0, 6)), "different row ranges too");
        assertTrue(t.columns(0, 8).overlaps(t.columns(7, 1)), "full rows meet any column");
        assertTrue(t.view(48).overlaps(t.columns(2, 1)), "a flat view is not rows of the same stride");
    }

    @Test
    void equalViews_areEqualTensors() {
        Tensor t = grid(4, 4);
        assertEquals(t.rows(1, 2), t.view(16).view(4, 4).rows(1, 2));
        assertEquals(t.rows(1, 2).hashCode(), t.view(4, 4).rows(1, 2).hashCode());
        assertNotEquals(t.rows(1, 2), t.rows(2, 2));
    }

    // ---------------------------------------------------------------- element access

    @Test
    void elementAccess_roundsAndChecksTheDtype() {
        Tensor f16 = Tensor.allocate(DType.F16, Shape.of(2), arena);
        f16.setFloat(0, 65520f);                                   // rounds to +inf in f16
        assertEquals(Float.POSITIVE_INFINITY, f16.getFloat(0));
        Tensor ids = Tensor.allocate(I32, Shape.of(2), arena);
        ids.setLong(1, 151551);
        assertEquals(151551, ids.getLong(1));
        assertThrows(ArithmeticException.class, () -> ids.setLong(0, 1L << 40));
        assertThrows(IllegalStateException.class, () -> f16.getLong(0));
        Tensor device = Tensor.onDevice(Device.cuda(0), F32, Shape.of(2), MemorySegment.NULL, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> device.getFloat(0));
        assertTrue(e.getMessage().contains("is not in host memory"), e::getMessage);
        assertEquals("f32[2]@cuda:0", device.toString());
    }

    // ---------------------------------------------------------------- shape and device

    @Test
    void shape_validatesAndDescribesItself() {
        Shape s = Shape.of(7, 32, 128);
        assertEquals("[7,32,128]", s.toString());
        assertEquals(128, s.last());
        assertEquals(32, s.dim(-2));
        assertEquals(7 * 32, s.rows());
        assertEquals(Shape.of(7, 32, 64), s.with(-1, 64));
        assertEquals(0, Shape.of(3, 0, 5).numel());
        assertRejected(Shape::of, "shape: rank 0 is not supported, use [1]");
        assertRejected(() -> Shape.of(3, -1), "shape: negative dimension in [3, -1]");
        assertRejected(() -> Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE),
                "has more elements than a long counts");
        assertEquals(0, Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 0).numel());
    }

    @Test
    void device_validatesItsIndex() {
        assertEquals("cpu", Device.CPU.toString());
        assertEquals("cuda:1", Device.cuda(1).toString());
        assertTrue(Device.CPU.isHost());
        assertFalse(Device.cuda(0).isHost());
        assertRejected(() -> new Device(Device.Kind.CPU, 1), "cpu has only index 0");
        assertRejected(() -> Device.cuda(-1), "device index must be >= 0, got -1");
    }
}
