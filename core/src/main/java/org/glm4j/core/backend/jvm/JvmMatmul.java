package org.glm4j.core.backend.jvm;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * {@code out = x·wᵀ + bias} on the host: f32 accumulation over any floating dtypes of x, w, bias and out, one
 * rounding to out's dtype at the end.
 *
 * <p>Layouts: {@code x [M, K]} and {@code out [M, N]} are uniform-row views (any row stride, contiguous last dim,
 * so out may be a column slice of a wider buffer); {@code w [N, K]} is the checkpoint's {@code [out, in]} layout with
 * uniform rows. Two algorithms, chosen by M:
 *
 * <ul>
 *   <li><b>Streaming (M ≤ {@value #STREAM_MAX_ROWS})</b>, the decode case, bound by reading w once. Workers take
 *       contiguous ranges of w rows and walk four rows at a time with two accumulators each; every x row reuses the
 *       four rows from L1. BF16/F16 weights are loaded as int vectors of element pairs and split into their even and
 *       odd elements (bf16: {@code bits << 16} and {@code bits & 0xFFFF0000}, no convert instruction), paired
 *       with x rows pre-split the same way; the last {@code K mod 2·lanes} elements run in a scalar loop.
 *   <li><b>Packed (larger M)</b>: x is widened once into blocks of {@value #MR} rows stored k-major
 *       ({@code [block][k][MR]}, short blocks zero-padded). Tasks are (panel of {@code NR = 2·lanes} w rows, range of
 *       x blocks); a task packs its panel {@value #KC} k at a time into f32 {@code [k][NR]} (zero columns past N;
 *       rows widened, then transposed 16×16 in registers) and runs an {@code MR × NR} register-blocked
 *       micro-kernel (x scalar broadcast × panel vectors, 16 accumulators) over its x blocks, keeping f32 partial
 *       sums per task between k blocks.
 * </ul>
 *
 * Both read w exactly once per task and never allocate inside their loops: work buffers are per-thread and reused.
 * The kernels avoid control-flow merges of vector values (C2 boxes vectors there): a first k block reads its
 * initial accumulators from {@link #ZEROS} rather than choosing between a zero and a loaded vector.
 */
final class JvmMatmul {
    private JvmMatmul() {}

    /** Up to this many x rows use the streaming kernel. */
    static final int STREAM_MAX_ROWS = 8;
    /** Rows per packed micro-kernel tile. */
    static final int MR = 8;
    /** Columns (w rows) per packed panel: two vectors. */
    static final int NR = 2 * RowIO.LANES;
    /** k elements per packed panel block (an f32 panel of KC × NR fits L1). */
    static final int KC = 256;
    /** Initial accumulators of a first k block (read only). */
    private static final float[] ZEROS = new float[MR * NR];
    /** Largest widened x slab of the packed path, in floats. */
    private static final int SLAB_FLOATS = 1 << 23;

    // Per-thread buffer slots (RowIO.Buffers slots 0-3 belong to the row-wise ops).
    private static final int SLOT_X = 4, SLOT_PANEL = 5, SLOT_ACC = 6, SLOT_ROW = 7;

    static void matmul(Parallel parallel, Tensor out, Tensor x, Tensor w, Tensor bias) {
        int m = Math.toIntExact(x.rowCount());
        float[] b = bias == null ? null : RowIO.loadAll(bias);
        if (m <= STREAM_MAX_ROWS) streaming(parallel, out, x, w, b, m);
        else packed(parallel, out, x, w, b, m);
    }

    // ================================================================ streaming (small M)

    private static void streaming(Parallel parallel, Tensor out, Tensor x, Tensor w, float[] bias, int m) {
        int k = x.dim(-1), n = w.dim(0);
        DType wd = w.dtype();
        // x rows widened, and for 16-bit weights permuted into per-chunk [even lanes | odd lanes] order.
        float[] xs = RowIO.Buffers.get(SLOT_X, m * k);
        float[] row = RowIO.Buffers.get(SLOT_ROW, k);
        for (int i = 0; i < m; i++) {
            RowIO.loadRow(x, i, row);
            if (wd == DType.F32) System.arraycopy(row, 0, xs, i * k, k);
            else splitEvenOdd(row, k, xs, i * k);
        }
        MemorySegment ws = w.data();
        long wRowBytes = w.rowStride() * wd.byteSize();
        int grain = Math.max(16, (int) (16_384 / Math.max(1, k)));
        parallel.forRange(n, grain, (from, to) -> {
            int count = to - from;
            float[] res = RowIO.Buffers.get(SLOT_ACC, m * count);
            long base = RowIO.rowOffset(w, from);
            int j = 0;
            for (; j + 4 <= count; j += 4) {
                long off = base + j * wRowBytes;
                for (int i = 0; i < m; i++) {
                    switch (wd) {
                        case BF16 -> dot4Bf16(ws, off, wRowBytes, xs, i * k, k, res, i * count + j);
                        case F16 -> dot4F16(ws, off, wRowBytes, xs, i * k, k, res, i * count + j);
                        default -> dot4F32(ws, off, wRowBytes, xs, i * k, k, res, i * count + j);
                    }
                }
            }
            for (; j < count; j++) {
                long off = base + j * wRowBytes;
                for (int i = 0; i < m; i++) {
                    res[i * count + j] = switch (wd) {
                        case BF16 -> dot1Bf16(ws, off, xs, i * k, k);
                        case F16 -> dot1F16(ws, off, xs, i * k, k);
                        default -> dot1F32(ws, off, xs, i * k, k);
                    };
                }
            }
            for (int i = 0; i < m; i++) {
                if (bias != null) for (int c = 0; c < count; c++) res[i * count + c] += bias[from + c];
                RowIO.store(out.data(), RowIO.rowOffset(out, i) + (long) from * out.dtype().byteSize(), out.dtype(),
                        res, i * count, count);
            }
        });
    }

    /** Length of the prefix of a K-long row covered by whole int-vector pair chunks (2·lanes elements each). */
    private static int pairBound(int k) {
        return k - k % (2 * RowIO.LANES);
    }

    /**
     * Copies {@code row[0..k)} into {@code dst[off..]}, each chunk of 2·lanes elements reordered as its even
     * elements then its odd elements (the order in which {@link #even}/{@link #odd} deliver weights); the tail past
     * {@link #pairBound} stays in place.
     */
    static void splitEvenOdd(float[] row, int k, float[] dst, int off) {
        int lanes = RowIO.LANES, kp = pairBound(k);
        for (int c = 0; c < kp; c += 2 * lanes) {
            for (int i = 0; i < lanes; i++) {
                dst[off + c + i] = row[c + 2 * i];
                dst[off + c + lanes + i] = row[c + 2 * i + 1];
            }
        }
        System.arraycopy(row, kp, dst, off + kp, k - kp);
    }

    /** Even elements of bf16 pairs, widened. */
    private static FloatVector even(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Odd elements of bf16 pairs, widened. */
    private static FloatVector odd(IntVector pairs) {
        return pairs.and(0xFFFF_0000).reinterpretAsFloats();
    }

    private static IntVector pairs(MemorySegment s, long off) {
        return IntVector.fromMemorySegment(RowIO.IS, s, off, RowIO.LE);
    }

    private static void dot4Bf16(MemorySegment s, long off, long rowBytes, float[] xs, int xo, int k, float[] res, int ro) {
        FloatVector a0 = FloatVector.zero(RowIO.FS), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        int lanes = RowIO.LANES, kp = pairBound(k);
        long o0 = off, o1 = off + rowBytes, o2 = off + 2 * rowBytes, o3 = off + 3 * rowBytes;
        for (int c = 0; c < kp; c += 2 * lanes) {
            FloatVector xe = FloatVector.fromArray(RowIO.FS, xs, xo + c);
            FloatVector xd = FloatVector.fromArray(RowIO.FS, xs, xo + c + lanes);
            long bo = 2L * c;
            IntVector p0 = pairs(s, o0 + bo), p1 = pairs(s, o1 + bo), p2 = pairs(s, o2 + bo), p3 = pairs(s, o3 + bo);
            a0 = even(p0).fma(xe, a0);
            b0 = odd(p0).fma(xd, b0);
            a1 = even(p1).fma(xe, a1);
            b1 = odd(p1).fma(xd, b1);
            a2 = even(p2).fma(xe, a2);
            b2 = odd(p2).fma(xd, b2);
            a3 = even(p3).fma(xe, a3);
            b3 = odd(p3).fma(xd, b3);
        }
        res[ro] = VectorSum.sum(a0.add(b0)) + tailBf16(s, o0, xs, xo, kp, k);
        res[ro + 1] = VectorSum.sum(a1.add(b1)) + tailBf16(s, o1, xs, xo, kp, k);
        res[ro + 2] = VectorSum.sum(a2.add(b2)) + tailBf16(s, o2, xs, xo, kp, k);
        res[ro + 3] = VectorSum.sum(a3.add(b3)) + tailBf16(s, o3, xs, xo, kp, k);
    }

    private static float dot1Bf16(MemorySegment s, long off, float[] xs, int xo, int k) {
        FloatVector a = FloatVector.zero(RowIO.FS), b = a;
        int lanes = RowIO.LANES, kp = pairBound(k);
        for (int c = 0; c < kp; c += 2 * lanes) {
            IntVector p = pairs(s, off + 2L * c);
            a = even(p).fma(FloatVector.fromArray(RowIO.FS, xs, xo + c), a);
            b = odd(p).fma(FloatVector.fromArray(RowIO.FS, xs, xo + c + lanes), b);
        }
        return VectorSum.sum(a.add(b)) + tailBf16(s, off, xs, xo, kp, k);
    }

    private static float tailBf16(MemorySegment s, long off, float[] xs, int xo, int from, int k) {
        float t = 0;
        for (int c = from; c < k; c++) t += DType.bf16ToF32(s.get(RowIO.I16, off + 2L * c)) * xs[xo + c];
        return t;
    }

    private static void dot4F16(MemorySegment s, long off, long rowBytes, float[] xs, int xo, int k, float[] res, int ro) {
        FloatVector a0 = FloatVector.zero(RowIO.FS), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        int lanes = RowIO.LANES, kp = pairBound(k);
        long o0 = off, o1 = off + rowBytes, o2 = off + 2 * rowBytes, o3 = off + 3 * rowBytes;
        for (int c = 0; c < kp; c += 2 * lanes) {
            FloatVector xe = FloatVector.fromArray(RowIO.FS, xs, xo + c);
            FloatVector xd = FloatVector.fromArray(RowIO.FS, xs, xo + c + lanes);
            long bo = 2L * c;
            IntVector p0 = pairs(s, o0 + bo), p1 = pairs(s, o1 + bo), p2 = pairs(s, o2 + bo), p3 = pairs(s, o3 + bo);
            a0 = RowIO.f16ToF32(p0).fma(xe, a0);
            b0 = RowIO.f16ToF32(p0.lanewise(VectorOperators.LSHR, 16)).fma(xd, b0);
            a1 = RowIO.f16ToF32(p1).fma(xe, a1);
            b1 = RowIO.f16ToF32(p1.lanewise(VectorOperators.LSHR, 16)).fma(xd, b1);
            a2 = RowIO.f16ToF32(p2).fma(xe, a2);
            b2 = RowIO.f16ToF32(p2.lanewise(VectorOperators.LSHR, 16)).fma(xd, b2);
            a3 = RowIO.f16ToF32(p3).fma(xe, a3);
            b3 = RowIO.f16ToF32(p3.lanewise(VectorOperators.LSHR, 16)).fma(xd, b3);
        }
        res[ro] = VectorSum.sum(a0.add(b0)) + tailF16(s, o0, xs, xo, kp, k);
        res[ro + 1] = VectorSum.sum(a1.add(b1)) + tailF16(s, o1, xs, xo, kp, k);
        res[ro + 2] = VectorSum.sum(a2.add(b2)) + tailF16(s, o2, xs, xo, kp, k);
        res[ro + 3] = VectorSum.sum(a3.add(b3)) + tailF16(s, o3, xs, xo, kp, k);
    }

    private static float dot1F16(MemorySegment s, long off, float[] xs, int xo, int k) {
        FloatVector a = FloatVector.zero(RowIO.FS), b = a;
        int lanes = RowIO.LANES, kp = pairBound(k);
        for (int c = 0; c < kp; c += 2 * lanes) {
            IntVector p = pairs(s, off + 2L * c);
            a = RowIO.f16ToF32(p).fma(FloatVector.fromArray(RowIO.FS, xs, xo + c), a);
            b = RowIO.f16ToF32(p.lanewise(VectorOperators.LSHR, 16))
                    .fma(FloatVector.fromArray(RowIO.FS, xs, xo + c + lanes), b);
        }
        return VectorSum.sum(a.add(b)) + tailF16(s, off, xs, xo, kp, k);
    }

    private static float tailF16(MemorySegment s, long off, float[] xs, int xo, int from, int k) {
        float t = 0;
        for (int c = from; c < k; c++) t += Float.float16ToFloat(s.get(RowIO.I16, off + 2L * c)) * xs[xo + c];
        return t;
    }

    private static void dot4F32(MemorySegment s, long off, long rowBytes, float[] xs, int xo, int k, float[] res, int ro) {
        FloatVector a0 = FloatVector.zero(RowIO.FS), a1 = a0, a2 = a0, a3 = a0;
        int lanes = RowIO.LANES, kv = RowIO.FS.loopBound(k);
        long o0 = off, o1 = off + rowBytes, o2 = off + 2 * rowBytes, o3 = off + 3 * rowBytes;
        for (int c = 0; c < kv; c += lanes) {
            FloatVector xv = FloatVector.fromArray(RowIO.FS, xs, xo + c);
            long bo = 4L * c;
            a0 = FloatVector.fromMemorySegment(RowIO.FS, s, o0 + bo, RowIO.LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(RowIO.FS, s, o1 + bo, RowIO.LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(RowIO.FS, s, o2 + bo, RowIO.LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(RowIO.FS, s, o3 + bo, RowIO.LE).fma(xv, a3);
        }
        res[ro] = VectorSum.sum(a0) + tailF32(s, o0, xs, xo, kv, k);
        res[ro + 1] = VectorSum.sum(a1) + tailF32(s, o1, xs, xo, kv, k);
        res[ro + 2] = VectorSum.sum(a2) + tailF32(s, o2, xs, xo, kv, k);
        res[ro + 3] = VectorSum.sum(a3) + tailF32(s, o3, xs, xo, kv, k);
    }

    private static float dot1F32(MemorySegment s, long off, float[] xs, int xo, int k) {
        FloatVector a = FloatVector.zero(RowIO.FS);
        int lanes = RowIO.LANES, kv = RowIO.FS.loopBound(k);
        for (int c = 0; c < kv; c += lanes)
            a = FloatVector.fromMemorySegment(RowIO.FS, s, off + 4L * c, RowIO.LE)
                    .fma(FloatVector.fromArray(RowIO.FS, xs, xo + c), a);
        return VectorSum.sum(a) + tailF32(s, off, xs, xo, kv, k);
    }

    private static float tailF32(MemorySegment s, long off, float[] xs, int xo, int from, int k) {
        float t = 0;
        for (int c = from; c < k; c++) t += s.get(RowIO.F32, off + 4L * c) * xs[xo + c];
        return t;
    }

    // ================================================================ packed (larger M)

    private static void packed(Parallel parallel, Tensor out, Tensor x, Tensor w, float[] bias, int m) {
        int k = x.dim(-1), n = w.dim(0);
        int slabBlocks = Math.max(1, SLAB_FLOATS / (MR * k));
        int panels = (n + NR - 1) / NR;
        for (int r0 = 0; r0 < m; r0 += slabBlocks * MR) {
            int rows = Math.min(slabBlocks * MR, m - r0), blocks = (rows + MR - 1) / MR;
            float[] xp = RowIO.Buffers.get(SLOT_X, blocks * MR * k);
            int first = r0;
            parallel.forRange(blocks, Math.max(1, 4096 / k), (b0, b1) -> {
                float[] row = RowIO.Buffers.get(SLOT_ROW, k);
                for (int b = b0; b < b1; b++) packRows(x, first + b * MR, Math.min(MR, rows - b * MR), k, row, xp, b * MR * k);
            });
            // Split x blocks into groups only as far as needed to give every worker several tasks.
            int groups = Math.min(blocks, Math.max(1, (4 * parallel.threads() + panels - 1) / panels));
            parallel.forRange(panels * groups, 1, (t0, t1) -> {
                float[] panel = RowIO.Buffers.get(SLOT_PANEL, KC * NR);
                float[] stage = RowIO.Buffers.get(SLOT_ROW, 16 * KC);
                for (int t = t0; t < t1; t++) {
                    int p = t / groups, g = t % groups;
                    int gb0 = (int) ((long) blocks * g / groups), gb1 = (int) ((long) blocks * (g + 1) / groups);
                    float[] acc = RowIO.Buffers.get(SLOT_ACC, (gb1 - gb0) * MR * NR);
                    int n0 = p * NR, nv = Math.min(NR, n - n0);
                    for (int kb = 0; kb < k; kb += KC) {
                        int kc = Math.min(KC, k - kb);
                        packPanel(w, n0, nv, kb, kc, stage, panel);
                        for (int b = gb0; b < gb1; b++)
                            micro(xp, (b * k + kb) * MR, panel, kc, acc, (b - gb0) * MR * NR, kb == 0);
                    }
                    int rEnd = Math.min(rows, gb1 * MR);
                    for (int r = gb0 * MR; r < rEnd; r++) {
                        int ao = (r - gb0 * MR) * NR;
                        if (bias != null) for (int c = 0; c < nv; c++) acc[ao + c] += bias[n0 + c];
                        RowIO.store(out.data(), RowIO.rowOffset(out, first + r) + (long) n0 * out.dtype().byteSize(),
                                out.dtype(), acc, ao, nv);
                    }
                }
            });
        }
    }

    /** Widens x rows {@code [r, r+count)} into one k-major block {@code dst[off + kk·MR + i]}, zero rows past count. */
    private static void packRows(Tensor x, int r, int count, int k, float[] row, float[] dst, int off) {
        for (int i = 0; i < MR; i++) {
            if (i < count) {
                RowIO.loadRow(x, r + i, row);
                for (int kk = 0; kk < k; kk++) dst[off + kk * MR + i] = row[kk];
            } else {
                for (int kk = 0; kk < k; kk++) dst[off + kk * MR + i] = 0f;
            }
        }
    }

    /**
     * Packs {@code w[n0..n0+nv)[kb..kb+kc)} as f32 {@code panel[kk·NR + j]}, zero columns past nv. With 16 lanes,
     * each whole group of 16 rows is widened into {@code stage} (16 rows of {@link #KC}) and transposed 16×16 at a
     * time in registers ({@link #transpose16}); the other rows and the k tail go through a scalar loop.
     */
    private static void packPanel(Tensor w, int n0, int nv, int kb, int kc, float[] stage, float[] panel) {
        DType wd = w.dtype();
        long kOff = kb * (long) wd.byteSize();
        int fullRows = RowIO.LANES == 16 ? nv - nv % 16 : 0, fastK = kc - kc % 16;
        for (int g = 0; g < fullRows; g += 16) {
            for (int j = 0; j < 16; j++) RowIO.load(w.data(), RowIO.rowOffset(w, n0 + g + j) + kOff, wd, stage, j * KC, kc);
            for (int kk = 0; kk < fastK; kk += 16) transpose16(stage, kk, panel, kk * NR + g);
            for (int kk = fastK; kk < kc; kk++)
                for (int j = 0; j < 16; j++) panel[kk * NR + g + j] = stage[j * KC + kk];
        }
        for (int j = fullRows; j < nv; j++) {
            RowIO.load(w.data(), RowIO.rowOffset(w, n0 + j) + kOff, wd, stage, 0, kc);
            for (int kk = 0; kk < kc; kk++) panel[kk * NR + j] = stage[kk];
        }
        if (nv < NR) for (int kk = 0; kk < kc; kk++) Arrays.fill(panel, kk * NR + nv, kk * NR + NR, 0f);
    }

    /**
     * Permute indices of the 16×16 transpose: stage b exchanges bit b of the row index with bit b of the column
     * index; {@code TRANSPOSE[2b]} builds the row whose bit b is 0 from the pair (row, row | 2^b), {@code [2b+1]}
     * the row whose bit b is 1.
     */
    private static final int[][] TRANSPOSE = new int[8][16];
    static {
        for (int b = 0; b < 4; b++) {
            int bit = 1 << b;
            for (int c = 0; c < 16; c++) {
                TRANSPOSE[2 * b][c] = (c & bit) == 0 ? c : 16 + (c ^ bit);
                TRANSPOSE[2 * b + 1][c] = (c & bit) == 0 ? c | bit : 16 + c;
            }
        }
    }

    /**
     * Transposes {@code stage[r·KC + k0 + i]} (16 rows r × 16 columns i) into {@code panel[po + i·NR + r]}, in
     * registers: four stages of 16 two-source permutes. 16 lanes only.
     */
    private static void transpose16(float[] stage, int k0, float[] panel, int po) {
        IntVector l0 = IntVector.fromArray(RowIO.IS, TRANSPOSE[0], 0), h0 = IntVector.fromArray(RowIO.IS, TRANSPOSE[1], 0);
        IntVector l1 = IntVector.fromArray(RowIO.IS, TRANSPOSE[2], 0), h1 = IntVector.fromArray(RowIO.IS, TRANSPOSE[3], 0);
        IntVector l2 = IntVector.fromArray(RowIO.IS, TRANSPOSE[4], 0), h2 = IntVector.fromArray(RowIO.IS, TRANSPOSE[5], 0);
        IntVector l3 = IntVector.fromArray(RowIO.IS, TRANSPOSE[6], 0), h3 = IntVector.fromArray(RowIO.IS, TRANSPOSE[7], 0);
        IntVector r0 = bits(stage, k0), r1 = bits(stage, KC + k0);
        IntVector r2 = bits(stage, 2 * KC + k0), r3 = bits(stage, 3 * KC + k0);
        IntVector r4 = bits(stage, 4 * KC + k0), r5 = bits(stage, 5 * KC + k0);
        IntVector r6 = bits(stage, 6 * KC + k0), r7 = bits(stage, 7 * KC + k0);
        IntVector r8 = bits(stage, 8 * KC + k0), r9 = bits(stage, 9 * KC + k0);
        IntVector r10 = bits(stage, 10 * KC + k0), r11 = bits(stage, 11 * KC + k0);
        IntVector r12 = bits(stage, 12 * KC + k0), r13 = bits(stage, 13 * KC + k0);
        IntVector r14 = bits(stage, 14 * KC + k0), r15 = bits(stage, 15 * KC + k0);
        // bit 0: pairs (0,1), (2,3), ...
        IntVector a0 = l0.selectFrom(r0, r1), a1 = h0.selectFrom(r0, r1), a2 = l0.selectFrom(r2, r3), a3 = h0.selectFrom(r2, r3);
        IntVector a4 = l0.selectFrom(r4, r5), a5 = h0.selectFrom(r4, r5), a6 = l0.selectFrom(r6, r7), a7 = h0.selectFrom(r6, r7);
        IntVector a8 = l0.selectFrom(r8, r9), a9 = h0.selectFrom(r8, r9), a10 = l0.selectFrom(r10, r11), a11 = h0.selectFrom(r10, r11);
        IntVector a12 = l0.selectFrom(r12, r13), a13 = h0.selectFrom(r12, r13), a14 = l0.selectFrom(r14, r15), a15 = h0.selectFrom(r14, r15);
        // bit 1: pairs (0,2), (1,3), ...
        IntVector b0 = l1.selectFrom(a0, a2), b2 = h1.selectFrom(a0, a2), b1 = l1.selectFrom(a1, a3), b3 = h1.selectFrom(a1, a3);
        IntVector b4 = l1.selectFrom(a4, a6), b6 = h1.selectFrom(a4, a6), b5 = l1.selectFrom(a5, a7), b7 = h1.selectFrom(a5, a7);
        IntVector b8 = l1.selectFrom(a8, a10), b10 = h1.selectFrom(a8, a10), b9 = l1.selectFrom(a9, a11), b11 = h1.selectFrom(a9, a11);
        IntVector b12 = l1.selectFrom(a12, a14), b14 = h1.selectFrom(a12, a14), b13 = l1.selectFrom(a13, a15), b15 = h1.selectFrom(a13, a15);
        // bit 2: pairs (0,4), (1,5), ...
        IntVector c0 = l2.selectFrom(b0, b4), c4 = h2.selectFrom(b0, b4), c1 = l2.selectFrom(b1, b5), c5 = h2.selectFrom(b1, b5);
        IntVector c2 = l2.selectFrom(b2, b6), c6 = h2.selectFrom(b2, b6), c3 = l2.selectFrom(b3, b7), c7 = h2.selectFrom(b3, b7);
        IntVector c8 = l2.selectFrom(b8, b12), c12 = h2.selectFrom(b8, b12), c9 = l2.selectFrom(b9, b13), c13 = h2.selectFrom(b9, b13);
        IntVector c10 = l2.selectFrom(b10, b14), c14 = h2.selectFrom(b10, b14), c11 = l2.selectFrom(b11, b15), c15 = h2.selectFrom(b11, b15);
        // bit 3: pairs (0,8), (1,9), ..., stored as they come out
        l3.selectFrom(c0, c8).reinterpretAsFloats().intoArray(panel, po);
        h3.selectFrom(c0, c8).reinterpretAsFloats().intoArray(panel, po + 8 * NR);
        l3.selectFrom(c1, c9).reinterpretAsFloats().intoArray(panel, po + NR);
        h3.selectFrom(c1, c9).reinterpretAsFloats().intoArray(panel, po + 9 * NR);
        l3.selectFrom(c2, c10).reinterpretAsFloats().intoArray(panel, po + 2 * NR);
        h3.selectFrom(c2, c10).reinterpretAsFloats().intoArray(panel, po + 10 * NR);
        l3.selectFrom(c3, c11).reinterpretAsFloats().intoArray(panel, po + 3 * NR);
        h3.selectFrom(c3, c11).reinterpretAsFloats().intoArray(panel, po + 11 * NR);
        l3.selectFrom(c4, c12).reinterpretAsFloats().intoArray(panel, po + 4 * NR);
        h3.selectFrom(c4, c12).reinterpretAsFloats().intoArray(panel, po + 12 * NR);
        l3.selectFrom(c5, c13).reinterpretAsFloats().intoArray(panel, po + 5 * NR);
        h3.selectFrom(c5, c13).reinterpretAsFloats().intoArray(panel, po + 13 * NR);
        l3.selectFrom(c6, c14).reinterpretAsFloats().intoArray(panel, po + 6 * NR);
        h3.selectFrom(c6, c14).reinterpretAsFloats().intoArray(panel, po + 14 * NR);
        l3.selectFrom(c7, c15).reinterpretAsFloats().intoArray(panel, po + 7 * NR);
        h3.selectFrom(c7, c15).reinterpretAsFloats().intoArray(panel, po + 15 * NR);
    }

    private static IntVector bits(float[] a, int off) {
        return FloatVector.fromArray(RowIO.FS, a, off).reinterpretAsInts();
    }

    /**
     * {@code acc[MR][NR] (+)= xBlock[kc][MR]ᵀ · panel[kc][NR]}: 16 accumulators, per k one broadcast per x row
     * and two panel vectors. {@code first} starts from zero instead of the stored partial sums.
     */
    private static void micro(float[] xp, int xo, float[] panel, int kc, float[] acc, int ao, boolean first) {
        final int lanes = RowIO.LANES;
        // The accumulators start from an all-zero array on the first k block: choosing the array, not the vector,
        // avoids a control-flow merge of vector values (which C2 would box).
        float[] init = first ? ZEROS : acc;
        int io = first ? 0 : ao;
        FloatVector c00 = FloatVector.fromArray(RowIO.FS, init, io);
        FloatVector c01 = FloatVector.fromArray(RowIO.FS, init, io + lanes);
        FloatVector c10 = FloatVector.fromArray(RowIO.FS, init, io + NR);
        FloatVector c11 = FloatVector.fromArray(RowIO.FS, init, io + NR + lanes);
        FloatVector c20 = FloatVector.fromArray(RowIO.FS, init, io + 2 * NR);
        FloatVector c21 = FloatVector.fromArray(RowIO.FS, init, io + 2 * NR + lanes);
        FloatVector c30 = FloatVector.fromArray(RowIO.FS, init, io + 3 * NR);
        FloatVector c31 = FloatVector.fromArray(RowIO.FS, init, io + 3 * NR + lanes);
        FloatVector c40 = FloatVector.fromArray(RowIO.FS, init, io + 4 * NR);
        FloatVector c41 = FloatVector.fromArray(RowIO.FS, init, io + 4 * NR + lanes);
        FloatVector c50 = FloatVector.fromArray(RowIO.FS, init, io + 5 * NR);
        FloatVector c51 = FloatVector.fromArray(RowIO.FS, init, io + 5 * NR + lanes);
        FloatVector c60 = FloatVector.fromArray(RowIO.FS, init, io + 6 * NR);
        FloatVector c61 = FloatVector.fromArray(RowIO.FS, init, io + 6 * NR + lanes);
        FloatVector c70 = FloatVector.fromArray(RowIO.FS, init, io + 7 * NR);
        FloatVector c71 = FloatVector.fromArray(RowIO.FS, init, io + 7 * NR + lanes);
        for (int kk = 0; kk < kc; kk++) {
            int po = kk * NR, xi = xo + kk * MR;
            FloatVector w0 = FloatVector.fromArray(RowIO.FS, panel, po);
            FloatVector w1 = FloatVector.fromArray(RowIO.FS, panel, po + lanes);
            FloatVector a = FloatVector.broadcast(RowIO.FS, xp[xi]);
            c00 = a.fma(w0, c00);
            c01 = a.fma(w1, c01);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 1]);
            c10 = a.fma(w0, c10);
            c11 = a.fma(w1, c11);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 2]);
            c20 = a.fma(w0, c20);
            c21 = a.fma(w1, c21);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 3]);
            c30 = a.fma(w0, c30);
            c31 = a.fma(w1, c31);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 4]);
            c40 = a.fma(w0, c40);
            c41 = a.fma(w1, c41);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 5]);
            c50 = a.fma(w0, c50);
            c51 = a.fma(w1, c51);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 6]);
            c60 = a.fma(w0, c60);
            c61 = a.fma(w1, c61);
            a = FloatVector.broadcast(RowIO.FS, xp[xi + 7]);
            c70 = a.fma(w0, c70);
            c71 = a.fma(w1, c71);
        }
        c00.intoArray(acc, ao);
        c01.intoArray(acc, ao + lanes);
        c10.intoArray(acc, ao + NR);
        c11.intoArray(acc, ao + NR + lanes);
        c20.intoArray(acc, ao + 2 * NR);
        c21.intoArray(acc, ao + 2 * NR + lanes);
        c30.intoArray(acc, ao + 3 * NR);
        c31.intoArray(acc, ao + 3 * NR + lanes);
        c40.intoArray(acc, ao + 4 * NR);
        c41.intoArray(acc, ao + 4 * NR + lanes);
        c50.intoArray(acc, ao + 5 * NR);
        c51.intoArray(acc, ao + 5 * NR + lanes);
        c60.intoArray(acc, ao + 6 * NR);
        c61.intoArray(acc, ao + 6 * NR + lanes);
        c70.intoArray(acc, ao + 7 * NR);
        c71.intoArray(acc, ao + 7 * NR + lanes);
    }

    /** Dot product of {@code a[aOff..aOff+n)} and {@code b[0..n)} in f32. */
    static float dot(float[] a, int aOff, float[] b, int n) {
        FloatVector acc = FloatVector.zero(RowIO.FS);
        int i = 0;
        for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES)
            acc = FloatVector.fromArray(RowIO.FS, a, aOff + i).fma(FloatVector.fromArray(RowIO.FS, b, i), acc);
        float s = VectorSum.sum(acc);
        for (; i < n; i++) s += a[aOff + i] * b[i];
        return s;
    }
}
