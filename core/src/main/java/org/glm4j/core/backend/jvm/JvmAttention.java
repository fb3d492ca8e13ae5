package org.glm4j.core.backend.jvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * Scaled dot-product attention on the host: f32 scores, online softmax over key blocks, GQA without copying K/V.
 *
 * <p><b>Rows in lanes.</b> For one kv head {@code g}, the "rows" are the (query i, head h) pairs that use it,
 * numbered {@code r = i·G + (h − g·G)}; one vector holds as many consecutive rows as it has lanes (with 16 lanes
 * and G = 16 that is the 16 heads of one query, with G = 1 sixteen queries). A task owns {@code RV} (1 or 2) such
 * row vectors for each of its kv heads (one head, or all of them when there is a single row block, as with a few
 * query rows, so that whole token rows of the cache are streamed) and walks the union of their key ranges in blocks of
 * {@value #KB} keys:
 * <ol>
 *   <li>K and V rows widened to f32 with a constant row stride {@value #KS} ({@code kf[key][c']}; 16-bit rows are
 *       split into even/odd elements per chunk of 2·lanes, so {@code c'} is a permutation of c, and q is
 *       transposed with K's permutation, the output un-permuted with V's). One row block widens each block once for all
 *       its rows (one-row decode has its own path, {@link JvmDecodeAttention}, which overlaps the widening with the
 *       FMAs); with several row blocks (prefill, vision) K and V are widened once per call into buffers shared by all
 *       tasks;</li>
 *   <li>scores {@code S[key] = Σ_c' kf[key][c']·qT[c']} as vectors over rows: a scalar broadcast of kf times a qT
 *       vector, 16 keys × 1 row vector or 8 keys × 2 row vectors per pass (16 accumulators);</li>
 *   <li>scale, mask (only in blocks that cross some row's range edge), online softmax per lane with an inline exp:
 *       running max m, sum l, and a rescale of the output accumulators when m grows;</li>
 *   <li>{@code oT[c'] += Σ_key P[key]·vf[key][c']}: a broadcast of vf times a P vector, 16 columns × 1 row vector
 *       or 8 columns × 2 row vectors per pass.</li>
 * </ol>
 * Memory is linear in the sequence (no score matrix beyond one block). Work is split over (kv heads, row block),
 * and when that gives too few tasks (a few query rows over a long cache) also over key ranges whose partial
 * (m, l, oT) are merged at the end. A single query row (decode) takes its own path, {@link JvmDecodeAttention}.
 * Scores, softmax and accumulation are f32; the output is rounded once. The kernels avoid control-flow merges of
 * vector values (C2 boxes vectors there), hence initial accumulators read from {@link #ZEROS} and duplicated loops.
 */
public final class JvmAttention {
    private JvmAttention() {}

    private static final int L = RowIO.LANES;
    /** Keys per block (a multiple of 16). */
    static final int KB = 64;
    /**
     * Row stride of the widened K/V blocks: a constant, so the kernels address 16 rows with one index register
     * and constant displacements. Head dims above it are processed in column chunks of this width.
     */
    static final int KS = 128;
    /** Largest shared widened K (and V) buffer, in floats; beyond it blocks are widened per task. */
    private static final long MAX_SHARED_FLOATS = 1L << 23;
    /** Shortest key range worth a task of its own when splitting over keys. */
    private static final int MIN_SPLIT_KEYS = 512;
    private static final FloatVector NEG_INF = FloatVector.broadcast(RowIO.FS, Float.NEGATIVE_INFINITY);
    /** Initial accumulators of a first pass (read only). */
    private static final float[] ZEROS = new float[2 * KB * L];

    /**
     * The problem, fixed per call: {@code rv} row vectors per head and {@code nh} kv heads per task; {@code dp} is
     * the head dim rounded up to 16 (the accumulator width of {@link #accumulate1}); {@code kAll, vAll} are the
     * shared widened K and V ({@code [kv head][chunk][keysPadded][KS]}) or null.
     */
    private record Problem(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, int g, int rows, int d,
                           int dp, int rv, int nh, int[] permK, int[] permV, float[] kAll, float[] vAll, int keysPadded) {
        int vectors() { return rv * nh; }

        /** Column chunks of width {@link #KS} covering the head dim. */
        int chunks() { return (d + KS - 1) / KS; }

        /** Offset of key j0's row in chunk ch of kv head h of {@link #kAll}/{@link #vAll}. */
        int sharedOffset(int h, int ch, int j0) { return ((h * chunks() + ch) * keysPadded + j0) * KS; }

        /** Floats of one task's saved state: m, l and oT of every row vector. */
        int stateSize() { return vectors() * L * (dp + 2); }
    }

    static void attention(Parallel parallel, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        int lq = q.dim(0), d = q.dim(2), hkv = k.dim(1), g = spec.groupSize();
        int rows = lq * g, vecs = (rows + L - 1) / L;
        int rv = vecs >= 2 ? 2 : 1, blocks = (vecs + rv - 1) / rv;
        int nh = blocks == 1 ? hkv : 1, headGroups = hkv / nh;
        // With several row blocks every key is used many times: widen K and V once, into buffers shared by all
        // tasks (the calling thread's, reused across calls), unless they would be too large.
        int chunks = (d + KS - 1) / KS, keysPadded = (k.dim(0) + 15) & ~15;
        long shared = (long) hkv * chunks * keysPadded * KS;
        float[][] kv = blocks > 1 && shared <= MAX_SHARED_FLOATS ? Shared.get((int) shared) : null;
        Problem p = new Problem(out, q, k, v, spec, g, rows, d, (d + 15) & ~15, rv, nh, permutation(k.dtype(), d),
                permutation(v.dtype(), d), kv == null ? null : kv[0], kv == null ? null : kv[1], keysPadded);
        if (kv != null) {
            int pieces = (k.dim(0) + KB - 1) / KB;
            parallel.forRange(hkv * pieces, 1, (from, to) -> {
                for (int t = from; t < to; t++) {
                    int h = t / pieces, j0 = t % pieces * KB, nk = Math.min(KB, k.dim(0) - j0);
                    int nkp = Math.min((nk + 15) & ~15, keysPadded - j0);
                    for (int ch = 0; ch < chunks; ch++) {
                        int o = p.sharedOffset(h, ch, j0);
                        widenRows(k, j0, h, nk, nkp, ch, kv[0], o);
                        widenRows(v, j0, h, nk, nkp, ch, kv[1], o);
                    }
                }
            });
        }
        int units = headGroups * blocks;
        int splits = 1;
        if (units < 4 * parallel.threads()) {
            int keys = spec.causal() ? spec.queryOffset() + 1 : k.dim(0);
            splits = Math.max(1, Math.min((4 * parallel.threads() + units - 1) / units, keys / MIN_SPLIT_KEYS));
        }
        if (splits == 1) {
            parallel.forRange(units, 1, (from, to) -> {
                Workspace ws = Workspace.get(p);
                for (int t = from; t < to; t++) {
                    int head0 = t % headGroups * nh, r0 = balanced(t / headGroups, blocks) * rv * L;
                    int[] range = ws.setUp(p, head0, r0);
                    ws.run(p, head0, range[0], range[1]);
                    ws.finish(p, head0, r0);
                }
            });
            return;
        }
        // Few rows, many keys: tasks also split the key range; partial states are merged per unit.
        int nSplits = splits, state = p.stateSize();
        float[] partial = new float[units * nSplits * state];
        parallel.forRange(units * nSplits, 1, (from, to) -> {
            Workspace ws = Workspace.get(p);
            for (int t = from; t < to; t++) {
                int unit = t / nSplits, s = t % nSplits;
                int head0 = unit % headGroups * nh, r0 = unit / headGroups * rv * L;
                int[] range = ws.setUp(p, head0, r0);
                long len = range[1] - range[0];
                ws.run(p, head0, range[0] + (int) (len * s / nSplits), range[0] + (int) (len * (s + 1) / nSplits));
                ws.saveState(p, partial, t * state);
            }
        });
        parallel.forRange(units, 1, (from, to) -> {
            Workspace ws = Workspace.get(p);
            for (int unit = from; unit < to; unit++) {
                int head0 = unit % headGroups * nh, r0 = unit / headGroups * rv * L;
                ws.setUp(p, head0, r0);
                ws.mergeStates(p, partial, unit * nSplits * state, nSplits);
                ws.finish(p, head0, r0);
            }
        });
    }

    /** Decode problems (dtypes, head dim, group size) whose kernels {@link #warmUpDecode} has compiled. */
    private static final Set<String> WARM = ConcurrentHashMap.newKeySet();

    /**
     * Before the first decode-shaped call (causal, one row block: a few query rows) of a kind, runs the same kind on
     * 40 keys, through the same dispatch as the call, until C2 has compiled its kernels ({@link JitWarmUp}), once per
     * JVM: decode calls attention once per layer and token, so the kernels would otherwise run unoptimised,
     * milliseconds per call, for the first hundreds of tokens. Prefill (many row blocks) compiles itself within its first call.
     */
    static void warmUpDecode(Parallel parallel, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        int lq = q.dim(0), g = spec.groupSize(), heads = q.dim(1), kvHeads = k.dim(1), d = q.dim(2);
        if (!spec.causal() || (lq * g + L - 1) / L > 2) return;            // several row blocks: not decode-shaped
        String kind = q.dtype() + "/" + k.dtype() + "/" + v.dtype() + "/" + d + "/" + g + "/" + lq;
        if (WARM.contains(kind)) return;
        synchronized (WARM) {
            if (WARM.contains(kind)) return;
            int keys = Math.max(40, lq);                                    // whole 16-key blocks and a partial one
            try (Arena arena = Arena.ofShared()) {
                Tensor wq = Tensor.allocate(q.dtype(), Shape.of(lq, heads, d), arena);
                Tensor wk = Tensor.allocate(k.dtype(), Shape.of(keys, kvHeads, d), arena);
                Tensor wv = Tensor.allocate(v.dtype(), Shape.of(keys, kvHeads, d), arena);
                Tensor wo = Tensor.allocate(q.dtype(), Shape.of(lq, heads, d), arena);
                AttentionSpec ws = AttentionSpec.causal(d, g, keys - lq);
                JitWarmUp.untilCompiled(() -> JvmBackend.dispatchAttention(parallel, wo, wq, wk, wv, ws), 1500);
            }
            WARM.add(kind);
        }
    }

    /** Visits row blocks as 0, n−1, 1, n−2, …, so contiguous task chunks get similar causal work. */
    private static int balanced(int t, int n) {
        return (t & 1) == 0 ? t >> 1 : n - 1 - (t >> 1);
    }

    /** Position of element c in a row widened by {@link #widenPermuted}. */
    static int[] permutation(DType dt, int d) {
        int[] perm = new int[d];
        int chunk = 2 * L, bound = dt == DType.F32 ? 0 : d - d % chunk;
        for (int c = 0; c < d; c++) {
            if (c >= bound) perm[c] = c;
            else {
                int base = c - c % chunk, o = c % chunk;
                perm[c] = base + ((o & 1) == 0 ? o >> 1 : L + (o >> 1));
            }
        }
        return perm;
    }

    /**
     * Widens {@code n} elements at {@code off} into {@code dst[dstOff..]}: f32 as is; bf16/f16 per chunk of 2·lanes
     * as its even then its odd elements (one int-vector load, no convert instruction for bf16), tail in order.
     */
    private static void widenPermuted(MemorySegment seg, long off, DType dt, float[] dst, int dstOff, int n) {
        if (dt == DType.F32) {
            MemorySegment.copy(seg, RowIO.F32, off, dst, dstOff, n);
            return;
        }
        int chunk = 2 * L, bound = n - n % chunk, c = 0;
        for (; c < bound; c += chunk) {
            IntVector pairs = IntVector.fromMemorySegment(RowIO.IS, seg, off + 2L * c, RowIO.LE);
            if (dt == DType.BF16) {
                pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + c);
                pairs.and(0xFFFF_0000).reinterpretAsFloats().intoArray(dst, dstOff + c + L);
            } else {
                RowIO.f16ToF32(pairs).intoArray(dst, dstOff + c);
                RowIO.f16ToF32(pairs.lanewise(VectorOperators.LSHR, 16)).intoArray(dst, dstOff + c + L);
            }
        }
        if (c < n) RowIO.load(seg, off + 2L * c, dt, dst, dstOff + c, n - c);
    }

    /**
     * Widens rows {@code [j0, j0+nk)} of heads {@code [head0, head0+nh)} of a K or V tensor into
     * {@code dst[((h − head0)·chunks + ch)·KB·KS + j·KS + c']}, see {@link #widenRows}.
     */
    private static void widenBlock(Tensor t, int j0, int head0, int nk, int nkp, int nh, float[] dst) {
        int chunks = (t.dim(2) + KS - 1) / KS;
        for (int h = 0; h < nh; h++)
            for (int ch = 0; ch < chunks; ch++)
                widenRows(t, j0, head0 + h, nk, nkp, ch, dst, (h * chunks + ch) * KB * KS);
    }

    /**
     * Widens columns {@code [ch·KS, ch·KS + KS)} of rows {@code [j0, j0+nk)} of kv head {@code head} of a K or V
     * tensor into {@code dst[o + j·KS + c']} (permuted as by {@link #widenPermuted}); rows {@code [nk, nkp)} and
     * the columns of the last chunk past the head dim, up to a multiple of 16, are zeroed so that padded keys and
     * columns add nothing.
     */
    static void widenRows(Tensor t, int j0, int head, int nk, int nkp, int ch, float[] dst, int o) {
        DType dt = t.dtype();
        int d = t.dim(2), chunks = (d + KS - 1) / KS, w = ch == chunks - 1 ? d - ch * KS : KS, wPadded = (w + 15) & ~15;
        MemorySegment seg = t.data();
        long es = dt.byteSize(), tokenBytes = t.stride(0) * es;
        long off = offset(t, j0, head) + ch * KS * es;
        boolean fast = dt == DType.BF16 && w % (2 * L) == 0;
        for (int jj = 0; jj < nk; jj++, off += tokenBytes) {
            int r = o + jj * KS;
            if (fast) {
                for (int c = 0; c < w; c += 2 * L) {
                    IntVector pairs = IntVector.fromMemorySegment(RowIO.IS, seg, off + 2L * c, RowIO.LE);
                    pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, r + c);
                    pairs.and(0xFFFF_0000).reinterpretAsFloats().intoArray(dst, r + c + L);
                }
            } else {
                widenPermuted(seg, off, dt, dst, r, w);
            }
            if (wPadded > w) Arrays.fill(dst, r + w, r + wPadded, 0f);
        }
        if (nkp > nk) Arrays.fill(dst, o + nk * KS, o + nkp * KS, 0f);
    }

    /** Shared widened K/V buffers of the calling thread, grown on demand. */
    private static final class Shared {
        private static final ThreadLocal<float[][]> LOCAL =
                ThreadLocal.withInitial(() -> new float[][] { new float[0], new float[0] });

        static float[][] get(int floats) {
            float[][] kv = LOCAL.get();
            if (kv[0].length < floats) {
                kv[0] = new float[floats];
                kv[1] = new float[floats];
            }
            return kv;
        }
    }

    static long offset(Tensor t, int token, int head) {
        return t.byteOffset() + (token * t.stride(0) + head * t.stride(1)) * t.dtype().byteSize();
    }

    /**
     * Per-thread buffers and per-task state of the kernel, reused across tasks and calls. Row vector
     * {@code u = hIdx·rv + vi} (head {@code head0 + hIdx}, vector vi of the block) owns {@code qt[u·d·L..]},
     * {@code ot[u·dp·L..]}, {@code s[u·KB·L..]}, {@code m, l[u·L..]}; lane ranges {@code lo, hi} are per
     * {@code vi·L + lane}, the same for every head.
     */
    private static final class Workspace {
        private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

        float[] qt = new float[0], ot = new float[0], kf = new float[0], vf = new float[0], s = new float[0];
        float[] m = new float[0], l = new float[0], row = new float[0];
        final int[] lo = new int[2 * L], hi = new int[2 * L];
        final int[] range = new int[2];
        final float[] blockMax = new float[L];
        /** Key range shared by every row of the current block, for the no-mask fast path. */
        int commonLo, commonHi;

        static Workspace get(Problem p) {
            Workspace w = LOCAL.get();
            int nv = p.vectors(), d = p.d, dp = p.dp;
            if (w.qt.length < nv * d * L) w.qt = new float[nv * d * L];
            if (w.ot.length < nv * dp * L) w.ot = new float[nv * dp * L];
            int block = p.nh * p.chunks() * KB * KS;
            if (w.kf.length < block) {
                w.kf = new float[block];
                w.vf = new float[block];
            }
            if (w.s.length < nv * KB * L) w.s = new float[nv * KB * L];
            if (w.m.length < nv * L) {
                w.m = new float[nv * L];
                w.l = new float[nv * L];
            }
            if (w.row.length < dp) w.row = new float[dp];
            return w;
        }

        /**
         * Loads the rows {@code [r0, r0 + rv·L)} of kv heads {@code head0 ..}: transposed q, per-lane key ranges,
         * empty accumulators. Returns the union of the lanes' key ranges.
         */
        int[] setUp(Problem p, int head0, int r0) {
            int d = p.d, g = p.g, rv = p.rv, nv = p.vectors();
            AttentionSpec spec = p.spec;
            int[] seg = spec.segments();
            int unionLo = Integer.MAX_VALUE, unionHi = Integer.MIN_VALUE;
            commonLo = Integer.MIN_VALUE;
            commonHi = Integer.MAX_VALUE;
            Arrays.fill(qt, 0, nv * d * L, 0f);
            int segIndex = 0;
            for (int lane = 0; lane < rv * L; lane++) {
                int r = r0 + lane;
                if (r >= p.rows) {
                    lo[lane] = hi[lane] = 0;
                    continue;
                }
                int i = r / g, a = 0, b = p.k.dim(0);
                if (spec.causal()) b = spec.queryOffset() + i + 1;
                if (seg != null) {
                    while (seg[segIndex + 1] <= i) segIndex++;
                    a = seg[segIndex];
                    b = seg[segIndex + 1];
                }
                lo[lane] = a;
                hi[lane] = b;
                unionLo = Math.min(unionLo, a);
                unionHi = Math.max(unionHi, b);
                commonLo = Math.max(commonLo, a);
                commonHi = Math.min(commonHi, b);
                for (int hIdx = 0; hIdx < p.nh; hIdx++) {
                    RowIO.load(p.q.data(), offset(p.q, i, (head0 + hIdx) * g + r % g), p.q.dtype(), row, 0, d);
                    int base = (hIdx * rv + lane / L) * d * L + lane % L;
                    for (int c = 0; c < d; c++) qt[base + p.permK[c] * L] = row[c];
                }
            }
            if (rv * L > p.rows - r0) commonHi = Integer.MIN_VALUE; // padding lanes: always mask
            Arrays.fill(ot, 0, nv * p.dp * L, 0f);
            Arrays.fill(m, 0, nv * L, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, nv * L, 0f);
            range[0] = unionLo;
            range[1] = unionHi;
            return range;
        }

        /** Accumulates keys {@code [from, to)} into the current rows' state. */
        void run(Problem p, int head0, int from, int to) {
            int d = p.d, dp = p.dp, rv = p.rv, nh = p.nh, chunks = p.chunks();
            float scale = p.spec.scale();
            boolean shared = p.kAll != null;
            float[] kSrc = shared ? p.kAll : kf, vSrc = shared ? p.vAll : vf;
            for (int j0 = from; j0 < to; j0 += KB) {
                int nk = Math.min(KB, to - j0), nkp = (nk + 15) & ~15;
                if (!shared) {
                    widenBlock(p.k, j0, head0, nk, nkp, nh, kf);
                    widenBlock(p.v, j0, head0, nk, nkp, nh, vf);
                }
                boolean clean = nk == nkp && j0 >= commonLo && j0 + nk <= commonHi;
                for (int hIdx = 0; hIdx < nh; hIdx++) {
                    int u = hIdx * rv, so = u * KB * L;
                    for (int ch = 0; ch < chunks; ch++) {
                        int ko = shared ? p.sharedOffset(head0 + hIdx, ch, j0) : (hIdx * chunks + ch) * KB * KS;
                        int qo = (u * d + ch * KS) * L, w = Math.min(KS, d - ch * KS);
                        if (rv == 2) scores2(kSrc, ko, qt, qo, d * L, s, so, w, nkp, ch == 0);
                        else scores1(kSrc, ko, qt, qo, s, so, w, nkp, ch == 0);
                    }
                    for (int vi = 0; vi < rv; vi++) softmaxStep(u + vi, vi * L, j0, nk, nkp, scale, clean, dp);
                    for (int ch = 0; ch < chunks; ch++) {
                        int vo = shared ? p.sharedOffset(head0 + hIdx, ch, j0) : (hIdx * chunks + ch) * KB * KS;
                        int oo = (u * dp + ch * KS) * L, w = Math.min(KS, dp - ch * KS);
                        if (rv == 2) accumulate2(vSrc, vo, s, so, ot, oo, dp * L, w, nkp);
                        else accumulate1(vSrc, vo, s, so, ot, oo, w, nkp);
                    }
                }
            }
        }

        /**
         * Scales and masks the block's scores of row vector {@code u} (lanes {@code lo, hi[lane0..]}), folds
         * them into the running max and sum, rescales its accumulators when the max grew, and leaves the
         * probabilities in {@code s}.
         */
        private void softmaxStep(int u, int lane0, int j0, int nk, int nkp, float scale, boolean clean, int dp) {
            int so = u * KB * L;
            FloatVector mOld = FloatVector.fromArray(RowIO.FS, m, u * L);
            // Two loops rather than a branch inside one, each leaving its max in blockMax: no control-flow merge of
            // vector values (C2 boxes vectors at such merges).
            if (clean) {
                FloatVector running = mOld;
                for (int jj = 0; jj < nkp; jj++) {
                    FloatVector sv = FloatVector.fromArray(RowIO.FS, s, so + jj * L).mul(scale);
                    sv.intoArray(s, so + jj * L);
                    running = running.max(sv);
                }
                running.intoArray(blockMax, 0);
            } else {
                IntVector loV = IntVector.fromArray(RowIO.IS, lo, lane0);
                IntVector hiV = IntVector.fromArray(RowIO.IS, hi, lane0);
                FloatVector running = mOld;
                for (int jj = 0; jj < nkp; jj++) {
                    int j = jj < nk ? j0 + jj : Integer.MAX_VALUE; // padded keys: outside every range
                    VectorMask<Integer> out = loV.compare(VectorOperators.GT, j).or(hiV.compare(VectorOperators.LE, j));
                    FloatVector sv = FloatVector.fromArray(RowIO.FS, s, so + jj * L).mul(scale)
                            .blend(NEG_INF, out.cast(RowIO.FS));
                    sv.intoArray(s, so + jj * L);
                    running = running.max(sv);
                }
                running.intoArray(blockMax, 0);
            }
            FloatVector mx = FloatVector.fromArray(RowIO.FS, blockMax, 0);
            FloatVector base = mx.blend(0f, mx.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
            FloatVector sum = FloatVector.zero(RowIO.FS);
            for (int jj = 0; jj < nkp; jj++) {
                FloatVector e = expNonPositive(FloatVector.fromArray(RowIO.FS, s, so + jj * L).sub(base));
                e.intoArray(s, so + jj * L);
                sum = sum.add(e);
            }
            FloatVector alpha = expNonPositive(mOld.sub(base));
            FloatVector.fromArray(RowIO.FS, l, u * L).fma(alpha, sum).intoArray(l, u * L);
            mx.intoArray(m, u * L);
            if (alpha.compare(VectorOperators.NE, 1f).anyTrue()) {
                int oo = u * dp * L;
                for (int c = 0; c < dp; c++)
                    FloatVector.fromArray(RowIO.FS, ot, oo + c * L).mul(alpha).intoArray(ot, oo + c * L);
            }
        }

        /** Copies the rows' state (m, l, oT) into {@code dst[off..]}. */
        void saveState(Problem p, float[] dst, int off) {
            int n = p.vectors() * L;
            System.arraycopy(m, 0, dst, off, n);
            System.arraycopy(l, 0, dst, off + n, n);
            System.arraycopy(ot, 0, dst, off + 2 * n, n * p.dp);
        }

        /** Combines {@code splits} saved states, one {@link Problem#stateSize()} apart, into m, l and oT. */
        void mergeStates(Problem p, float[] src, int off, int splits) {
            int n = p.vectors() * L, dp = p.dp, state = p.stateSize();
            for (int u = 0; u < p.vectors(); u++) {
                FloatVector mx = NEG_INF;
                for (int s = 0; s < splits; s++) mx = mx.max(FloatVector.fromArray(RowIO.FS, src, off + s * state + u * L));
                FloatVector base = mx.blend(0f, mx.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
                FloatVector sum = FloatVector.zero(RowIO.FS);
                int oo = u * dp * L;
                for (int s = 0; s < splits; s++) {
                    int so = off + s * state;
                    FloatVector w = expNonPositive(FloatVector.fromArray(RowIO.FS, src, so + u * L).sub(base));
                    sum = FloatVector.fromArray(RowIO.FS, src, so + n + u * L).fma(w, sum);
                    VectorMask<Float> reset = RowIO.FS.maskAll(s == 0);
                    for (int c = 0; c < dp; c++) {
                        FloatVector acc = FloatVector.fromArray(RowIO.FS, ot, oo + c * L).blend(0f, reset);
                        FloatVector.fromArray(RowIO.FS, src, so + 2 * n + oo + c * L).fma(w, acc).intoArray(ot, oo + c * L);
                    }
                }
                sum.intoArray(l, u * L);
                mx.intoArray(m, u * L);
            }
        }

        /** Normalises the rows' accumulators and stores them (un-permuted) into out. */
        void finish(Problem p, int head0, int r0) {
            int d = p.d, dp = p.dp, g = p.g, rv = p.rv;
            for (int hIdx = 0; hIdx < p.nh; hIdx++) {
                for (int lane = 0; lane < rv * L && r0 + lane < p.rows; lane++) {
                    int r = r0 + lane, i = r / g, h = (head0 + hIdx) * g + r % g;
                    int u = hIdx * rv + lane / L, base = u * dp * L + lane % L;
                    float inv = 1f / l[u * L + lane % L];
                    for (int c = 0; c < d; c++) row[c] = ot[base + p.permV[c] * L] * inv;
                    RowIO.store(p.out.data(), offset(p.out, i, h), p.out.dtype(), row, 0, d);
                }
            }
        }
    }

    /**
     * {@code e^x} for {@code x ≤ 0} (softmax weights), inline instead of a library call: x = n·ln2 + r with
     * |r| ≤ ln2/2 (two-constant Cody-Waite split), Cephes' degree-7 polynomial for e^r, 2^n through the exponent
     * bits. Within 1 ulp of the correctly rounded result on [−87, 0] (checked exhaustively on a dense sweep);
     * below −87, where e^x < 2⁻¹²⁵ is negligible beside the row maximum's weight 1, it returns 0 (no subnormals),
     * and exactly 0 for −∞. NaN stays NaN.
     */
    public static FloatVector expNonPositive(FloatVector x) {
        FloatVector n = x.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(LN2_HI, x);
        r = n.fma(LN2_LO, r);
        FloatVector p = r.fma(EXP_P0, EXP_P1);
        p = p.fma(r, EXP_P2);
        p = p.fma(r, EXP_P3);
        p = p.fma(r, EXP_P4);
        p = p.fma(r, EXP_P5);
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector scale = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(scale.reinterpretAsFloats()).blend(0f, x.compare(VectorOperators.LT, -87f));
    }

    private static final float LOG2E = 1.44269504088896341f, ROUNDER = 0x1.8p23f;
    private static final FloatVector LN2_HI = FloatVector.broadcast(RowIO.FS, -0.693359375f);
    private static final FloatVector LN2_LO = FloatVector.broadcast(RowIO.FS, 2.12194440e-4f);
    private static final FloatVector EXP_P0 = FloatVector.broadcast(RowIO.FS, 1.9875691500e-4f);
    private static final FloatVector EXP_P1 = FloatVector.broadcast(RowIO.FS, 1.3981999507e-3f);
    private static final FloatVector EXP_P2 = FloatVector.broadcast(RowIO.FS, 8.3334519073e-3f);
    private static final FloatVector EXP_P3 = FloatVector.broadcast(RowIO.FS, 4.1665795894e-2f);
    private static final FloatVector EXP_P4 = FloatVector.broadcast(RowIO.FS, 1.6666665459e-1f);
    private static final FloatVector EXP_P5 = FloatVector.broadcast(RowIO.FS, 5.0000001201e-1f);

    // ================================================================ micro-kernels

    /**
     * {@code s[so + jj·L] (+)= Σ_{c<w} kf[ko + jj·KS + c]·qt[qo + c·L]} for one row vector, 16 keys per pass (16
     * independent accumulators hide the FMA latency); {@code first} starts from zero.
     */
    static void scores1(float[] kf, int ko, float[] qt, int qo, float[] s, int so, int w, int nkp, boolean first) {
        // The accumulators start from an all-zero array on the first chunk: choosing the array, not the vector,
        // avoids a control-flow merge of vector values (which C2 would box).
        float[] init = first ? ZEROS : s;
        int io = first ? 0 : so;
        for (int jb = 0; jb < nkp; jb += 16) {
            int o = so + jb * L, i0 = io + jb * L;
            FloatVector s0 = FloatVector.fromArray(RowIO.FS, init, i0);
            FloatVector s1 = FloatVector.fromArray(RowIO.FS, init, i0 + L);
            FloatVector s2 = FloatVector.fromArray(RowIO.FS, init, i0 + 2 * L);
            FloatVector s3 = FloatVector.fromArray(RowIO.FS, init, i0 + 3 * L);
            FloatVector s4 = FloatVector.fromArray(RowIO.FS, init, i0 + 4 * L);
            FloatVector s5 = FloatVector.fromArray(RowIO.FS, init, i0 + 5 * L);
            FloatVector s6 = FloatVector.fromArray(RowIO.FS, init, i0 + 6 * L);
            FloatVector s7 = FloatVector.fromArray(RowIO.FS, init, i0 + 7 * L);
            FloatVector s8 = FloatVector.fromArray(RowIO.FS, init, i0 + 8 * L);
            FloatVector s9 = FloatVector.fromArray(RowIO.FS, init, i0 + 9 * L);
            FloatVector s10 = FloatVector.fromArray(RowIO.FS, init, i0 + 10 * L);
            FloatVector s11 = FloatVector.fromArray(RowIO.FS, init, i0 + 11 * L);
            FloatVector s12 = FloatVector.fromArray(RowIO.FS, init, i0 + 12 * L);
            FloatVector s13 = FloatVector.fromArray(RowIO.FS, init, i0 + 13 * L);
            FloatVector s14 = FloatVector.fromArray(RowIO.FS, init, i0 + 14 * L);
            FloatVector s15 = FloatVector.fromArray(RowIO.FS, init, i0 + 15 * L);
            int k0 = ko + jb * KS;
            for (int c = 0; c < w; c++) {
                FloatVector qv = FloatVector.fromArray(RowIO.FS, qt, qo + c * L);
                int kc = k0 + c;
                s0 = FloatVector.broadcast(RowIO.FS, kf[kc]).fma(qv, s0);
                s1 = FloatVector.broadcast(RowIO.FS, kf[kc + KS]).fma(qv, s1);
                s2 = FloatVector.broadcast(RowIO.FS, kf[kc + 2 * KS]).fma(qv, s2);
                s3 = FloatVector.broadcast(RowIO.FS, kf[kc + 3 * KS]).fma(qv, s3);
                s4 = FloatVector.broadcast(RowIO.FS, kf[kc + 4 * KS]).fma(qv, s4);
                s5 = FloatVector.broadcast(RowIO.FS, kf[kc + 5 * KS]).fma(qv, s5);
                s6 = FloatVector.broadcast(RowIO.FS, kf[kc + 6 * KS]).fma(qv, s6);
                s7 = FloatVector.broadcast(RowIO.FS, kf[kc + 7 * KS]).fma(qv, s7);
                s8 = FloatVector.broadcast(RowIO.FS, kf[kc + 8 * KS]).fma(qv, s8);
                s9 = FloatVector.broadcast(RowIO.FS, kf[kc + 9 * KS]).fma(qv, s9);
                s10 = FloatVector.broadcast(RowIO.FS, kf[kc + 10 * KS]).fma(qv, s10);
                s11 = FloatVector.broadcast(RowIO.FS, kf[kc + 11 * KS]).fma(qv, s11);
                s12 = FloatVector.broadcast(RowIO.FS, kf[kc + 12 * KS]).fma(qv, s12);
                s13 = FloatVector.broadcast(RowIO.FS, kf[kc + 13 * KS]).fma(qv, s13);
                s14 = FloatVector.broadcast(RowIO.FS, kf[kc + 14 * KS]).fma(qv, s14);
                s15 = FloatVector.broadcast(RowIO.FS, kf[kc + 15 * KS]).fma(qv, s15);
            }
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
     * {@link #scores1} for two row vectors, 8 keys per pass: the second vector's qt starts {@code qStride} after the
     * first, its scores {@code KB·L} after.
     */
    static void scores2(float[] kf, int ko, float[] qt, int qo, int qStride, float[] s, int so, int w, int nkp,
                        boolean first) {
        float[] init = first ? ZEROS : s;
        int io = first ? 0 : so;
        for (int jb = 0; jb < nkp; jb += 8) {
            int o = so + jb * L, o1 = o + KB * L, i0 = io + jb * L, i1 = i0 + KB * L;
            FloatVector a0 = FloatVector.fromArray(RowIO.FS, init, i0), b0 = FloatVector.fromArray(RowIO.FS, init, i1);
            FloatVector a1 = FloatVector.fromArray(RowIO.FS, init, i0 + L);
            FloatVector b1 = FloatVector.fromArray(RowIO.FS, init, i1 + L);
            FloatVector a2 = FloatVector.fromArray(RowIO.FS, init, i0 + 2 * L);
            FloatVector b2 = FloatVector.fromArray(RowIO.FS, init, i1 + 2 * L);
            FloatVector a3 = FloatVector.fromArray(RowIO.FS, init, i0 + 3 * L);
            FloatVector b3 = FloatVector.fromArray(RowIO.FS, init, i1 + 3 * L);
            FloatVector a4 = FloatVector.fromArray(RowIO.FS, init, i0 + 4 * L);
            FloatVector b4 = FloatVector.fromArray(RowIO.FS, init, i1 + 4 * L);
            FloatVector a5 = FloatVector.fromArray(RowIO.FS, init, i0 + 5 * L);
            FloatVector b5 = FloatVector.fromArray(RowIO.FS, init, i1 + 5 * L);
            FloatVector a6 = FloatVector.fromArray(RowIO.FS, init, i0 + 6 * L);
            FloatVector b6 = FloatVector.fromArray(RowIO.FS, init, i1 + 6 * L);
            FloatVector a7 = FloatVector.fromArray(RowIO.FS, init, i0 + 7 * L);
            FloatVector b7 = FloatVector.fromArray(RowIO.FS, init, i1 + 7 * L);
            int k0 = ko + jb * KS, q1 = qo + qStride;
            for (int c = 0; c < w; c++) {
                FloatVector qa = FloatVector.fromArray(RowIO.FS, qt, qo + c * L);
                FloatVector qb = FloatVector.fromArray(RowIO.FS, qt, q1 + c * L);
                int kc = k0 + c;
                FloatVector k = FloatVector.broadcast(RowIO.FS, kf[kc]);
                a0 = k.fma(qa, a0);
                b0 = k.fma(qb, b0);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + KS]);
                a1 = k.fma(qa, a1);
                b1 = k.fma(qb, b1);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + 2 * KS]);
                a2 = k.fma(qa, a2);
                b2 = k.fma(qb, b2);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + 3 * KS]);
                a3 = k.fma(qa, a3);
                b3 = k.fma(qb, b3);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + 4 * KS]);
                a4 = k.fma(qa, a4);
                b4 = k.fma(qb, b4);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + 5 * KS]);
                a5 = k.fma(qa, a5);
                b5 = k.fma(qb, b5);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + 6 * KS]);
                a6 = k.fma(qa, a6);
                b6 = k.fma(qb, b6);
                k = FloatVector.broadcast(RowIO.FS, kf[kc + 7 * KS]);
                a7 = k.fma(qa, a7);
                b7 = k.fma(qb, b7);
            }
            a0.intoArray(s, o);
            a1.intoArray(s, o + L);
            a2.intoArray(s, o + 2 * L);
            a3.intoArray(s, o + 3 * L);
            a4.intoArray(s, o + 4 * L);
            a5.intoArray(s, o + 5 * L);
            a6.intoArray(s, o + 6 * L);
            a7.intoArray(s, o + 7 * L);
            b0.intoArray(s, o1);
            b1.intoArray(s, o1 + L);
            b2.intoArray(s, o1 + 2 * L);
            b3.intoArray(s, o1 + 3 * L);
            b4.intoArray(s, o1 + 4 * L);
            b5.intoArray(s, o1 + 5 * L);
            b6.intoArray(s, o1 + 6 * L);
            b7.intoArray(s, o1 + 7 * L);
        }
    }

    /**
     * {@code ot[oo + c·L] += Σ_jj s[so + jj·L]·vf[vo + jj·KS + c]} for {@code c < w} (a multiple of 16) and one row
     * vector, 16 columns per pass.
     */
    static void accumulate1(float[] vf, int vo, float[] s, int so, float[] ot, int oo, int w, int nkp) {
        for (int cb = 0; cb < w; cb += 16) {
            int o = oo + cb * L;
            FloatVector o0 = FloatVector.fromArray(RowIO.FS, ot, o), o1 = FloatVector.fromArray(RowIO.FS, ot, o + L);
            FloatVector o2 = FloatVector.fromArray(RowIO.FS, ot, o + 2 * L);
            FloatVector o3 = FloatVector.fromArray(RowIO.FS, ot, o + 3 * L);
            FloatVector o4 = FloatVector.fromArray(RowIO.FS, ot, o + 4 * L);
            FloatVector o5 = FloatVector.fromArray(RowIO.FS, ot, o + 5 * L);
            FloatVector o6 = FloatVector.fromArray(RowIO.FS, ot, o + 6 * L);
            FloatVector o7 = FloatVector.fromArray(RowIO.FS, ot, o + 7 * L);
            FloatVector o8 = FloatVector.fromArray(RowIO.FS, ot, o + 8 * L);
            FloatVector o9 = FloatVector.fromArray(RowIO.FS, ot, o + 9 * L);
            FloatVector o10 = FloatVector.fromArray(RowIO.FS, ot, o + 10 * L);
            FloatVector o11 = FloatVector.fromArray(RowIO.FS, ot, o + 11 * L);
            FloatVector o12 = FloatVector.fromArray(RowIO.FS, ot, o + 12 * L);
            FloatVector o13 = FloatVector.fromArray(RowIO.FS, ot, o + 13 * L);
            FloatVector o14 = FloatVector.fromArray(RowIO.FS, ot, o + 14 * L);
            FloatVector o15 = FloatVector.fromArray(RowIO.FS, ot, o + 15 * L);
            for (int jj = 0; jj < nkp; jj++) {
                FloatVector pv = FloatVector.fromArray(RowIO.FS, s, so + jj * L);
                int v0 = vo + jj * KS + cb;
                o0 = FloatVector.broadcast(RowIO.FS, vf[v0]).fma(pv, o0);
                o1 = FloatVector.broadcast(RowIO.FS, vf[v0 + 1]).fma(pv, o1);
                o2 = FloatVector.broadcast(RowIO.FS, vf[v0 + 2]).fma(pv, o2);
                o3 = FloatVector.broadcast(RowIO.FS, vf[v0 + 3]).fma(pv, o3);
                o4 = FloatVector.broadcast(RowIO.FS, vf[v0 + 4]).fma(pv, o4);
                o5 = FloatVector.broadcast(RowIO.FS, vf[v0 + 5]).fma(pv, o5);
                o6 = FloatVector.broadcast(RowIO.FS, vf[v0 + 6]).fma(pv, o6);
                o7 = FloatVector.broadcast(RowIO.FS, vf[v0 + 7]).fma(pv, o7);
                o8 = FloatVector.broadcast(RowIO.FS, vf[v0 + 8]).fma(pv, o8);
                o9 = FloatVector.broadcast(RowIO.FS, vf[v0 + 9]).fma(pv, o9);
                o10 = FloatVector.broadcast(RowIO.FS, vf[v0 + 10]).fma(pv, o10);
                o11 = FloatVector.broadcast(RowIO.FS, vf[v0 + 11]).fma(pv, o11);
                o12 = FloatVector.broadcast(RowIO.FS, vf[v0 + 12]).fma(pv, o12);
                o13 = FloatVector.broadcast(RowIO.FS, vf[v0 + 13]).fma(pv, o13);
                o14 = FloatVector.broadcast(RowIO.FS, vf[v0 + 14]).fma(pv, o14);
                o15 = FloatVector.broadcast(RowIO.FS, vf[v0 + 15]).fma(pv, o15);
            }
            o0.intoArray(ot, o);
            o1.intoArray(ot, o + L);
            o2.intoArray(ot, o + 2 * L);
            o3.intoArray(ot, o + 3 * L);
            o4.intoArray(ot, o + 4 * L);
            o5.intoArray(ot, o + 5 * L);
            o6.intoArray(ot, o + 6 * L);
            o7.intoArray(ot, o + 7 * L);
            o8.intoArray(ot, o + 8 * L);
            o9.intoArray(ot, o + 9 * L);
            o10.intoArray(ot, o + 10 * L);
            o11.intoArray(ot, o + 11 * L);
            o12.intoArray(ot, o + 12 * L);
            o13.intoArray(ot, o + 13 * L);
            o14.intoArray(ot, o + 14 * L);
            o15.intoArray(ot, o + 15 * L);
        }
    }

    /**
     * {@link #accumulate1} for two row vectors, 8 columns per pass: the second vector's scores start {@code KB·L}
     * after the first, its accumulators {@code oStride} after.
     */
    static void accumulate2(float[] vf, int vo, float[] s, int so, float[] ot, int oo, int oStride, int w, int nkp) {
        int s1 = so + KB * L;
        for (int cb = 0; cb < w; cb += 8) {
            int o = oo + cb * L, o1 = o + oStride;
            FloatVector a0 = FloatVector.fromArray(RowIO.FS, ot, o), b0 = FloatVector.fromArray(RowIO.FS, ot, o1);
            FloatVector a1 = FloatVector.fromArray(RowIO.FS, ot, o + L);
            FloatVector b1 = FloatVector.fromArray(RowIO.FS, ot, o1 + L);
            FloatVector a2 = FloatVector.fromArray(RowIO.FS, ot, o + 2 * L);
            FloatVector b2 = FloatVector.fromArray(RowIO.FS, ot, o1 + 2 * L);
            FloatVector a3 = FloatVector.fromArray(RowIO.FS, ot, o + 3 * L);
            FloatVector b3 = FloatVector.fromArray(RowIO.FS, ot, o1 + 3 * L);
            FloatVector a4 = FloatVector.fromArray(RowIO.FS, ot, o + 4 * L);
            FloatVector b4 = FloatVector.fromArray(RowIO.FS, ot, o1 + 4 * L);
            FloatVector a5 = FloatVector.fromArray(RowIO.FS, ot, o + 5 * L);
            FloatVector b5 = FloatVector.fromArray(RowIO.FS, ot, o1 + 5 * L);
            FloatVector a6 = FloatVector.fromArray(RowIO.FS, ot, o + 6 * L);
            FloatVector b6 = FloatVector.fromArray(RowIO.FS, ot, o1 + 6 * L);
            FloatVector a7 = FloatVector.fromArray(RowIO.FS, ot, o + 7 * L);
            FloatVector b7 = FloatVector.fromArray(RowIO.FS, ot, o1 + 7 * L);
            for (int jj = 0; jj < nkp; jj++) {
                FloatVector pa = FloatVector.fromArray(RowIO.FS, s, so + jj * L);
                FloatVector pb = FloatVector.fromArray(RowIO.FS, s, s1 + jj * L);
                int v0 = vo + jj * KS + cb;
                FloatVector x = FloatVector.broadcast(RowIO.FS, vf[v0]);
                a0 = x.fma(pa, a0);
                b0 = x.fma(pb, b0);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 1]);
                a1 = x.fma(pa, a1);
                b1 = x.fma(pb, b1);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 2]);
                a2 = x.fma(pa, a2);
                b2 = x.fma(pb, b2);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 3]);
                a3 = x.fma(pa, a3);
                b3 = x.fma(pb, b3);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 4]);
                a4 = x.fma(pa, a4);
                b4 = x.fma(pb, b4);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 5]);
                a5 = x.fma(pa, a5);
                b5 = x.fma(pb, b5);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 6]);
                a6 = x.fma(pa, a6);
                b6 = x.fma(pb, b6);
                x = FloatVector.broadcast(RowIO.FS, vf[v0 + 7]);
                a7 = x.fma(pa, a7);
                b7 = x.fma(pb, b7);
            }
            a0.intoArray(ot, o);
            a1.intoArray(ot, o + L);
            a2.intoArray(ot, o + 2 * L);
            a3.intoArray(ot, o + 3 * L);
            a4.intoArray(ot, o + 4 * L);
            a5.intoArray(ot, o + 5 * L);
            a6.intoArray(ot, o + 6 * L);
            a7.intoArray(ot, o + 7 * L);
            b0.intoArray(ot, o1);
            b1.intoArray(ot, o1 + L);
            b2.intoArray(ot, o1 + 2 * L);
            b3.intoArray(ot, o1 + 3 * L);
            b4.intoArray(ot, o1 + 4 * L);
            b5.intoArray(ot, o1 + 5 * L);
            b6.intoArray(ot, o1 + 6 * L);
            b7.intoArray(ot, o1 + 7 * L);
        }
    }
}
