package org.glm4j.core.backend.jvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Moves runs of elements between tensors of any floating dtype and {@code float[]} work buffers: widening on load,
 * rounding to nearest even on store. F32 uses bulk copies; BF16 and F16 loads and BF16 stores use the Vector API,
 * F16 stores the JDK's scalar intrinsic.
 */
final class RowIO {
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(FS.vectorBitSize() / 2));
    static final int LANES = FS.length();

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private RowIO() {}

    /** Byte offset of row {@code row} of a tensor with uniform rows. */
    static long rowOffset(Tensor t, long row) {
        return t.byteOffset() + row * t.rowStride() * t.dtype().byteSize();
    }

    /** Widens {@code n} elements at byte {@code off} of {@code seg}, of dtype {@code dt}, into {@code dst[dstOff..]}. */
    static void load(MemorySegment seg, long off, DType dt, float[] dst, int dstOff, int n) {
        switch (dt) {
            case F32 -> MemorySegment.copy(seg, F32, off, dst, dstOff, n);
            case BF16 -> {
                int i = 0;
                for (int bound = SS.loopBound(n); i < bound; i += LANES) {
                    ShortVector s = ShortVector.fromMemorySegment(SS, seg, off + 2L * i, LE);
                    ((IntVector) s.convertShape(VectorOperators.S2I, IS, 0)).lanewise(VectorOperators.LSHL, 16)
                            .reinterpretAsFloats().intoArray(dst, dstOff + i);
                }
                for (; i < n; i++) dst[dstOff + i] = DType.bf16ToF32(seg.get(I16, off + 2L * i));
            }
            case F16 -> {
                int i = 0;
                for (int bound = SS.loopBound(n); i < bound; i += LANES) {
                    ShortVector s = ShortVector.fromMemorySegment(SS, seg, off + 2L * i, LE);
                    f16ToF32((IntVector) s.convertShape(VectorOperators.S2I, IS, 0)).intoArray(dst, dstOff + i);
                }
                for (; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(seg.get(I16, off + 2L * i));
            }
            case I32 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = seg.get(I32, off + 4L * i);
            }
            case I64 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = seg.get(I64, off + 8L * i);
            }
            case U8 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, off + i));
            }
        }
    }

    /**
     * Widens the IEEE binary16 values in the low 16 bits of each lane (higher bits ignored) exactly, without a
     * convert instruction: the exponent and mantissa shifted into f32 position and scaled by 2¹¹² give every finite
     * value, subnormals included; exponent 31 becomes Inf/NaN with the mantissa kept; then the sign is attached.
     */
    static FloatVector f16ToF32(IntVector h) {
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return finite.blend(shifted.or(0x7f80_0000), special).or(sign).reinterpretAsFloats();
    }

    /** Rounds {@code src[srcOff..srcOff+n)} to dtype {@code dt} and stores it at byte {@code off} of {@code seg}. */
    static void store(MemorySegment seg, long off, DType dt, float[] src, int srcOff, int n) {
        switch (dt) {
            case F32 -> MemorySegment.copy(src, srcOff, seg, F32, off, n);
            case BF16 -> {
                int i = 0;
                for (int bound = SS.loopBound(n); i < bound; i += LANES) {
                    IntVector bits = FloatVector.fromArray(FS, src, srcOff + i).reinterpretAsInts();
                    IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff))
                            .lanewise(VectorOperators.LSHR, 16);
                    VectorMask<Integer> nan = bits.and(0x7fff_ffff).compare(VectorOperators.GT, 0x7f80_0000);
                    IntVector quiet = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
                    ((ShortVector) rounded.blend(quiet, nan).convertShape(VectorOperators.I2S, SS, 0))
                            .intoMemorySegment(seg, off + 2L * i, LE);
                }
                for (; i < n; i++) seg.set(I16, off + 2L * i, DType.f32ToBf16(src[srcOff + i]));
            }
            case F16 -> {
                for (int i = 0; i < n; i++) seg.set(I16, off + 2L * i, Float.floatToFloat16(src[srcOff + i]));
            }
            default -> throw new IllegalArgumentException("store: " + dt + " is not a floating dtype");
        }
    }

    /** Widens row {@code row} of a uniform-rows tensor into {@code dst[0..dim(-1))}. */
    static void loadRow(Tensor t, long row, float[] dst) {
        load(t.data(), rowOffset(t, row), t.dtype(), dst, 0, t.dim(-1));
    }

    /** Stores {@code src[0..dim(-1))} into row {@code row} of a uniform-rows tensor. */
    static void storeRow(Tensor t, long row, float[] src) {
        store(t.data(), rowOffset(t, row), t.dtype(), src, 0, t.dim(-1));
    }

    /** A whole uniform-rows tensor (or a 1-D vector) widened to f32, row-major. */
    static float[] loadAll(Tensor t) {
        int cols = t.dim(-1);
        long rows = t.rowCount();
        float[] out = new float[Math.toIntExact(rows * cols)];
        for (long r = 0; r < rows; r++) load(t.data(), rowOffset(t, r), t.dtype(), out, (int) (r * cols), cols);
        return out;
    }

    /**
     * Float work buffers, one set per thread, grown on demand and reused across calls. Slots 0-3 belong to the
     * row-wise ops, 4-7 to {@link JvmMatmul}; a kernel never holds one slot for two purposes at once.
     */
    static final class Buffers {
        private static final ThreadLocal<Buffers> LOCAL = ThreadLocal.withInitial(Buffers::new);
        private final float[][] slots = new float[8][];

        static float[] get(int slot, int minLength) {
            Buffers b = LOCAL.get();
            float[] a = b.slots[slot];
            if (a == null || a.length < minLength) b.slots[slot] = a = new float[Math.max(minLength, 64)];
            return a;
        }
    }
}
