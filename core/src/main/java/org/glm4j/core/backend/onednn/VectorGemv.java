package org.glm4j.core.backend.onednn;

import org.glm4j.core.backend.jvm.JitWarmUp;
import org.glm4j.core.backend.jvm.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
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
 * Work is split over the {@link Parallel}: passes of 8 N-blocks for the packed layout, contiguous rows otherwise.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Inner blocking of oneDNN's packed bf16 weights that {@link #packedBf16} reads: {@code 16a32b2a}. */
    static final long[] PACKED_BLOCKS = { 16, 32, 2 }, PACKED_IDXS = { 0, 1, 0 };
    static final int KB = 32, NB = 32;
    /** N-blocks one pass of {@link #packedBf16} reads side by side (independent sequential read streams). */
    static final int STREAMS = 8;

    private VectorGemv() {}

    /** Whether these kernels run here: they are written for 512-bit vectors. */
    static boolean available() { return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512; }

    /**
     * One row of {@code x} widened to f32 into {@code dst}, zero-padded to {@code padded} elements. Scalar loops
     * (C2 vectorises them): this runs once per matmul call, and a Vector API loop here ran unoptimised (boxing
     * every vector) for the first hundreds of decode steps, where a scalar one is cheap at every tier.
     */
    static void widen(Tensor x, MemorySegment dst, int padded) {
        int k = x.dim(-1);
        long off = x.byteOffset();
        MemorySegment d = x.data();
        switch (x.dtype()) {
            case F32 -> MemorySegment.copy(d, off, dst, 0, 4L * k);
            case BF16 -> {
                for (int i = 0; i < k; i++) dst.set(F32, 4L * i, Float.intBitsToFloat(d.get(I16, off + 2L * i) << 16));
            }
            case F16 -> {
                for (int i = 0; i < k; i++) dst.set(F32, 4L * i, Float.float16ToFloat(d.get(I16, off + 2L * i)));
            }
            default -> throw new IllegalArgumentException("gemv: " + x + " is not floating");
        }
        dst.asSlice(4L * k, 4L * (padded - k)).fill((byte) 0);
    }

    /**
     * {@code out[n] = Σ_k x[k]·w[k, n]} over oneDNN's packed {@code BA16a32b2a} bf16 weights at {@code w}: N-block
     * {@code nb} (32 output columns) starts at element {@code nb·nbStride}, K-blocks of 1024 elements follow each
     * other inside it, so the input pairs of one N-block are consecutive 128-byte rows and an N-block is one
     * contiguous run of {@code kBlocks·2} KiB.
     *
     * <p>Read streams: a pass reads {@value #STREAMS} N-blocks side by side, one from each of {@value #STREAMS}
     * equal runs of the matrix ({@code nb = s·groups + g} for stream {@code s} of pass {@code g}), so a thread
     * walking consecutive passes reads {@value #STREAMS} sequential streams at once. One stream per thread (or two)
     * left the cores waiting on memory: the hardware prefetcher runs ahead of each stream separately, and this loop
     * has about four vector operations per 64 bytes against the read probe's one, so out-of-order execution alone
     * does not keep enough reads in flight. Passes are spread over the pool in chunks, so a thread that other work
     * delays takes fewer of them.
     *
     * <p>Code shape, checked in C2's output: the K loop counts the input's byte offset in a {@code long}, so C2
     * hoists every bounds check of both segments out of it (with an {@code int} counter scaled into {@code long}
     * offsets it kept a check per load); {@link #pass} is written out without helper methods, because C2 stops
     * inlining once a compilation reaches 18000 IR nodes ({@code NodeCountInliningCutoff}) and the Vector API
     * calls it then leaves out-of-line box every vector (a helper per load did that to the last streams). Eight
     * streams fill that budget and 16 of the 32 vector registers with accumulators.
     *
     * @param x   f32, zero-padded to {@code kBlocks·32} elements
     * @param out at least {@code ceil(n/32)·32} elements
     */
    static void packedBf16(Parallel pool, MemorySegment w, long nbStride, int kBlocks, MemorySegment x, float[] out, int n) {
        int nBlocks = (n + NB - 1) / NB;
        // A small matrix (fewer than 8 N-blocks per thread, e.g. k_proj's 8) uses fewer real streams so that every
        // thread gets a pass; the other streams repeat a block (same lines, no extra memory traffic).
        int streams = Math.min(STREAMS, (nBlocks + pool.threads() - 1) / pool.threads());
        int groups = (nBlocks + streams - 1) / streams;
        long blockBytes = nbStride * 2, xBytes = (long) kBlocks * KB * 4;
        pool.forRange(groups, 1, (g0, g1) -> {
            for (int g = g0; g < g1; g++) pass(w, blockBytes, x, xBytes, out, nBlocks, streams, groups, g);
        });
    }

    /**
     * One pass: N-blocks {@code g, groups + g, 2·groups + g, …} for the first {@code streams} streams; a stream past
     * those or past the last block repeats block {@code g} (same reads, same result), so the loop has no tail.
     */
    private static void pass(MemorySegment w, long blockBytes, MemorySegment x, long xBytes, float[] out, int nBlocks,
            int streams, int groups, int g) {
        int n0 = g, n1 = block(1, streams, groups, g, nBlocks), n2 = block(2, streams, groups, g, nBlocks),
                n3 = block(3, streams, groups, g, nBlocks), n4 = block(4, streams, groups, g, nBlocks),
                n5 = block(5, streams, groups, g, nBlocks), n6 = block(6, streams, groups, g, nBlocks),
                n7 = block(7, streams, groups, g, nBlocks);
        long w0 = n0 * blockBytes, w1 = n1 * blockBytes, w2 = n2 * blockBytes, w3 = n3 * blockBytes;
        long w4 = n4 * blockBytes, w5 = n5 * blockBytes, w6 = n6 * blockBytes, w7 = n7 * blockBytes;
        IntVector high = IntVector.broadcast(IS, 0xffff0000);
        FloatVector z = FloatVector.zero(FS);
        FloatVector a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z;
        FloatVector a4 = z, b4 = z, a5 = z, b5 = z, a6 = z, b6 = z, a7 = z, b7 = z;
        for (long xo = 0; xo < xBytes; xo += 8) {                 // one input pair: 8 bytes of x, 128 of each block
            long off = xo * 16;
            FloatVector xe = FloatVector.broadcast(FS, x.get(F32, xo)), xd = FloatVector.broadcast(FS, x.get(F32, xo + 4));
            IntVector va0 = IntVector.fromMemorySegment(IS, w, w0 + off, LE);
            a0 = va0.and(high).reinterpretAsFloats().fma(xd, va0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0));
            IntVector vb0 = IntVector.fromMemorySegment(IS, w, w0 + off + 64, LE);
            b0 = vb0.and(high).reinterpretAsFloats().fma(xd, vb0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b0));
            IntVector va1 = IntVector.fromMemorySegment(IS, w, w1 + off, LE);
            a1 = va1.and(high).reinterpretAsFloats().fma(xd, va1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1));
            IntVector vb1 = IntVector.fromMemorySegment(IS, w, w1 + off + 64, LE);
            b1 = vb1.and(high).reinterpretAsFloats().fma(xd, vb1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b1));
            IntVector va2 = IntVector.fromMemorySegment(IS, w, w2 + off, LE);
            a2 = va2.and(high).reinterpretAsFloats().fma(xd, va2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2));
            IntVector vb2 = IntVector.fromMemorySegment(IS, w, w2 + off + 64, LE);
            b2 = vb2.and(high).reinterpretAsFloats().fma(xd, vb2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b2));
            IntVector va3 = IntVector.fromMemorySegment(IS, w, w3 + off, LE);
            a3 = va3.and(high).reinterpretAsFloats().fma(xd, va3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3));
            IntVector vb3 = IntVector.fromMemorySegment(IS, w, w3 + off + 64, LE);
            b3 = vb3.and(high).reinterpretAsFloats().fma(xd, vb3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b3));
            IntVector va4 = IntVector.fromMemorySegment(IS, w, w4 + off, LE);
            a4 = va4.and(high).reinterpretAsFloats().fma(xd, va4.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a4));
            IntVector vb4 = IntVector.fromMemorySegment(IS, w, w4 + off + 64, LE);
            b4 = vb4.and(high).reinterpretAsFloats().fma(xd, vb4.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b4));
            IntVector va5 = IntVector.fromMemorySegment(IS, w, w5 + off, LE);
            a5 = va5.and(high).reinterpretAsFloats().fma(xd, va5.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a5));
            IntVector vb5 = IntVector.fromMemorySegment(IS, w, w5 + off + 64, LE);
            b5 = vb5.and(high).reinterpretAsFloats().fma(xd, vb5.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b5));
            IntVector va6 = IntVector.fromMemorySegment(IS, w, w6 + off, LE);
            a6 = va6.and(high).reinterpretAsFloats().fma(xd, va6.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a6));
            IntVector vb6 = IntVector.fromMemorySegment(IS, w, w6 + off + 64, LE);
            b6 = vb6.and(high).reinterpretAsFloats().fma(xd, vb6.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b6));
            IntVector va7 = IntVector.fromMemorySegment(IS, w, w7 + off, LE);
            a7 = va7.and(high).reinterpretAsFloats().fma(xd, va7.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a7));
            IntVector vb7 = IntVector.fromMemorySegment(IS, w, w7 + off + 64, LE);
            b7 = vb7.and(high).reinterpretAsFloats().fma(xd, vb7.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b7));
        }
        a0.intoArray(out, n0 * NB);

        b0.intoArray(out, n0 * NB + 16);
        a1.intoArray(out, n1 * NB);

        b1.intoArray(out, n1 * NB + 16);
        a2.intoArray(out, n2 * NB);

        b2.intoArray(out, n2 * NB + 16);
        a3.intoArray(out, n3 * NB);

        b3.intoArray(out, n3 * NB + 16);
        a4.intoArray(out, n4 * NB);

        b4.intoArray(out, n4 * NB + 16);
        a5.intoArray(out, n5 * NB);

        b5.intoArray(out, n5 * NB + 16);
        a6.intoArray(out, n6 * NB);

        b6.intoArray(out, n6 * NB + 16);
        a7.intoArray(out, n7 * NB);

        b7.intoArray(out, n7 * NB + 16);
    }

    private static volatile boolean warm;

    /**
     * Compiles {@link #pass} before its first real use, once per JVM ({@link JitWarmUp}): until C2 has compiled it,
     * its vector operations run interpreted or in C1 code that boxes every vector, seconds per decode matmul. The
     * warm-up calls it on a tiny matrix (8 or 7 N-blocks of 32 inputs, 8 or 7 streams, so every outcome of
     * {@link #block} is seen), under a second of CPU. The K loop is kept short (16 iterations) so that C2 compiles the whole method
     * (after some hundreds of calls) before it would compile the loop alone for the call in progress (on-stack
     * replacement, after some 40000 iterations): that code speeds up the warm-up's own calls but not a later call,
     * which enters the method at its start, and a warm-up stopped by it left real calls unoptimised for seconds.
     * Callers racing here wait for the one warming up.
     */
    static void warmUp() {
        if (warm) return;
        synchronized (VectorGemv.class) {
            if (warm) return;
            int k = KB, blocks = STREAMS;
            long blockBytes = (long) k * NB * 2;
            try (Arena arena = Arena.ofShared()) {                   // shared, like every segment the kernel sees
                MemorySegment w = arena.allocate(blockBytes * blocks, 64), x = arena.allocate(4L * k, 64);
                Tensor row = Tensor.allocate(DType.BF16, Shape.of(1, k), arena);
                float[] out = new float[blocks * NB];
                int[] i = { 0 };
                JitWarmUp.untilCompiled(() -> {
                    widen(row, x, k);
                    int c = i[0]++;
                    pass(w, blockBytes, x, 4L * k, out, blocks - (c & 1), STREAMS - (c >> 1 & 1), 1, 0);
                }, 2000);
            }
            warm = true;
        }
    }

    /** The N-block stream {@code s} reads in pass {@code g}, or {@code g} when it is not a real stream or past the last block. */
    private static int block(int s, int streams, int groups, int g, int nBlocks) {
        int nb = s * groups + g;
        return s < streams && nb < nBlocks ? nb : g;
    }

    /**
     * {@code acc + w_even·xe + w_odd·xo} over 16 columns: the 64 bytes at {@code off} hold 16 (even, odd) bf16 pairs,
     * one per 32-bit lane; shifting a lane left by 16 gives the even input's weight as f32, masking the low half
     * the odd one's.
     */
    private static FloatVector dot(MemorySegment w, long off, IntVector high, FloatVector xe, FloatVector xo, FloatVector acc) {
        IntVector v = IntVector.fromMemorySegment(IS, w, off, LE);
        return v.and(high).reinterpretAsFloats().fma(xo, v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, acc));
    }


    /**
     * {@code out[n] = Σ_k x[k]·w[n, k]} over bf16 rows {@code [N, K]} with a row stride of {@code rowStride} elements.
     *
     * @param x   f32, {@code k} elements
     * @param out f32, {@code n} elements
     */
    static void plainBf16(Parallel pool, MemorySegment w, long off, long rowStride, MemorySegment x, MemorySegment out, int n, int k) {
        float[] xe = new float[(k + 1) / 2], xo = new float[(k + 1) / 2];
        for (int i = 0; i < k; i++) (i % 2 == 0 ? xe : xo)[i / 2] = x.get(F32, 4L * i);
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
                for (; i < k; i++) s += DType.bf16ToF32(w.get(I16, base + 2L * i)) * (i % 2 == 0 ? xe : xo)[i / 2];
                out.set(F32, 4L * r, s);
            }
        });
    }

    /**
     * {@code out[n] = Σ_k x[k]·w[n, k]} over f32 rows {@code [N, K]} with a row stride of {@code rowStride} elements.
     *
     * @param x   f32, {@code k} elements
     * @param out f32, {@code n} elements
     */
    static void plainF32(Parallel pool, MemorySegment w, long off, long rowStride, MemorySegment x, MemorySegment out, int n, int k) {
        pool.forParts(n, pool.threads(), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = off + r * rowStride * 4;
                FloatVector a0 = FloatVector.zero(FS), a1 = FloatVector.zero(FS);
                int i = 0;
                for (; i + 32 <= k; i += 32) {
                    a0 = FloatVector.fromMemorySegment(FS, w, base + 4L * i, LE).fma(FloatVector.fromMemorySegment(FS, x, 4L * i, LE), a0);
                    a1 = FloatVector.fromMemorySegment(FS, w, base + 4L * i + 64, LE).fma(FloatVector.fromMemorySegment(FS, x, 4L * i + 64, LE), a1);
                }
                float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
                for (; i < k; i++) s += w.get(F32, base + 4L * i) * x.get(F32, 4L * i);
                out.set(F32, 4L * r, s);
            }
        });
    }

    /**
     * Stores {@code acc (+ bias)} (f32) into row 0 of {@code out}, rounded once to its dtype: scalar loops, one per
     * dtype, for the same reason as {@link #widen}.
     */
    static void store(Tensor out, MemorySegment acc, Tensor bias) {
        int n = out.dim(-1);
        if (bias != null) addBias(acc, bias, n);
        MemorySegment d = out.data();
        long off = out.byteOffset();
        switch (out.dtype()) {
            case F32 -> MemorySegment.copy(acc, 0, d, off, 4L * n);
            case BF16 -> {
                for (int i = 0; i < n; i++) d.set(I16, off + 2L * i, DType.f32ToBf16(acc.get(F32, 4L * i)));
            }
            default -> {
                for (int i = 0; i < n; i++) d.set(I16, off + 2L * i, DType.f32ToF16(acc.get(F32, 4L * i)));
            }
        }
    }

    /** {@code acc[i] += bias[i]} for {@code i < n}, the bias in its own dtype and stride. */
    private static void addBias(MemorySegment acc, Tensor bias, int n) {
        MemorySegment b = bias.data();
        long off = bias.byteOffset(), stride = bias.stride(0);
        switch (bias.dtype()) {
            case F32 -> {
                for (int i = 0; i < n; i++) acc.set(F32, 4L * i, acc.get(F32, 4L * i) + b.get(F32, off + 4L * i * stride));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++)
                    acc.set(F32, 4L * i, acc.get(F32, 4L * i) + Float.intBitsToFloat(b.get(I16, off + 2L * i * stride) << 16));
            }
            default -> {
                for (int i = 0; i < n; i++) acc.set(F32, 4L * i, acc.get(F32, 4L * i) + bias.getFloat(i));
            }
        }
    }
}
