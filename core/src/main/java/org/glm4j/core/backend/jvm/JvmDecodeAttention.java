package org.glm4j.core.backend.jvm;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Attention for a single query row (decode): every head sees the same key range, so nothing is masked, and the
 * work is split over keys.
 *
 * <p><b>Heads in lanes for the scores, head dim in lanes for the output.</b> The {@code G} query heads of a kv
 * head are one vector per {@code L} heads ({@code nv = ⌈G/L⌉}; lanes past G hold a zero query and are never
 * stored). A task owns a contiguous key range and walks it in blocks of {@value #KB} keys, for each kv head:
 * <ol>
 *   <li>{@code S[key] = Σ_c' kf[key][c']·qT[c']} over the block's K rows widened to f32 ({@code kf}, 16-bit rows
 *       split into even/odd elements as {@link JvmAttention#permutation} orders them, q transposed with the same
 *       permutation): a broadcast of kf, which the load ports do, times a qT vector, 16 keys in 16
 *       accumulators;</li>
 *   <li>online softmax per lane in base 2 (q is pre-multiplied by {@code scale·log₂e}): block max, {@code 2^(S − m)},
 *       running sum, and a rescale of the accumulators only when some lane's max grew;</li>
 *   <li>{@code o[h][c'] += Σ_key P[key][h]·vf[key][c']} over the widened V rows in tiles of 4 heads × 4 column
 *       vectors: each key's 4 V vectors meet 4 broadcast weights, two FMAs per load.</li>
 * </ol>
 * Widening costs two ALU operations and two stores per 32 elements. For GLM's decode shape (bf16 K and V as
 * {@code [tokens, 2, 128]}, up to 16 query heads per kv head) it is software-pipelined: the scores kernel of kv
 * head h widens rows {@code [8h, 8h + 8)} of the block's V (both kv heads, in memory order) and the accumulation
 * kernel of kv head h the same rows of the next block's K, one step of 32 elements every second iteration. That
 * keeps the stores off the FMAs' critical path and spreads the reads of the cache, a 64-byte line every 32 FMAs,
 * through the computation, in memory order (spread reads measured faster than bursts of 8 lines, and reading
 * each kv head's half rows in its own pass slower). Other shapes, and the last partial block, widen each block
 * just before use. A task's working set (qT and o of each kv head, the widened K and V of one block, the scores,
 * about 66 KiB) stays in L1/L2 while K and V stream from memory once.
 *
 * <p>Tasks are key ranges of at least {@value #MIN_SPLIT_KEYS} keys, up to four per thread (a stalled thread's
 * share is taken over by the others); their partial states {@code (m, l, o)} are merged by the calling thread,
 * which normalises and rounds the output. Everything is f32.
 */
final class JvmDecodeAttention {
    private JvmDecodeAttention() {}

    private static final int L = RowIO.LANES;
    private static final int KS = JvmAttention.KS;
    /** Row stride of the pipelined K and V blocks, {@code [key][kv head][KS]} for 2 kv heads. */
    private static final int PS = 2 * KS;
    /** Keys per block (16: one pass of the scores kernel). */
    static final int KB = 16;
    /** Shortest key range worth a task of its own. */
    private static final int MIN_SPLIT_KEYS = 256;
    private static final float LOG2E = 1.44269504088896341f;

    /** Whether this path computes {@code attention(out, q, ...)}: exactly one query row. */
    static boolean handles(Tensor q) {
        return q.dim(0) == 1;
    }

    /**
     * The problem, fixed per call: query head {@code h·g + vi·L + lane} is lane {@code lane} of row vector
     * {@code u = h·nv + vi}; {@code dp} is the head dim rounded up to 16 (the accumulator width); {@code keys} the
     * length of the key range {@code [0, keys)}; {@code pipelined} whether the shape takes the pipelined path.
     */
    private record Problem(Tensor out, Tensor q, Tensor k, Tensor v, int g, int nv, int hkv, int d, int dp,
                           float qScale, int[] permK, int[] permV, int keys, boolean pipelined) {
        int chunks() { return (d + KS - 1) / KS; }

        int vectors() { return hkv * nv; }

        /** Floats of one task's saved state: m, l and o of every row vector. */
        int stateSize() { return vectors() * L * (dp + 2); }
    }

    static void attention(Parallel parallel, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        int d = q.dim(2), hkv = k.dim(1), g = spec.groupSize();
        int keys = k.dim(0);
        if (spec.causal()) keys = Math.min(keys, spec.queryOffset() + 1);
        int[] seg = spec.segments();
        if (seg != null) keys = Math.min(keys, seg[1]); // the query is row 0: it sees segment 0
        boolean pipelined = L == 16 && d == KS && hkv == 2 && g <= L && dense(k) && dense(v);
        Problem p = new Problem(out, q, k, v, g, (g + L - 1) / L, hkv, d, (d + 15) & ~15, spec.scale() * LOG2E,
                JvmAttention.permutation(k.dtype(), d), JvmAttention.permutation(v.dtype(), d), keys, pipelined);
        int splits = Math.max(1, Math.min(4 * parallel.threads(), keys / MIN_SPLIT_KEYS)), state = p.stateSize();
        float[] partial = new float[splits * state];
        parallel.forRange(splits, 1, (from, to) -> {
            Workspace ws = Workspace.get(p);
            for (int s = from; s < to; s++) {
                int a = (int) ((long) p.keys * s / splits), b = (int) ((long) p.keys * (s + 1) / splits);
                ws.setUp(p);
                int c = p.pipelined ? ws.runPipelined(p, a, b) : a;
                ws.run(p, c, b);
                ws.save(p, partial, s * state);
            }
        });
        merge(p, partial, splits);
    }

    /** A bf16 K or V tensor whose token rows are whole and contiguous: {@code [tokens, heads, D]} row-major. */
    private static boolean dense(Tensor t) {
        return t.dtype() == DType.BF16 && t.stride(2) == 1 && t.stride(1) == t.dim(2)
                && t.stride(0) == (long) t.dim(1) * t.dim(2);
    }

    /**
     * Combines the tasks' states: per head, {@code M = max m_s}, {@code l = Σ l_s·2^(m_s − M)},
     * {@code o = Σ o_s·2^(m_s − M)}; then stores {@code o / l} un-permuted into out.
     */
    private static void merge(Problem p, float[] partial, int splits) {
        int n = p.vectors() * L, dp = p.dp, d = p.d, state = p.stateSize();
        float[] o = new float[L * dp], row = new float[d], w = new float[splits * L], lSum = new float[L];
        for (int u = 0; u < p.vectors(); u++) {
            FloatVector mx = FloatVector.broadcast(RowIO.FS, Float.NEGATIVE_INFINITY);
            for (int s = 0; s < splits; s++) mx = mx.max(FloatVector.fromArray(RowIO.FS, partial, s * state + u * L));
            FloatVector sum = FloatVector.zero(RowIO.FS);
            for (int s = 0; s < splits; s++) {
                FloatVector ws = exp2NonPositive(FloatVector.fromArray(RowIO.FS, partial, s * state + u * L).sub(mx));
                ws.intoArray(w, s * L);
                sum = FloatVector.fromArray(RowIO.FS, partial, s * state + n + u * L).fma(ws, sum);
            }
            sum.intoArray(lSum, 0);
            Arrays.fill(o, 0f);
            for (int s = 0; s < splits; s++)
                for (int lane = 0; lane < L; lane++) {
                    FloatVector ws = FloatVector.broadcast(RowIO.FS, w[s * L + lane]);
                    int src = s * state + 2 * n + (u * L + lane) * dp, dst = lane * dp;
                    for (int c = 0; c < dp; c += L)
                        FloatVector.fromArray(RowIO.FS, partial, src + c).fma(ws, FloatVector.fromArray(RowIO.FS, o, dst + c))
                                .intoArray(o, dst + c);
                }
            int h = u / p.nv, vi = u % p.nv;
            for (int lane = 0; lane < L && vi * L + lane < p.g; lane++) {
                float inv = 1f / lSum[lane];
                for (int c = 0; c < d; c++) row[c] = o[lane * dp + p.permV[c]] * inv;
                RowIO.store(p.out.data(), JvmAttention.offset(p.out, 0, h * p.g + vi * L + lane), p.out.dtype(), row, 0, d);
            }
        }
    }

    /**
     * {@code 2^x} for {@code x ≤ 0}: {@code x = n + f} with n the nearest integer (through the low mantissa bits of
     * {@code x + 1.5·2²³ + 127}, which also hold the exponent bits {@code n + 127} of {@code 2^n}) and
     * {@code |f| ≤ 1/2}, {@code 2^f} by a degree-6 polynomial (relative error below 2·10⁻⁹, about one f32 ulp after
     * rounding). Below −127 the result is 0 (as for −∞); NaN stays NaN.
     */
    static FloatVector exp2NonPositive(FloatVector x) {
        // A compare and blend, not max(): Java's max (NaN and −0.0 rules) costs six instructions.
        FloatVector xc = x.blend(-127f, x.compare(VectorOperators.LT, -127f));
        FloatVector t = xc.add(EXP2_SHIFT);
        FloatVector f = xc.sub(t.sub(EXP2_SHIFT));
        FloatVector p = f.fma(EXP2_C6, EXP2_C5).fma(f, EXP2_C4).fma(f, EXP2_C3).fma(f, EXP2_C2).fma(f, EXP2_C1)
                .fma(f, EXP2_C0);
        return p.mul(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    private static final float EXP2_SHIFT = 0x1.8p23f + 127f;
    private static final FloatVector EXP2_C6 = FloatVector.broadcast(RowIO.FS, 1.5345810971e-04f);
    private static final FloatVector EXP2_C5 = FloatVector.broadcast(RowIO.FS, 1.3399930904e-03f);
    private static final FloatVector EXP2_C4 = FloatVector.broadcast(RowIO.FS, 9.6184890717e-03f);
    private static final FloatVector EXP2_C3 = FloatVector.broadcast(RowIO.FS, 5.5503286421e-02f);
    private static final FloatVector EXP2_C2 = FloatVector.broadcast(RowIO.FS, 2.4022646248e-01f);
    private static final FloatVector EXP2_C1 = FloatVector.broadcast(RowIO.FS, 6.9314718246e-01f);
    private static final FloatVector EXP2_C0 = FloatVector.broadcast(RowIO.FS, 1f);

    /**
     * Per-thread buffers, reused across tasks and calls. Row vector u owns {@code qt[u·chunks·KS·L ..]} (column c'
     * at {@code c'·L}), the output accumulators {@code o[(u·L + lane)·dp + c']} of its heads and
     * {@code m, l[u·L ..]}; {@code kf} and {@code vf} hold one widened block of every kv head
     * ({@code [kv head][chunk][KB][KS]}, or {@code [KB][kv head][KS]} on the pipelined path), {@code s[u·KB·L ..]}
     * the block's scores, then weights, of row vector u.
     */
    private static final class Workspace {
        private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

        float[] qt = new float[0], ot = new float[0], kf = new float[0], vf = new float[0], s = new float[0];
        float[] m = new float[0], l = new float[0], row = new float[0];
        final float[] scale = new float[L];

        static Workspace get(Problem p) {
            Workspace w = LOCAL.get();
            int nv = p.vectors(), chunks = p.chunks();
            if (w.qt.length < nv * chunks * KS * L) w.qt = new float[nv * chunks * KS * L];
            if (w.ot.length < nv * L * p.dp) w.ot = new float[nv * L * p.dp];
            int block = Math.max(p.hkv * chunks, 2) * KB * KS;
            if (w.kf.length < block) {
                w.kf = new float[block];
                w.vf = new float[block];
            }
            if (w.s.length < nv * KB * L) w.s = new float[nv * KB * L];
            if (w.m.length < nv * L) {
                w.m = new float[nv * L];
                w.l = new float[nv * L];
            }
            if (w.row.length < p.d) w.row = new float[p.d];
            return w;
        }

        /** Transposed, permuted, scaled q (zero in lanes past the group); empty accumulators. */
        void setUp(Problem p) {
            int d = p.d, stride = p.chunks() * KS * L;
            Arrays.fill(qt, 0, p.vectors() * stride, 0f);
            for (int h = 0; h < p.hkv; h++) {
                for (int r = 0; r < p.g; r++) {
                    RowIO.load(p.q.data(), JvmAttention.offset(p.q, 0, h * p.g + r), p.q.dtype(), row, 0, d);
                    int base = (h * p.nv + r / L) * stride + r % L;
                    for (int c = 0; c < d; c++) qt[base + p.permK[c] * L] = row[c] * p.qScale;
                }
            }
            Arrays.fill(ot, 0, p.vectors() * p.dp * L, 0f);
            Arrays.fill(m, 0, p.vectors() * L, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, p.vectors() * L, 0f);
        }

        /**
         * The pipelined path over the full blocks of {@code [from, to)}; returns where the rest (a partial block)
         * starts. Block b's K rows are in {@code kf} when it starts (widened by block b − 1's accumulation, or
         * here for the first); kv head h's scores kernel widens V rows {@code [8h, 8h + 8)} of both kv heads, its
         * accumulation kernel those of the next block's K (the block's own again after the last, harmlessly).
         */
        int runPipelined(Problem p, int from, int to) {
            if (to - from < KB) return from;
            MemorySegment kSeg = p.k.data(), vSeg = p.v.data();
            long kBase = JvmAttention.offset(p.k, 0, 0), vBase = JvmAttention.offset(p.v, 0, 0), row = 4L * KS;
            int qStride = KS * L;
            for (int t = 0; t < 2 * KB * KS / 32; t++) widenStep(kSeg, kBase + from * row + 64L * t, kf, 32 * t);
            int j0 = from;
            for (; to - j0 >= KB; j0 += KB) {
                for (int h = 0; h < 2; h++) {
                    scoresWiden(kf, h * KS, qt, h * qStride, s, h * KB * L, vSeg, vBase + (j0 + 8 * h) * row, vf,
                            8 * h * PS);
                    softmaxStep(h, h * KB * L, KB, KB, p.dp);
                }
                int next = to - (j0 + KB) >= KB ? j0 + KB : j0;
                for (int h = 0; h < 2; h++)
                    accumulateWiden(vf, h * KS, s, h * KB * L, ot, h * L * KS, kSeg, kBase + (next + 8 * h) * row, kf,
                            8 * h * PS);
            }
            return j0;
        }

        /** Accumulates keys {@code [from, to)} into the state, widening each block of each kv head before use. */
        void run(Problem p, int from, int to) {
            int d = p.d, dp = p.dp, nv = p.nv, chunks = p.chunks(), qStride = chunks * KS * L;
            for (int j0 = from; j0 < to; j0 += KB) {
                int nk = Math.min(KB, to - j0), nkp = (nk + 15) & ~15;
                for (int h = 0; h < p.hkv; h++) {
                    for (int ch = 0; ch < chunks; ch++) {
                        JvmAttention.widenRows(p.k, j0, h, nk, nkp, ch, kf, ch * KB * KS);
                        JvmAttention.widenRows(p.v, j0, h, nk, nkp, ch, vf, ch * KB * KS);
                    }
                    for (int vi = 0; vi < nv; vi++) {
                        int u = h * nv + vi;
                        for (int ch = 0; ch < chunks; ch++)
                            JvmAttention.scores1(kf, ch * KB * KS, qt, u * qStride + ch * KS * L, s, u * KB * L,
                                    Math.min(KS, d - ch * KS), nkp, ch == 0);
                        softmaxStep(u, u * KB * L, nk, nkp, dp);
                        for (int ch = 0; ch < chunks; ch++)
                            accumulate(vf, ch * KB * KS, s, u * KB * L, ot, u * L * dp + ch * KS, dp,
                                    Math.min(KS, dp - ch * KS), nkp);
                    }
                }
            }
        }

        /**
         * Folds the block's scores of row vector u ({@code nk} keys, padded to {@code nkp}) into its running max
         * and sum, rescales its accumulators when the max grew, and leaves the weights in {@code s} (zero for the
         * padded keys).
         */
        private void softmaxStep(int u, int so, int nk, int nkp, int dp) {
            FloatVector mOld = FloatVector.fromArray(RowIO.FS, m, u * L);
            FloatVector mx = mOld;
            for (int jj = 0; jj < nk; jj++) { // running max by compare and blend (a NaN score is passed on by the exp)
                FloatVector x = FloatVector.fromArray(RowIO.FS, s, so + jj * L);
                mx = mx.blend(x, mx.compare(VectorOperators.LT, x));
            }
            FloatVector sum = FloatVector.zero(RowIO.FS);
            for (int jj = 0; jj < nk; jj++) {
                FloatVector e = exp2NonPositive(FloatVector.fromArray(RowIO.FS, s, so + jj * L).sub(mx));
                e.intoArray(s, so + jj * L);
                sum = sum.add(e);
            }
            if (nkp > nk) Arrays.fill(s, so + nk * L, so + nkp * L, 0f);
            FloatVector alpha = exp2NonPositive(mOld.sub(mx));
            FloatVector.fromArray(RowIO.FS, l, u * L).fma(alpha, sum).intoArray(l, u * L);
            mx.intoArray(m, u * L);
            if (alpha.compare(VectorOperators.NE, 1f).anyTrue()) {
                alpha.intoArray(scale, 0);
                for (int lane = 0; lane < L; lane++) {
                    if (scale[lane] == 1f) continue;
                    FloatVector a = FloatVector.broadcast(RowIO.FS, scale[lane]);
                    int oo = (u * L + lane) * dp;
                    for (int c = 0; c < dp; c += L) FloatVector.fromArray(RowIO.FS, ot, oo + c).mul(a).intoArray(ot, oo + c);
                }
            }
        }

        /** Copies the state (m, l, oT of every row vector) into {@code dst[off..]}. */
        void save(Problem p, float[] dst, int off) {
            int n = p.vectors() * L;
            System.arraycopy(m, 0, dst, off, n);
            System.arraycopy(l, 0, dst, off + n, n);
            System.arraycopy(ot, 0, dst, off + 2 * n, n * p.dp);
        }
    }

    // ================================================================ micro-kernels

    /**
     * Widens the 32 bf16 values at {@code src[pos ..]} into {@code dst[o ..]}: the even elements, then the odd (as
     * {@link JvmAttention#permutation} orders them).
     */
    private static void widenStep(MemorySegment src, long pos, float[] dst, int o) {
        IntVector pairs = IntVector.fromMemorySegment(RowIO.IS, src, pos, RowIO.LE);
        pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, o);
        pairs.and(0xFFFF_0000).reinterpretAsFloats().intoArray(dst, o + 16);
    }

    /**
     * {@code ot[oo + h·dp + c'] += Σ_{jj<nkp} s[so + jj·L + h]·vf[vo + jj·KS + c']} for the L heads h of one row
     * vector and columns {@code c' < w} (a multiple of 16): head dim in lanes, tiles of 4 heads × 4 column vectors
     * (16 accumulators) in which each key's 4 V vectors meet 4 broadcast weights, so that two FMAs need one load.
     */
    static void accumulate(float[] vf, int vo, float[] s, int so, float[] ot, int oo, int dp, int w, int nkp) {
        for (int h0 = 0; h0 < L; h0 += 4) {
            int c = 0;
            for (; c + 4 * L <= w; c += 4 * L) tile(vf, vo + c, s, so + h0, ot, oo + h0 * dp + c, dp, nkp);
            for (; c < w; c += L) narrowTile(vf, vo + c, s, so + h0, ot, oo + h0 * dp + c, dp, nkp);
        }
    }

    /** One 4 × 4 tile of {@link #accumulate}: heads {@code [h0, h0 + 4)}, columns {@code [c, c + 4L)}. */
    private static void tile(float[] vf, int vo, float[] s, int so, float[] ot, int oo, int dp, int nkp) {
        int r0 = oo, r1 = r0 + dp, r2 = r1 + dp, r3 = r2 + dp;
        FloatVector a00 = FloatVector.fromArray(RowIO.FS, ot, r0), a01 = FloatVector.fromArray(RowIO.FS, ot, r0 + L);
        FloatVector a02 = FloatVector.fromArray(RowIO.FS, ot, r0 + 2 * L), a03 = FloatVector.fromArray(RowIO.FS, ot, r0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(RowIO.FS, ot, r1), a11 = FloatVector.fromArray(RowIO.FS, ot, r1 + L);
        FloatVector a12 = FloatVector.fromArray(RowIO.FS, ot, r1 + 2 * L), a13 = FloatVector.fromArray(RowIO.FS, ot, r1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(RowIO.FS, ot, r2), a21 = FloatVector.fromArray(RowIO.FS, ot, r2 + L);
        FloatVector a22 = FloatVector.fromArray(RowIO.FS, ot, r2 + 2 * L), a23 = FloatVector.fromArray(RowIO.FS, ot, r2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(RowIO.FS, ot, r3), a31 = FloatVector.fromArray(RowIO.FS, ot, r3 + L);
        FloatVector a32 = FloatVector.fromArray(RowIO.FS, ot, r3 + 2 * L), a33 = FloatVector.fromArray(RowIO.FS, ot, r3 + 3 * L);
        for (int jj = 0; jj < nkp; jj++) {
            int v = vo + jj * KS, p = so + jj * L;
            FloatVector v0 = FloatVector.fromArray(RowIO.FS, vf, v), v1 = FloatVector.fromArray(RowIO.FS, vf, v + L);
            FloatVector v2 = FloatVector.fromArray(RowIO.FS, vf, v + 2 * L), v3 = FloatVector.fromArray(RowIO.FS, vf, v + 3 * L);
            FloatVector w = FloatVector.broadcast(RowIO.FS, s[p]);
            a00 = w.fma(v0, a00);
            a01 = w.fma(v1, a01);
            a02 = w.fma(v2, a02);
            a03 = w.fma(v3, a03);
            w = FloatVector.broadcast(RowIO.FS, s[p + 1]);
            a10 = w.fma(v0, a10);
            a11 = w.fma(v1, a11);
            a12 = w.fma(v2, a12);
            a13 = w.fma(v3, a13);
            w = FloatVector.broadcast(RowIO.FS, s[p + 2]);
            a20 = w.fma(v0, a20);
            a21 = w.fma(v1, a21);
            a22 = w.fma(v2, a22);
            a23 = w.fma(v3, a23);
            w = FloatVector.broadcast(RowIO.FS, s[p + 3]);
            a30 = w.fma(v0, a30);
            a31 = w.fma(v1, a31);
            a32 = w.fma(v2, a32);
            a33 = w.fma(v3, a33);
        }
        a00.intoArray(ot, r0);
        a01.intoArray(ot, r0 + L);
        a02.intoArray(ot, r0 + 2 * L);
        a03.intoArray(ot, r0 + 3 * L);
        a10.intoArray(ot, r1);
        a11.intoArray(ot, r1 + L);
        a12.intoArray(ot, r1 + 2 * L);
        a13.intoArray(ot, r1 + 3 * L);
        a20.intoArray(ot, r2);
        a21.intoArray(ot, r2 + L);
        a22.intoArray(ot, r2 + 2 * L);
        a23.intoArray(ot, r2 + 3 * L);
        a30.intoArray(ot, r3);
        a31.intoArray(ot, r3 + L);
        a32.intoArray(ot, r3 + 2 * L);
        a33.intoArray(ot, r3 + 3 * L);
    }

    /** A 4 × 1 tile of {@link #accumulate}: heads {@code [h0, h0 + 4)}, columns {@code [c, c + L)}. */
    private static void narrowTile(float[] vf, int vo, float[] s, int so, float[] ot, int oo, int dp, int nkp) {
        FloatVector a0 = FloatVector.fromArray(RowIO.FS, ot, oo), a1 = FloatVector.fromArray(RowIO.FS, ot, oo + dp);
        FloatVector a2 = FloatVector.fromArray(RowIO.FS, ot, oo + 2 * dp), a3 = FloatVector.fromArray(RowIO.FS, ot, oo + 3 * dp);
        for (int jj = 0; jj < nkp; jj++) {
            int p = so + jj * L;
            FloatVector v = FloatVector.fromArray(RowIO.FS, vf, vo + jj * KS);
            a0 = FloatVector.broadcast(RowIO.FS, s[p]).fma(v, a0);
            a1 = FloatVector.broadcast(RowIO.FS, s[p + 1]).fma(v, a1);
            a2 = FloatVector.broadcast(RowIO.FS, s[p + 2]).fma(v, a2);
            a3 = FloatVector.broadcast(RowIO.FS, s[p + 3]).fma(v, a3);
        }
        a0.intoArray(ot, oo);
        a1.intoArray(ot, oo + dp);
        a2.intoArray(ot, oo + 2 * dp);
        a3.intoArray(ot, oo + 3 * dp);
    }

    /**
     * {@link JvmAttention#scores1} of one kv head over a full pipelined block ({@value #KB} keys, rows of kv head h at
     * {@code kf[ko + key·PS ..]}, head dim {@value #KS}) from zero, while widening 64 × 32 consecutive bf16 elements
     * from {@code src[srcPos ..]} into {@code dst[dstPos ..]}: one {@link #widenStep} every second column.
     */
    static void scoresWiden(float[] kf, int ko, float[] qt, int qo, float[] s, int so, MemorySegment src, long srcPos,
                            float[] dst, int dstPos) {
        for (int jb = 0; jb < KB; jb += 16) {
            FloatVector s0 = FloatVector.zero(RowIO.FS), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            FloatVector s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0;
            int k0 = ko + jb * PS;
            for (int c = 0; c < KS; c++) {
                if ((c & 1) == 0) {
                    widenStep(src, srcPos, dst, dstPos);
                    srcPos += 64;
                    dstPos += 32;
                }
                FloatVector qv = FloatVector.fromArray(RowIO.FS, qt, qo + c * L);
                int kc = k0 + c;
                s0 = FloatVector.broadcast(RowIO.FS, kf[kc]).fma(qv, s0);
                s1 = FloatVector.broadcast(RowIO.FS, kf[kc + PS]).fma(qv, s1);
                s2 = FloatVector.broadcast(RowIO.FS, kf[kc + 2 * PS]).fma(qv, s2);
                s3 = FloatVector.broadcast(RowIO.FS, kf[kc + 3 * PS]).fma(qv, s3);
                s4 = FloatVector.broadcast(RowIO.FS, kf[kc + 4 * PS]).fma(qv, s4);
                s5 = FloatVector.broadcast(RowIO.FS, kf[kc + 5 * PS]).fma(qv, s5);
                s6 = FloatVector.broadcast(RowIO.FS, kf[kc + 6 * PS]).fma(qv, s6);
                s7 = FloatVector.broadcast(RowIO.FS, kf[kc + 7 * PS]).fma(qv, s7);
                s8 = FloatVector.broadcast(RowIO.FS, kf[kc + 8 * PS]).fma(qv, s8);
                s9 = FloatVector.broadcast(RowIO.FS, kf[kc + 9 * PS]).fma(qv, s9);
                s10 = FloatVector.broadcast(RowIO.FS, kf[kc + 10 * PS]).fma(qv, s10);
                s11 = FloatVector.broadcast(RowIO.FS, kf[kc + 11 * PS]).fma(qv, s11);
                s12 = FloatVector.broadcast(RowIO.FS, kf[kc + 12 * PS]).fma(qv, s12);
                s13 = FloatVector.broadcast(RowIO.FS, kf[kc + 13 * PS]).fma(qv, s13);
                s14 = FloatVector.broadcast(RowIO.FS, kf[kc + 14 * PS]).fma(qv, s14);
                s15 = FloatVector.broadcast(RowIO.FS, kf[kc + 15 * PS]).fma(qv, s15);
            }
            int o = so + jb * L;
            s0.intoArray(s, o);
            s1.intoArray(s, o + L);
            s2.intoArray(s, o + 2 * L);
            s3.intoArray(s, o + 3 * L);
            s4.intoArray(s, o + 4 * L);
            s5.intoArray(s, o + 5 * L);
            s6.intoArray(s, o + 6 * L);
            s7.intoArray(s, o + 7 * L);
            s8.intoArray(s, o + 8 * L);
            s9.intoArray(s, o + 9 * L);
            s10.intoArray(s, o + 10 * L);
            s11.intoArray(s, o + 11 * L);
            s12.intoArray(s, o + 12 * L);
            s13.intoArray(s, o + 13 * L);
            s14.intoArray(s, o + 14 * L);
            s15.intoArray(s, o + 15 * L);
        }
    }

    /**
     * {@link #accumulate} of one kv head (16 heads, head dim {@value #KS}, accumulator row stride {@value #KS}) over
     * a full pipelined block (rows of the kv head at {@code vf[vo + key·PS ..]}), while widening 64 × 32
     * consecutive bf16 elements from {@code src[srcPos ..]} into {@code dst[dstPos ..]}: one {@link #widenStep}
     * every second key of each of the 8 tiles.
     */
    static void accumulateWiden(float[] vf, int vo, float[] s, int so, float[] ot, int oo, MemorySegment src,
                                long srcPos, float[] dst, int dstPos) {
        for (int t = 0; t < 8; t++) {
            int h0 = (t >> 1) * 4, c0 = (t & 1) * 64;
            int r0 = oo + h0 * KS + c0, r1 = r0 + KS, r2 = r1 + KS, r3 = r2 + KS;
            FloatVector a00 = FloatVector.fromArray(RowIO.FS, ot, r0), a01 = FloatVector.fromArray(RowIO.FS, ot, r0 + 16);
            FloatVector a02 = FloatVector.fromArray(RowIO.FS, ot, r0 + 32), a03 = FloatVector.fromArray(RowIO.FS, ot, r0 + 48);
            FloatVector a10 = FloatVector.fromArray(RowIO.FS, ot, r1), a11 = FloatVector.fromArray(RowIO.FS, ot, r1 + 16);
            FloatVector a12 = FloatVector.fromArray(RowIO.FS, ot, r1 + 32), a13 = FloatVector.fromArray(RowIO.FS, ot, r1 + 48);
            FloatVector a20 = FloatVector.fromArray(RowIO.FS, ot, r2), a21 = FloatVector.fromArray(RowIO.FS, ot, r2 + 16);
            FloatVector a22 = FloatVector.fromArray(RowIO.FS, ot, r2 + 32), a23 = FloatVector.fromArray(RowIO.FS, ot, r2 + 48);
            FloatVector a30 = FloatVector.fromArray(RowIO.FS, ot, r3), a31 = FloatVector.fromArray(RowIO.FS, ot, r3 + 16);
            FloatVector a32 = FloatVector.fromArray(RowIO.FS, ot, r3 + 32), a33 = FloatVector.fromArray(RowIO.FS, ot, r3 + 48);
            for (int jj = 0; jj < KB; jj++) {
                if ((jj & 1) == 0) {
                    widenStep(src, srcPos, dst, dstPos);
                    srcPos += 64;
                    dstPos += 32;
                }
                int v = vo + jj * PS + c0, p = so + jj * 16 + h0;
                FloatVector v0 = FloatVector.fromArray(RowIO.FS, vf, v), v1 = FloatVector.fromArray(RowIO.FS, vf, v + 16);
                FloatVector v2 = FloatVector.fromArray(RowIO.FS, vf, v + 32), v3 = FloatVector.fromArray(RowIO.FS, vf, v + 48);
                FloatVector w = FloatVector.broadcast(RowIO.FS, s[p]);
                a00 = w.fma(v0, a00);
                a01 = w.fma(v1, a01);
                a02 = w.fma(v2, a02);
                a03 = w.fma(v3, a03);
                w = FloatVector.broadcast(RowIO.FS, s[p + 1]);
                a10 = w.fma(v0, a10);
                a11 = w.fma(v1, a11);
                a12 = w.fma(v2, a12);
                a13 = w.fma(v3, a13);
                w = FloatVector.broadcast(RowIO.FS, s[p + 2]);
                a20 = w.fma(v0, a20);
                a21 = w.fma(v1, a21);
                a22 = w.fma(v2, a22);
                a23 = w.fma(v3, a23);
                w = FloatVector.broadcast(RowIO.FS, s[p + 3]);
                a30 = w.fma(v0, a30);
                a31 = w.fma(v1, a31);
                a32 = w.fma(v2, a32);
                a33 = w.fma(v3, a33);
            }
            a00.intoArray(ot, r0);
            a01.intoArray(ot, r0 + 16);
            a02.intoArray(ot, r0 + 32);
            a03.intoArray(ot, r0 + 48);
            a10.intoArray(ot, r1);
            a11.intoArray(ot, r1 + 16);
            a12.intoArray(ot, r1 + 32);
            a13.intoArray(ot, r1 + 48);
            a20.intoArray(ot, r2);
            a21.intoArray(ot, r2 + 16);
            a22.intoArray(ot, r2 + 32);
            a23.intoArray(ot, r2 + 48);
            a30.intoArray(ot, r3);
            a31.intoArray(ot, r3 + 16);
            a32.intoArray(ot, r3 + 32);
            a33.intoArray(ot, r3 + 48);
        }
    }
}
