package org.glm4j.tests.support;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Plain double-precision implementations of every {@link org.glm4j.core.backend.Backend} op, written from the ops'
 * Javadoc and {@code glm4v-model.md}, sharing no code with any backend: the oracle of the level-1 parity tests.
 *
 * <p>Inputs are host tensors of any floating dtype and any layout with a contiguous last dimension; results are
 * row-major {@code double} arrays, not rounded to an output dtype except where the op itself rounds an intermediate
 * (RMSNorm). Loops are scalar and obvious on purpose.
 */
public final class Reference {
    private Reference() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // ================================================================ element access

    /** Every element of a host tensor, row-major. */
    public static double[] values(Tensor t) {
        double[] out = new double[Math.toIntExact(t.numel())];
        int n = t.dim(-1);
        double[] row = new double[n];
        for (long r = 0, rows = t.rowCount(); r < rows; r++) {
            row(t, r, row);
            System.arraycopy(row, 0, out, (int) (r * n), n);
        }
        return out;
    }

    /** Row {@code r} (the tensor seen as {@code [rowCount, dim(-1)]}, any strides) of a host tensor into {@code dst}. */
    public static void row(Tensor t, long r, double[] dst) {
        int n = t.dim(-1);
        if (n == 0) return;
        long off = t.byteOffsetOfFlat(r * n);
        long step = t.stride(-1) * t.dtype().byteSize();
        MemorySegment s = t.data();
        switch (t.dtype()) {
            case F32 -> { for (int i = 0; i < n; i++) dst[i] = s.get(F32, off + i * step); }
            case BF16 -> { for (int i = 0; i < n; i++) dst[i] = Float.intBitsToFloat(s.get(I16, off + i * step) << 16); }
            case F16 -> { for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(s.get(I16, off + i * step)); }
            default -> { for (int i = 0; i < n; i++) dst[i] = t.getLong(r * n + i); }
        }
    }

    private static double[][] rows(Tensor t) {
        int m = Math.toIntExact(t.rowCount());
        double[][] out = new double[m][t.dim(-1)];
        for (int r = 0; r < m; r++) row(t, r, out[r]);
        return out;
    }

    // ================================================================ rounding

    private static int precision(DType dt) {
        return switch (dt) { case F32 -> 24; case BF16 -> 8; case F16 -> 11; default -> throw notFloating(dt); };
    }

    private static int minExponent(DType dt) {
        return switch (dt) { case F32, BF16 -> -126; case F16 -> -14; default -> throw notFloating(dt); };
    }

    /** Largest finite value of a floating dtype. */
    public static double maxFinite(DType dt) {
        return switch (dt) {
            case F32 -> Float.MAX_VALUE;
            case BF16 -> (2 - Math.scalb(1.0, -7)) * Math.scalb(1.0, 127);
            case F16 -> 65504;
            default -> throw notFloating(dt);
        };
    }

    private static IllegalArgumentException notFloating(DType dt) {
        return new IllegalArgumentException(dt + " is not a floating dtype");
    }

    /**
     * {@code v} rounded to the nearest value of {@code dt} (ties to even, subnormals, overflow to ±∞ when the rounded
     * magnitude exceeds the largest finite value), by scaling to an integer and {@link Math#rint}; exact for any
     * double.
     */
    public static double round(double v, DType dt) {
        if (!Double.isFinite(v) || v == 0) return v;
        int qe = Math.max(Math.getExponent(v), minExponent(dt)) - (precision(dt) - 1);
        double r = Math.scalb(Math.rint(Math.scalb(v, -qe)), qe);
        return Math.abs(r) > maxFinite(dt) ? Math.copySign(Double.POSITIVE_INFINITY, v) : r;
    }

    /** {@code v} rounded to the nearest value of {@code dt} in exact decimal arithmetic (a second, independent way). */
    public static double roundExact(BigDecimal v, DType dt) {
        if (v.signum() == 0) return 0;
        BigDecimal a = v.abs();
        int e = Math.getExponent(a.doubleValue());      // a first guess, corrected exactly below
        while (pow2(e).compareTo(a) > 0) e--;
        while (pow2(e + 1).compareTo(a) <= 0) e++;
        int qe = Math.max(e, minExponent(dt)) - (precision(dt) - 1);
        BigDecimal units = a.multiply(pow2(-qe)).setScale(0, RoundingMode.HALF_EVEN);
        double r = units.multiply(pow2(qe)).doubleValue();
        if (r > maxFinite(dt)) r = Double.POSITIVE_INFINITY;
        return v.signum() < 0 ? -r : r;
    }

    private static final int POW2_RANGE = 1200;
    private static final BigDecimal[] POW2 = new BigDecimal[2 * POW2_RANGE + 1];

    /** {@code 2^k} exactly (a terminating decimal for negative k), cached. */
    private static BigDecimal pow2(int k) {
        if (Math.abs(k) > POW2_RANGE) throw new IllegalArgumentException("pow2: exponent " + k + " out of range");
        BigDecimal p = POW2[k + POW2_RANGE];
        if (p == null) {
            BigDecimal m = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(k)));
            p = k >= 0 ? m : BigDecimal.ONE.divide(m);
            POW2[k + POW2_RANGE] = p;
        }
        return p;
    }

    // ================================================================ scalar functions

    private static final double SQRT_PI = Math.sqrt(Math.PI);

    /**
     * The error function: its Maclaurin series {@code 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1))} for {@code |x| ≤ 2}
     * (cancellation costs under 2 of 16 digits there), {@code 1 − erfc} beyond.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        if (Math.abs(x) > 2) return Math.copySign(1 - erfc(Math.abs(x)), x);
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-18 * Math.abs(sum)) break;
        }
        return 2 / SQRT_PI * sum;
    }

    /**
     * The complementary error function: Laplace's continued fraction
     * {@code erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …))))} for {@code x > 2}, evaluated
     * bottom-up from depth 200 (converged to an ulp from x = 2 on); {@code 1 − erf x} below (erfc ≥ 0.0047 there),
     * {@code 2 − erfc(−x)} for negative x.
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x < 0) return 2 - erfc(-x);
        if (x <= 2) return 1 - erf(x);
        double f = x;
        for (int n = 200; n >= 1; n--) f = x + (n / 2.0) / f;
        return Math.exp(-x * x) / (SQRT_PI * f);
    }

    /** Exact GELU {@code x·Φ(x) = 0.5·x·erfc(−x/√2)}. */
    public static double gelu(double x) {
        return 0.5 * x * erfc(-x / Math.sqrt(2));
    }

    /** {@code x·σ(x)}. */
    public static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    /** PyTorch's bicubic tap weights (A = −0.75) for taps at −1, 0, +1, +2 around fraction {@code t}. */
    public static double[] cubicWeights(double t) {
        final double a = -0.75;
        return new double[] { cubic2(t + 1, a), cubic1(t, a), cubic1(1 - t, a), cubic2(2 - t, a) };
    }

    private static double cubic1(double d, double a) { return ((a + 2) * d - (a + 3)) * d * d + 1; }

    private static double cubic2(double d, double a) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; }

    // ================================================================ ops

    /** {@code out[m, n] = Σ_k x[m, k]·w[n, k] + bias[n]}. */
    public static double[] matmul(Tensor x, Tensor w, Tensor bias) {
        double[][] xs = rows(x);
        int m = xs.length, k = x.dim(-1), n = w.dim(0);
        double[] b = bias == null ? null : values(bias);
        double[] out = new double[m * n];
        double[] wr = new double[k];
        for (int j = 0; j < n; j++) {
            row(w, j, wr);
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int c = 0; c < k; c++) s += xs[i][c] * wr[c];
                out[i * n + j] = s + (b == null ? 0 : b[j]);
            }
        }
        return out;
    }

    /**
     * RMSNorm per row: {@code w ⊙ round(x / √(mean(x²) + eps))} with the normalised value rounded to
     * {@code rounding} (x's dtype) before the weight product, as {@code Backend#rmsNorm} describes.
     */
    public static double[] rmsNorm(Tensor x, Tensor weight, float eps, DType rounding) {
        double[] w = values(weight);
        int n = x.dim(-1);
        double[][] xs = rows(x);
        double[] out = new double[xs.length * n];
        for (int r = 0; r < xs.length; r++) {
            double ss = 0;
            for (double v : xs[r]) ss += v * v;
            double inv = 1 / Math.sqrt(ss / n + eps);
            for (int i = 0; i < n; i++) out[r * n + i] = w[i] * round(xs[r][i] * inv, rounding);
        }
        return out;
    }

    /** LayerNorm per row: {@code w ⊙ (x − mean)/√(var + eps) + b}, biased variance. */
    public static double[] layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        double[] w = values(weight), b = values(bias);
        int n = x.dim(-1);
        double[][] xs = rows(x);
        double[] out = new double[xs.length * n];
        for (int r = 0; r < xs.length; r++) {
            double mean = 0;
            for (double v : xs[r]) mean += v;
            mean /= n;
            double var = 0;
            for (double v : xs[r]) var += (v - mean) * (v - mean);
            var /= n;
            double inv = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < n; i++) out[r * n + i] = (xs[r][i] - mean) * inv * w[i] + b[i];
        }
        return out;
    }

    /**
     * The whole of {@code qk [tokens, heads, headDim]} after rotary embedding: pairs {@code (2j, 2j+1)}
     * (interleaved) or {@code (j, j + rotaryDims/2)} (half-split) rotated by angle {@code j}, with
     * {@code cos, sin [tokens, rotaryDims/2]}; dims from {@code rotaryDims} on unchanged.
     */
    public static double[] rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) {
        int tokens = qk.dim(0), heads = qk.dim(1), d = qk.dim(2), half = spec.rotaryDims() / 2;
        double[] out = new double[tokens * heads * d];
        double[] c = new double[half], s = new double[half], v = new double[d];
        for (int t = 0; t < tokens; t++) {
            row(cos, t, c);
            row(sin, t, s);
            for (int h = 0; h < heads; h++) {
                row(qk, (long) t * heads + h, v);
                int base = (t * heads + h) * d;
                System.arraycopy(v, 0, out, base, d);
                for (int j = 0; j < half; j++) {
                    int ia = spec.pairing() == RopeSpec.Pairing.INTERLEAVED ? 2 * j : j;
                    int ib = spec.pairing() == RopeSpec.Pairing.INTERLEAVED ? 2 * j + 1 : j + half;
                    out[base + ia] = v[ia] * c[j] - v[ib] * s[j];
                    out[base + ib] = v[ib] * c[j] + v[ia] * s[j];
                }
            }
        }
        return out;
    }

    /** Scaled dot-product attention as {@link AttentionSpec} defines it (GQA, causal with offset, segments). */
    public static double[] attention(Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        int lq = q.dim(0), hq = q.dim(1), d = q.dim(2), lk = k.dim(0), hkv = k.dim(1);
        double[][] qs = rows(q), ks = rows(k), vs = rows(v);
        int[] seg = spec.segments();
        double[] out = new double[lq * hq * d];
        double[] scores = new double[lk];
        for (int i = 0; i < lq; i++) {
            int from = 0, to = lk;
            if (spec.causal()) to = Math.min(lk, spec.queryOffset() + i + 1);
            if (seg != null) {
                int s = 0;
                while (!(seg[s] <= i && i < seg[s + 1])) s++;
                from = seg[s];
                to = seg[s + 1];
            }
            for (int h = 0; h < hq; h++) {
                int kvh = h / spec.groupSize();
                double max = Double.NEGATIVE_INFINITY;
                for (int j = from; j < to; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += qs[i * hq + h][c] * ks[j * hkv + kvh][c];
                    scores[j] = dot * spec.scale();
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = from; j < to; j++) total += scores[j] = Math.exp(scores[j] - max);
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = from; j < to; j++) acc += scores[j] * vs[j * hkv + kvh][c];
                    out[(i * hq + h) * d + c] = acc / total;
                }
            }
        }
        return out;
    }

    /**
     * Kernel-equals-stride convolution as {@link ConvSpec} defines it: output {@code m} and channel {@code o} is
     * {@code bias[o] + Σ_{c, p} w[o, c, p]·X(m, c, p)} over input channels {@code c} and kernel positions {@code p}
     * (row-major over the kernel dims), with {@code X(m, c, p) = x[m, c·P + p]} channels-first and
     * {@code x[m·P + p, c]} channels-last ({@code P} positions per window).
     */
    public static double[] conv(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        int outCh = w.dim(0), channels = spec.inChannels(), positions = spec.windowPositions();
        boolean first = spec.layout() == ConvSpec.Layout.CHANNELS_FIRST;
        int m = first ? x.dim(0) : x.dim(0) / positions;
        double[][] xs = rows(x);
        double[] b = bias == null ? null : values(bias);
        Tensor wRows = w.view(outCh, channels * positions);
        double[] wr = new double[channels * positions];
        double[] out = new double[m * outCh];
        for (int o = 0; o < outCh; o++) {
            row(wRows, o, wr);
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int c = 0; c < channels; c++)
                    for (int p = 0; p < positions; p++)
                        s += wr[c * positions + p] * (first ? xs[i][c * positions + p] : xs[i * positions + p][c]);
                out[i * outCh + o] = s + (b == null ? 0 : b[o]);
            }
        }
        return out;
    }

    /** {@code silu(gateUp[:, :I]) ⊙ gateUp[:, I:]}. */
    public static double[] swiglu(Tensor gateUp) {
        int n = gateUp.dim(-1) / 2;
        double[][] g = rows(gateUp);
        double[] out = new double[g.length * n];
        for (int r = 0; r < g.length; r++)
            for (int i = 0; i < n; i++) out[r * n + i] = silu(g[r][i]) * g[r][n + i];
        return out;
    }

    /** {@code fn(x)} element-wise. */
    public static double[] unary(Tensor x, Unary fn) {
        double[] v = values(x);
        for (int i = 0; i < v.length; i++)
            v[i] = switch (fn) {
                case GELU -> gelu(v[i]);
                case SILU -> silu(v[i]);
                case NEG -> -v[i];
            };
        return v;
    }

    /** {@code fn(a, b)} element-wise, {@code b} either of {@code a}'s shape or one row repeated over a's rows. */
    public static double[] binary(Tensor a, Tensor b, Binary fn) {
        double[] x = values(a), y = values(b);
        int n = a.dim(-1);
        boolean broadcast = y.length != x.length;
        for (int i = 0; i < x.length; i++) {
            double yi = broadcast ? y[i % n] : y[i];
            x[i] = fn == Binary.ADD ? x[i] + yi : x[i] * yi;
        }
        return x;
    }

    /** Softmax over the last dimension; −∞ entries get probability 0. */
    public static double[] softmax(Tensor x) {
        int n = x.dim(-1);
        double[][] xs = rows(x);
        double[] out = new double[xs.length * n];
        for (int r = 0; r < xs.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : xs[r]) max = Math.max(max, v);
            double total = 0;
            for (int i = 0; i < n; i++) total += out[r * n + i] = Math.exp(xs[r][i] - max);
            for (int i = 0; i < n; i++) out[r * n + i] /= total;
        }
        return out;
    }

    /** {@code table[ids[i]]} per row. */
    public static double[] embedding(Tensor table, Tensor ids) {
        int n = ids.dim(0), c = table.dim(1);
        double[] out = new double[n * c];
        double[] row = new double[c];
        for (int i = 0; i < n; i++) {
            row(table, ids.getLong(i), row);
            System.arraycopy(row, 0, out, i * c, c);
        }
        return out;
    }

    /**
     * PyTorch {@code grid_sample(mode="bicubic", align_corners=False, padding_mode="border")} of a
     * {@code tableHeight × tableWidth} grid of rows of {@code table}, at normalised points {@code (x, y)}, following
     * glm4v-model.md §3.4: un-normalise, floor without clipping, A = −0.75 weights, every tap clamped on its own,
     * x first then y.
     */
    public static double[] resamplePositions(Tensor table, Tensor points, int tableHeight, int tableWidth) {
        int n = points.dim(0), c = table.dim(1);
        double[][] tab = rows(table);
        double[][] pts = rows(points);
        double[] out = new double[n * c];
        for (int p = 0; p < n; p++) {
            double ix = ((pts[p][0] + 1) * tableWidth - 1) / 2, iy = ((pts[p][1] + 1) * tableHeight - 1) / 2;
            double x0 = Math.floor(ix), y0 = Math.floor(iy);
            double[] wx = cubicWeights(ix - x0), wy = cubicWeights(iy - y0);
            for (int m = 0; m < 4; m++) {
                int gy = (int) Math.clamp((long) y0 - 1 + m, 0, tableHeight - 1);
                for (int k = 0; k < 4; k++) {
                    int gx = (int) Math.clamp((long) x0 - 1 + k, 0, tableWidth - 1);
                    double weight = wy[m] * wx[k];
                    for (int ch = 0; ch < c; ch++) out[p * c + ch] += weight * tab[gy * tableWidth + gx][ch];
                }
            }
        }
        return out;
    }

    /**
     * One id per logits row, following {@link SamplingSpec}: repetition penalty on each distinct penalised id,
     * then greedy argmax (lowest id on ties) or temperature, top-k and top-p over the tokens ordered by descending
     * probability (ties by id), and the first kept token whose cumulative probability exceeds
     * {@code uniform·total}.
     */
    public static int[] sample(Tensor logits, SamplingSpec spec) {
        double[][] rows = rows(logits);
        int[] ids = new int[rows.length];
        for (int r = 0; r < rows.length; r++) ids[r] = sampleRow(rows[r], spec);
        return ids;
    }

    private static int sampleRow(double[] s, SamplingSpec spec) {
        double p = spec.repetitionPenalty();
        for (int id : Arrays.stream(spec.penalizedIds()).distinct().toArray())
            s[id] = s[id] < 0 ? s[id] * p : s[id] / p;
        if (spec.isGreedy()) {
            int best = -1;
            for (int i = 0; i < s.length; i++)
                if (!Double.isNaN(s[i]) && (best < 0 || s[i] > s[best])) best = i;
            return Math.max(best, 0);
        }
        for (int i = 0; i < s.length; i++) s[i] /= spec.temperature();
        Integer[] order = IntStream.range(0, s.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -s[i]).thenComparingInt(i -> i))
                .toArray(Integer[]::new);
        int keep = spec.topK() == 0 ? s.length : Math.min(spec.topK(), s.length);
        while (keep < s.length && s[order[keep]] == s[order[keep - 1]]) keep++;     // ties with the k-th stay (transformers)
        double[] prob = new double[keep];
        for (int i = 0; i < keep; i++) prob[i] = Math.exp(s[order[i]] - s[order[0]]);
        if (spec.topP() < 1) {
            double total = 0;
            for (double q : prob) total += q;
            double mass = 0;
            int prefix = 0;
            while (prefix < keep && mass < spec.topP()) mass += prob[prefix++] / total;
            keep = Math.max(1, prefix);
        }
        double total = 0;
        for (int i = 0; i < keep; i++) total += prob[i];
        double target = spec.uniform() * total, cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += prob[i];
            if (cumulative > target) return order[i];
        }
        return order[keep - 1];
    }

    /** Every element of {@code x} (floating, I32 or I64) rounded to {@code dtype}. */
    public static double[] convert(Tensor x, DType dtype) {
        double[] out = new double[Math.toIntExact(x.numel())];
        for (int i = 0; i < out.length; i++)
            out[i] = switch (x.dtype()) {
                case I32, I64 -> roundExact(BigDecimal.valueOf(x.getLong(i)), dtype);
                default -> round(x.getFloat(i), dtype);
            };
        return out;
    }
}
