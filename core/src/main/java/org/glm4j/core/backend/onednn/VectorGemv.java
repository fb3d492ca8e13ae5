package org.glm4j.core.backend.onednn;

import org.glm4j.core.backend.jvm.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Matrix-vector products for decode ({@code out[1, N] = x[1, K]·wᵀ + bias}), memory-bound kernels in the Vector
 * API that read each weight byte once, widening bf16 to f32 in registers and accumulating in f32.
 *
 * <p>Why ours: oneDNN's one-row matmul reads bf16 weights at about a third to a half of this machine's read
 * bandwidth (2.5–4 GB/s against 7–9 GB/s for a C read probe, same runs), these kernels at about the probe's rate.
 *
 * <p>Layouts:
 * <ul>
 *   <li>{@link #packedBf16}: the packed layout oneDNN picks for bf16 weights on AMX, {@code BA16a32b2a} — blocks of
 *       32 output columns × 32 inputs, each 16 pairs of inputs × 32 columns × 2 (a pair of bf16 per 32-bit lane).
 *       A 512-bit load holds 16 columns of one input pair: shifting each lane left by 16 gives the even input's
 *       weights as f32, masking the low half gives the odd one's, each multiplied by a broadcast input;</li>
 *   <li>{@link #plainBf16}: the checkpoint's {@code [N, K]} rows, dot products with the input split into its even
 *       and odd elements so the same shift/mask widening applies;</li>
 *   <li>{@link #plainF32}: {@code [N, K]} f32 rows.</li>
 * </ul>
 * Output columns are split into contiguous parts over the {@link Parallel}.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> SS = ShortVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Inner blocking of oneDNN's packed bf16 weights that {@link #packedBf16} reads: {@code 16a32b2a}. */
    static final long[] PACKED_BLOCKS = { 16, 32, 2 }, PACKED_IDXS = { 0, 1, 0 };
    static final int KB = 32, NB = 32;

    private VectorGemv() {}

    /** Whether these kernels run here: they are written for 512-bit vectors. */
    static boolean available() { return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512; }

    /** One row of {@code x} widened to f32, zero-padded to {@code padded} elements. */
    static float[] widen(Tensor x, int padded) {
        int k = x.dim(-1);
        float[] v = new float[padded];
        long off = x.byteOffset();
        MemorySegment d = x.data();
        switch (x.dtype()) {
            case F32 -> MemorySegment.copy(d, F32, off, v, 0, k);
            case BF16 -> {
                int i = 0;
                for (; i + 16 <= k; i += 16)
                    ((IntVector) ShortVector.fromMemorySegment(SS, d, off + 2L * i, LE).convertShape(VectorOperators.S2I, IS, 0))
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(v, i);
                for (; i < k; i++) v[i] = DType.bf16ToF32(d.get(I16, off + 2L * i));
            }
            case F16 -> {
                for (int i = 0; i < k; i++) v[i] = Float.float16ToFloat(d.get(I16, off + 2L * i));
            }
            default -> throw new IllegalArgumentException("gemv: " + x + " is not floating");
        }
        return v;
    }

    /**
     * {@code out[n] = Σ_k x[k]·w[k, n]} over oneDNN's packed {@code BA16a32b2a} bf16 weights at {@code w}: N-block
     * {@code nb} starts at element {@code nb·nbStride}, K-blocks of 1024 elements follow each other inside it (so
     * the 16 input pairs of consecutive K-blocks are consecutive 128-byte rows).
     *
     * @param x   zero-padded to {@code kBlocks·32}
     * @param out at least {@code ceil(n/32)·32} long
     */
    static void packedBf16(Parallel pool, MemorySegment w, long nbStride, int kBlocks, float[] x, float[] out, int n) {
        int nBlocks = (n + NB - 1) / NB, pairs = kBlocks * KB / 2;
        // Two N-blocks per pass share the input broadcasts and give eight independent accumulation chains.
        pool.forParts((nBlocks + 1) / 2, pool.threads(), (p0, p1) -> {
            IntVector mask = IntVector.broadcast(IS, 0xffff0000);
            for (int pair = p0; pair < p1; pair++) {
                int nb = 2 * pair;
                boolean two = nb + 1 < nBlocks;
                long base = nb * nbStride * 2, base2 = two ? base + nbStride * 2 : base;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int q = 0; q < pairs; q++) {
                    long off = (long) q * NB * 4;                 // K-blocks follow each other: 16 pairs of 128 bytes each
                    FloatVector xe = FloatVector.broadcast(FS, x[2 * q]), xo = FloatVector.broadcast(FS, x[2 * q + 1]);
                    IntVector lo = IntVector.fromMemorySegment(IS, w, base + off, LE), hi = IntVector.fromMemorySegment(IS, w, base + off + 64, LE);
                    IntVector lo2 = IntVector.fromMemorySegment(IS, w, base2 + off, LE), hi2 = IntVector.fromMemorySegment(IS, w, base2 + off + 64, LE);
                    a0 = lo.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
                    a1 = lo.and(mask).reinterpretAsFloats().fma(xo, a1);
                    a2 = hi.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
                    a3 = hi.and(mask).reinterpretAsFloats().fma(xo, a3);
                    b0 = lo2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b0);
                    b1 = lo2.and(mask).reinterpretAsFloats().fma(xo, b1);
                    b2 = hi2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b2);
                    b3 = hi2.and(mask).reinterpretAsFloats().fma(xo, b3);
                }
                a0.add(a1).intoArray(out, nb * NB);
                a2.add(a3).intoArray(out, nb * NB + 16);
                if (two) {
                    b0.add(b1).intoArray(out, nb * NB + 32);
                    b2.add(b3).intoArray(out, nb * NB + 48);
                }
            }
        });
    }

    /** {@code out[n] = Σ_k x[k]·w[n, k]} over bf16 rows {@code [N, K]} with a row stride of {@code rowStride} elements. */
    static void plainBf16(Parallel pool, MemorySegment w, long off, long rowStride, float[] x, float[] out, int n, int k) {
        float[] xe = new float[(k + 1) / 2], xo = new float[(k + 1) / 2];
        for (int i = 0; i < k; i++) (i % 2 == 0 ? xe : xo)[i / 2] = x[i];
        pool.forParts(n, pool.threads(), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = off + r * rowStride * 2;
                FloatVector a0 = FloatVector.zero(FS), a1 = FloatVector.zero(FS), a2 = FloatVector.zero(FS), a3 = FloatVector.zero(FS);
                int i = 0;
                for (; i + 64 <= k; i += 64) {
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, base + 2L * i, LE), v1 = IntVector.fromMemorySegment(IS, w, base + 2L * i + 64, LE);
                    int j = i >> 1;
                    a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FS, xe, j), a0);
                    a1 = v0.and(0xffff0000).reinterpretAsFloats().fma(FloatVector.fromArray(FS, xo, j), a1);
                    a2 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FS, xe, j + 16), a2);
                    a3 = v1.and(0xffff0000).reinterpretAsFloats().fma(FloatVector.fromArray(FS, xo, j + 16), a3);
                }
                float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
                for (; i < k; i++) s += DType.bf16ToF32(w.get(I16, base + 2L * i)) * x[i];
                out[r] = s;
            }
        });
    }

    /** {@code out[n] = Σ_k x[k]·w[n, k]} over f32 rows {@code [N, K]} with a row stride of {@code rowStride} elements. */
    static void plainF32(Parallel pool, MemorySegment w, long off, long rowStride, float[] x, float[] out, int n, int k) {
        pool.forParts(n, pool.threads(), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = off + r * rowStride * 4;
                FloatVector a0 = FloatVector.zero(FS), a1 = FloatVector.zero(FS);
                int i = 0;
                for (; i + 32 <= k; i += 32) {
                    a0 = FloatVector.fromMemorySegment(FS, w, base + 4L * i, LE).fma(FloatVector.fromArray(FS, x, i), a0);
                    a1 = FloatVector.fromMemorySegment(FS, w, base + 4L * i + 64, LE).fma(FloatVector.fromArray(FS, x, i + 16), a1);
                }
                float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
                for (; i < k; i++) s += w.get(F32, base + 4L * i) * x[i];
                out[r] = s;
            }
        });
    }

    /** Stores {@code acc (+ bias)} into row 0 of {@code out}, rounded once to its dtype. */
    static void store(Tensor out, float[] acc, Tensor bias) {
        int n = out.dim(-1);
        MemorySegment d = out.data();
        long off = out.byteOffset();
        for (int i = 0; i < n; i++) {
            float v = bias == null ? acc[i] : acc[i] + bias.getFloat(i);
            switch (out.dtype()) {
                case F32 -> d.set(F32, off + 4L * i, v);
                case BF16 -> d.set(I16, off + 2L * i, DType.f32ToBf16(v));
                default -> d.set(I16, off + 2L * i, DType.f32ToF16(v));
            }
        }
    }
}
