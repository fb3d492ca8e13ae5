package org.glm4j.core.backend.jvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * The pure-Java backend: the numerical reference of every parity test and the fallback that always works.
 *
 * <p>Every op computes in f32 and rounds once to the output's dtype (RMSNorm also rounds the normalised value
 * before the weight product, as the reference does). Row-wise ops widen a row into a per-thread buffer, compute,
 * and round back; matmul ({@link JvmMatmul}) and attention ({@link JvmAttention}) have their own Vector API
 * kernels. Work is spread over a fixed pool with one thread per core; calls are safe from many threads.
 */
public final class JvmBackend implements Backend {
    /** The name {@code jvm}. */
    public static final String NAME = "jvm";

    private final Parallel parallel;

    /** A backend with one worker per available processor. */
    public JvmBackend() { this(Runtime.getRuntime().availableProcessors()); }

    /** A backend with {@code threads} workers. */
    public JvmBackend(int threads) { this.parallel = new Parallel(threads); }

    @Override public String name() { return NAME; }

    @Override public Device device() { return Device.CPU; }

    @Override public String toString() { return NAME; }

    /** Worker threads used by the ops. */
    public int threads() { return parallel.threads(); }

    /** Zeroed host memory; large tensors are committed page by page on first touch ({@link HostMemory}). */
    @Override public Tensor allocate(DType dtype, Shape shape, Arena owner) { return HostMemory.tensor(dtype, shape, owner); }

    @Override public boolean supports(Op op, DType dtype) {
        return switch (op) {
            case COPY -> true;
            case SAMPLE -> dtype.isFloating() || dtype == DType.I32;
            case CONVERT -> dtype.isFloating() || dtype == DType.I32 || dtype == DType.I64;
            case EMBEDDING -> dtype.isFloating() || dtype == DType.I32 || dtype == DType.I64;
            default -> dtype.isFloating();
        };
    }

    @Override public void synchronize() {}

    @Override public void close() { parallel.close(); }

    // ---------------------------------------------------------------- copy / convert

    @Override public void copy(Tensor dst, Tensor src) {
        int es = src.dtype().byteSize();
        if (dst.hasUniformRows() && src.hasUniformRows()) {
            long rows = src.rowCount();
            long rowBytes = (long) src.dim(-1) * es;
            for (long r = 0; r < rows; r++)
                MemorySegment.copy(src.data(), RowIO.rowOffset(src, r), dst.data(), RowIO.rowOffset(dst, r), rowBytes);
            return;
        }
        for (long i = 0, n = src.numel(); i < n; i++)
            MemorySegment.copy(src.data(), src.byteOffsetOfFlat(i), dst.data(), dst.byteOffsetOfFlat(i), es);
    }

    @Override public void convert(Tensor out, Tensor x) {
        int cols = x.dim(-1);
        forRows(x.rowCount(), cols, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, cols);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(x, r, buf);
                RowIO.storeRow(out, r, buf);
            }
        });
    }

    // ---------------------------------------------------------------- matmul / conv

    @Override public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) {
        JvmMatmul.matmul(parallel, out, x, w, bias);
    }

    @Override public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        Tensor wFlat = w.view(w.dim(0), spec.windowSize());
        if (spec.layout() == ConvSpec.Layout.CHANNELS_FIRST) {
            JvmMatmul.matmul(parallel, out, x, wFlat, bias);
            return;
        }
        // Channels-last windows: regroup each window's (position, channel) values into the weight's
        // (channel, position) order once, then it is a plain matmul.
        int c = spec.inChannels(), k = spec.windowPositions(), m = out.dim(0);
        try (Arena arena = Arena.ofShared()) {
            Tensor patches = Tensor.allocate(DType.F32, Shape.of(m, c * k), arena);
            parallel.forRange(m, 1, (from, to) -> {
                float[] win = RowIO.Buffers.get(0, c * k);
                float[] row = RowIO.Buffers.get(1, c);
                for (int i = from; i < to; i++) {
                    for (int p = 0; p < k; p++) {
                        RowIO.loadRow(x, (long) i * k + p, row);
                        for (int ch = 0; ch < c; ch++) win[ch * k + p] = row[ch];
                    }
                    RowIO.storeRow(patches, i, win);
                }
            });
            JvmMatmul.matmul(parallel, out, patches, wFlat, bias);
        }
    }

    // ---------------------------------------------------------------- norms

    @Override public void rmsNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        int n = x.dim(-1);
        // The weight row lives in the calling thread's buffer (slot 1); the workers' rows use slot 0.
        float[] w = RowIO.Buffers.get(1, n);
        RowIO.load(weight.data(), weight.byteOffset(), weight.dtype(), w, 0, n);
        DType xd = x.dtype();                                   // the reference rounds the normalised value to x's dtype
        forRows(x.rowCount(), n, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(x, r, buf);
                float ss = Kernels.sumSquares(buf, n);
                float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
                Kernels.normalizeScale(buf, w, inv, n, xd);
                RowIO.storeRow(out, r, buf);
            }
        });
    }

    @Override public void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor weight, float eps) {
        int n = x.dim(-1);
        float[] w = RowIO.Buffers.get(1, n);
        RowIO.load(weight.data(), weight.byteOffset(), weight.dtype(), w, 0, n);
        DType sd = sum.dtype();                                 // the norm reads the sum as stored, as binary + rmsNorm would
        forRows(x.rowCount(), n, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, n), res = RowIO.Buffers.get(2, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(x, r, buf);
                RowIO.loadRow(residual, r, res);
                Kernels.add(buf, res, n);
                RowIO.storeRow(sum, r, buf);
                if (sd != DType.F32) RowIO.loadRow(sum, r, buf);
                float ss = Kernels.sumSquares(buf, n);
                float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
                Kernels.normalizeScale(buf, w, inv, n, sd);
                RowIO.storeRow(out, r, buf);
            }
        });
    }

    @Override public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        int n = x.dim(-1);
        float[] w = RowIO.loadAll(weight), b = RowIO.loadAll(bias);
        forRows(x.rowCount(), n, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(x, r, buf);
                float mean = Kernels.sum(buf, n) / n;
                float var = 0;
                for (int i = 0; i < n; i++) {
                    float d = buf[i] - mean;
                    var += d * d;
                }
                float inv = (float) (1.0 / Math.sqrt(var / n + eps));
                for (int i = 0; i < n; i++) buf[i] = (buf[i] - mean) * inv * w[i] + b[i];
                RowIO.storeRow(out, r, buf);
            }
        });
    }

    // ---------------------------------------------------------------- rope / attention

    @Override public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) {
        int tokens = qk.dim(0), heads = qk.dim(1), rd = spec.rotaryDims(), half = rd / 2;
        boolean interleaved = spec.pairing() == RopeSpec.Pairing.INTERLEAVED;
        long es = qk.dtype().byteSize();
        forRows(tokens, (long) heads * rd, (from, to) -> {
            float[] c = RowIO.Buffers.get(0, half), s = RowIO.Buffers.get(1, half), v = RowIO.Buffers.get(2, rd);
            for (int t = (int) from; t < to; t++) {
                RowIO.loadRow(cos, t, c);
                RowIO.loadRow(sin, t, s);
                for (int h = 0; h < heads; h++) {
                    long off = qk.byteOffset() + (t * qk.stride(0) + h * qk.stride(1)) * es;
                    RowIO.load(qk.data(), off, qk.dtype(), v, 0, rd);
                    for (int j = 0; j < half; j++) {
                        int ia = interleaved ? 2 * j : j, ib = interleaved ? 2 * j + 1 : j + half;
                        float a = v[ia], b = v[ib];
                        v[ia] = a * c[j] - b * s[j];
                        v[ib] = b * c[j] + a * s[j];
                    }
                    RowIO.store(qk.data(), off, qk.dtype(), v, 0, rd);
                }
            }
        });
    }

    @Override public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        JvmAttention.warmUpDecode(parallel, q, k, v, spec);
        dispatchAttention(parallel, out, q, k, v, spec);
    }

    /** One query row goes to the dedicated decode path, everything else to the general flash kernel. */
    static void dispatchAttention(Parallel parallel, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        if (JvmDecodeAttention.handles(q)) JvmDecodeAttention.attention(parallel, out, q, k, v, spec);
        else JvmAttention.attention(parallel, out, q, k, v, spec);
    }

    @Override public void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
        int p = atIndex(position, k.dim(0) - q.dim(0), "attentionAt position");
        int keys = p + q.dim(0);
        attention(out, q, k.rows(0, keys), v.rows(0, keys), new AttentionSpec(spec.scale(), true, p, spec.groupSize(), null));
    }

    @Override public void copyRowsAt(Tensor dst, Tensor src, Tensor at) {
        copy(dst.rows(atIndex(at, dst.dim(0) - src.dim(0), "copyRowsAt index"), src.dim(0)), src);
    }

    /** The value of an I32 [1] index tensor, checked to lie in [0, max]. */
    static int atIndex(Tensor index, int max, String what) {
        long v = index.getLong(0);
        if (v < 0 || v > max) throw new IndexOutOfBoundsException(what + " " + v + " is outside [0, " + max + "]");
        return (int) v;
    }

    // ---------------------------------------------------------------- element-wise

    @Override public void swiglu(Tensor out, Tensor gateUp) {
        int n = out.dim(-1);
        forRows(out.rowCount(), n, (from, to) -> {
            float[] g = RowIO.Buffers.get(0, 2 * n), o = RowIO.Buffers.get(1, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(gateUp, r, g);
                Kernels.swiglu(g, o, n);
                RowIO.storeRow(out, r, o);
            }
        });
    }

    @Override public void unary(Tensor out, Tensor x, Unary fn) {
        int n = x.dim(-1);
        forRows(x.rowCount(), n, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(x, r, buf);
                switch (fn) {
                    case GELU -> { for (int i = 0; i < n; i++) buf[i] = SpecialFunctions.gelu(buf[i]); }
                    case SILU -> Kernels.siluInPlace(buf, n);
                    case NEG -> { for (int i = 0; i < n; i++) buf[i] = -buf[i]; }
                }
                RowIO.storeRow(out, r, buf);
            }
        });
    }

    @Override public void binary(Tensor out, Tensor a, Tensor b, Binary fn) {
        int n = a.dim(-1);
        boolean broadcast = !b.shape().equals(a.shape());
        float[] bRow = broadcast ? RowIO.loadAll(b) : null;
        forRows(a.rowCount(), n, (from, to) -> {
            float[] x = RowIO.Buffers.get(0, n), y = broadcast ? bRow : RowIO.Buffers.get(1, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(a, r, x);
                if (!broadcast) RowIO.loadRow(b, r, y);
                switch (fn) {
                    case ADD -> Kernels.add(x, y, n);
                    case MUL -> Kernels.mul(x, y, n);
                }
                RowIO.storeRow(out, r, x);
            }
        });
    }

    @Override public void softmax(Tensor out, Tensor x) {
        int n = x.dim(-1);
        forRows(x.rowCount(), n, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, n);
            for (long r = from; r < to; r++) {
                RowIO.loadRow(x, r, buf);
                Kernels.softmaxInPlace(buf, n);
                RowIO.storeRow(out, r, buf);
            }
        });
    }

    // ---------------------------------------------------------------- lookups

    @Override public void embedding(Tensor out, Tensor table, Tensor ids) {
        int n = table.dim(1);
        forRows(ids.dim(0), n, (from, to) -> {
            float[] buf = RowIO.Buffers.get(0, n);
            for (long i = from; i < to; i++) {
                RowIO.loadRow(table, ids.getLong(i), buf);
                RowIO.storeRow(out, i, buf);
            }
        });
    }

    /** PyTorch CPU {@code grid_sample} (bicubic, align_corners=False, border): f32 throughout, same evaluation order. */
    @Override public void resamplePositions(Tensor out, Tensor table, Tensor points, int tableHeight, int tableWidth) {
        int c = table.dim(1);
        float[] tab = RowIO.loadAll(table);
        forRows(points.dim(0), (long) c * 16, (from, to) -> {
            float[] o = RowIO.Buffers.get(0, c);
            float[] wx = new float[4], wy = new float[4];
            int[] gx = new int[4], gy = new int[4];
            for (long p = from; p < to; p++) {
                float nx = points.getFloat(2 * p), ny = points.getFloat(2 * p + 1);
                float ix = ((nx + 1f) * tableWidth - 1f) / 2f;
                float iy = ((ny + 1f) * tableHeight - 1f) / 2f;
                float x0 = (float) Math.floor(ix), y0 = (float) Math.floor(iy);
                Kernels.cubicWeights(ix - x0, wx);
                Kernels.cubicWeights(iy - y0, wy);
                for (int i = 0; i < 4; i++) {
                    gx[i] = Math.clamp((long) x0 - 1 + i, 0, tableWidth - 1);
                    gy[i] = Math.clamp((long) y0 - 1 + i, 0, tableHeight - 1);
                }
                for (int ch = 0; ch < c; ch++) {
                    float acc = 0;
                    for (int m = 0; m < 4; m++) {
                        int base = gy[m] * tableWidth;
                        float row = tab[(base + gx[0]) * c + ch] * wx[0] + tab[(base + gx[1]) * c + ch] * wx[1]
                                + tab[(base + gx[2]) * c + ch] * wx[2] + tab[(base + gx[3]) * c + ch] * wx[3];
                        acc = m == 0 ? row * wy[0] : acc + row * wy[m];
                    }
                    o[ch] = acc;
                }
                RowIO.storeRow(out, p, o);
            }
        });
    }

    @Override public void sample(Tensor ids, Tensor logits, SamplingSpec spec) {
        int vocab = logits.dim(-1);
        for (long r = 0; r < logits.rowCount(); r++) {
            float[] buf = new float[vocab];
            RowIO.loadRow(logits, r, buf);
            ids.setLong(r, Sampler.pick(buf, spec));
        }
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface LongRangeBody { void run(long from, long to); }

    /** Spreads {@code rows} rows of about {@code work} elements each over the pool, at least ~32k elements per chunk. */
    private void forRows(long rows, long work, LongRangeBody body) {
        int n = Math.toIntExact(rows);
        int grain = (int) Math.max(1, 32_768 / Math.max(1, work));
        parallel.forRange(n, grain, body::run);
    }

    /** Row-wise f32 loops with Vector API bodies. */
    static final class Kernels {
        private Kernels() {}

        static float sum(float[] a, int n) {
            FloatVector acc = FloatVector.zero(RowIO.FS);
            int i = 0;
            for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES)
                acc = acc.add(FloatVector.fromArray(RowIO.FS, a, i));
            float s = VectorSum.sum(acc);
            for (; i < n; i++) s += a[i];
            return s;
        }

        static float sumSquares(float[] a, int n) {
            FloatVector a0 = FloatVector.zero(RowIO.FS), a1 = a0, a2 = a0, a3 = a0;
            int i = 0, step = 4 * RowIO.LANES;
            for (int bound = n - n % step; i < bound; i += step) {
                FloatVector v0 = FloatVector.fromArray(RowIO.FS, a, i), v1 = FloatVector.fromArray(RowIO.FS, a, i + RowIO.LANES);
                FloatVector v2 = FloatVector.fromArray(RowIO.FS, a, i + 2 * RowIO.LANES);
                FloatVector v3 = FloatVector.fromArray(RowIO.FS, a, i + 3 * RowIO.LANES);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
                a2 = v2.fma(v2, a2);
                a3 = v3.fma(v3, a3);
            }
            for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES) {
                FloatVector v = FloatVector.fromArray(RowIO.FS, a, i);
                a0 = v.fma(v, a0);
            }
            float s = VectorSum.sum(a0.add(a1).add(a2.add(a3)));
            for (; i < n; i++) s += a[i] * a[i];
            return s;
        }

        /** {@code x[i] = w[i] · round_dt(x[i] · inv)} for i < n: RMSNorm's scale, rounding the normalised value to dt. */
        static void normalizeScale(float[] x, float[] w, float inv, int n, DType dt) {
            int i = 0, bound = RowIO.FS.loopBound(n);
            if (dt == DType.BF16) {
                for (; i < bound; i += RowIO.LANES)
                    roundToBf16(FloatVector.fromArray(RowIO.FS, x, i).mul(inv))
                            .mul(FloatVector.fromArray(RowIO.FS, w, i)).intoArray(x, i);
            } else if (dt == DType.F32) {
                for (; i < bound; i += RowIO.LANES)
                    FloatVector.fromArray(RowIO.FS, x, i).mul(inv).mul(FloatVector.fromArray(RowIO.FS, w, i)).intoArray(x, i);
            }
            for (; i < n; i++) x[i] = w[i] * dt.round(x[i] * inv);
        }

        /** Lane-wise {@link DType#roundToBf16}: round to nearest even, NaN kept (quieted) as the scalar path does. */
        static FloatVector roundToBf16(FloatVector v) {
            IntVector bits = v.reinterpretAsInts();
            IntVector high = bits.lanewise(VectorOperators.LSHR, 16);
            IntVector rounded = bits.add(high.and(1).add(0x7fff)).and(0xFFFF_0000);
            IntVector quietNan = high.or(0x0040).lanewise(VectorOperators.LSHL, 16);
            VectorMask<Integer> nan = bits.and(0x7fff_ffff).compare(VectorOperators.GT, 0x7f80_0000);
            return rounded.blend(quietNan, nan).reinterpretAsFloats();
        }

        static void add(float[] x, float[] y, int n) {
            int i = 0;
            for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES)
                FloatVector.fromArray(RowIO.FS, x, i).add(FloatVector.fromArray(RowIO.FS, y, i)).intoArray(x, i);
            for (; i < n; i++) x[i] += y[i];
        }

        static void mul(float[] x, float[] y, int n) {
            int i = 0;
            for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES)
                FloatVector.fromArray(RowIO.FS, x, i).mul(FloatVector.fromArray(RowIO.FS, y, i)).intoArray(x, i);
            for (; i < n; i++) x[i] *= y[i];
        }

        static float silu(float x) { return (float) (x / (1.0 + Math.exp(-x))); }

        /** σ(x) on vectors: {@code 1/(1+e^{−|x|})} for x ≥ 0, {@code e^{−|x|}/(1+e^{−|x|})} below, so e's argument is ≤ 0. */
        private static FloatVector sigmoid(FloatVector x) {
            FloatVector t = JvmAttention.expNonPositive(x.abs().neg());
            FloatVector num = FloatVector.broadcast(RowIO.FS, 1f).blend(t, x.compare(VectorOperators.LT, 0f));
            return num.div(t.add(1f));
        }

        /** {@code a = silu(a)} over {@code a[0..n)}. */
        static void siluInPlace(float[] a, int n) {
            int i = 0;
            for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES) {
                FloatVector x = FloatVector.fromArray(RowIO.FS, a, i);
                x.mul(sigmoid(x)).intoArray(a, i);
            }
            for (; i < n; i++) a[i] = silu(a[i]);
        }

        /** {@code out[i] = silu(gateUp[i])·gateUp[n + i]} for {@code i < n}. */
        static void swiglu(float[] gateUp, float[] out, int n) {
            int i = 0;
            for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES) {
                FloatVector g = FloatVector.fromArray(RowIO.FS, gateUp, i);
                g.mul(sigmoid(g)).mul(FloatVector.fromArray(RowIO.FS, gateUp, n + i)).intoArray(out, i);
            }
            for (; i < n; i++) out[i] = silu(gateUp[i]) * gateUp[n + i];
        }

        /** Softmax of {@code a[0..n)} in place, f32; a row of all −∞ gives zeros. */
        static void softmaxInPlace(float[] a, int n) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, a[i]);
            if (max == Float.NEGATIVE_INFINITY) {
                Arrays.fill(a, 0, n, 0f);
                return;
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                a[i] = (float) Math.exp(a[i] - max);
                s += a[i];
            }
            float inv = (float) (1.0 / s);
            for (int i = 0; i < n; i++) a[i] *= inv;
        }

        /** PyTorch's bicubic tap weights for fraction {@code t}, A = −0.75, taps at −1, 0, +1, +2. */
        static void cubicWeights(float t, float[] w) {
            final float a = -0.75f;
            w[0] = cubic2(t + 1f, a);
            w[1] = cubic1(t, a);
            w[2] = cubic1(1f - t, a);
            w[3] = cubic2(2f - t, a);
        }

        private static float cubic1(float x, float a) { return ((a + 2) * x - (a + 3)) * x * x + 1; }

        private static float cubic2(float x, float a) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; }
    }
}
