package org.glm4j.core.backend.onednn;

import org.glm4j.core.backend.jvm.HostMemory;
import org.glm4j.core.backend.jvm.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import org.glm4j.bindings.onednn.DnnlLibrary;
import org.glm4j.bindings.onednn.dnnl_h;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * The CPU backend over oneDNN primitives, with our own Vector API kernels (the {@link JvmBackend}'s) for the ops
 * where they are faster or oneDNN has no primitive. Per op (measurements in each class's comment):
 * <ul>
 *   <li>{@code matmul}: oneDNN ({@link DnnlMatmul}) for f32 and bf16 weights from two rows up, bf16 weights packed
 *       once; one row (decode) through our memory-bound {@link VectorGemv} kernels over the same bytes, which read
 *       at the machine's bandwidth where oneDNN's reach a third to a half of it; f16 weights (no GLM checkpoint has
 *       them) use the JVM backend's kernel;</li>
 *   <li>{@code conv}: kernel = stride, so it is a matmul over patch rows: channels-first windows are already rows
 *       of the flattened weight's layout; channels-last windows use the weight regrouped once into
 *       (position, channel) order;</li>
 *   <li>{@code attention}: from {@value #ATTENTION_MIN_ROWS} query rows, flash-style blocks of oneDNN matmuls with an
 *       online softmax ({@link DnnlAttention}); decode (fewer rows, memory-bound) uses the Vector API kernel;</li>
 *   <li>{@code unary} (GELU with bf16/f16 outputs, SiLU, neg), {@code binary}, {@code softmax}, {@code layerNorm}: oneDNN's eltwise,
 *       binary, softmax and layer-normalization primitives where they have a JIT kernel for the dtypes and dense
 *       rows, the Vector API kernels otherwise ({@link DnnlRowOps});</li>
 *   <li>{@code rmsNorm}: Vector API (oneDNN 3.8.1's layer normalization has no {@code rms_norm} flag yet, and the
 *       reference rounds the normalised value before the weight product, which a fused primitive would not);</li>
 *   <li>{@code rope}, {@code swiglu}, {@code embedding}, {@code resamplePositions}, {@code sample}, {@code convert},
 *       {@code copy}: Vector API (gathers, index arithmetic and fused two-input element-wise work oneDNN has no
 *       single primitive for);</li>
 *   <li>tensors outside native memory (heap segments) never reach oneDNN: those calls use the Vector API kernels.</li>
 * </ul>
 *
 * <p>Threads: one count, {@link #threads()}, sizes oneDNN's OpenMP team, the JVM backend's pool and our kernel
 * pool; only one of them works at a time. Calls are safe from many threads at once; each calling thread gets its own oneDNN
 * stream and scratchpad.
 */
public final class OneDnnBackend implements Backend {
    /** The name {@code onednn}. */
    public static final String NAME = "onednn";
    /** System property bounding the number of cached primitives. */
    public static final String CACHE_PROPERTY = "glm4j.onednn.primitiveCache";

    private final DnnlLibrary library;
    private final JvmBackend jvm;
    private final Dnnl dnnl;
    private final PrimitiveCache primitives;
    private final WeightCache weights;
    private final DnnlMatmul matmul;
    private final DnnlRowOps rowOps;
    private final DnnlAttention attention;
    private final Parallel pool;

    /**
     * Opens oneDNN with {@code threads} threads for its primitives and the Java kernels.
     *
     * @throws org.glm4j.bindings.LibraryUnavailableException when oneDNN cannot be loaded
     */
    public OneDnnBackend(int threads) {
        if (threads < 1) throw new IllegalArgumentException("onednn: threads must be >= 1, got " + threads);
        this.library = DnnlLibrary.load();
        this.dnnl = new Dnnl(threads);
        this.jvm = new JvmBackend(threads);
        this.primitives = new PrimitiveCache(Integer.getInteger(CACHE_PROPERTY, 512));
        this.weights = new WeightCache();
        this.pool = new Parallel(threads, "glm4j-onednn");
        this.matmul = new DnnlMatmul(dnnl, primitives, weights, jvm, pool);
        this.rowOps = new DnnlRowOps(dnnl, primitives, weights, jvm);
        this.attention = new DnnlAttention(dnnl, primitives, pool);
    }

    @Override public String name() { return NAME; }

    @Override public Device device() { return Device.CPU; }

    @Override public String toString() { return NAME; }

    /** Threads of oneDNN's OpenMP team and of the Java pool. */
    public int threads() { return dnnl.threads; }

    /** The loaded library, for logs. */
    public DnnlLibrary library() { return library; }

    /** oneDNN's name for the instruction set its kernels use here, e.g. {@code avx10_1_512_amx} ({@code dnnl_get_effective_cpu_isa}). */
    public String cpuIsa() {
        int isa = dnnl_h.dnnl_get_effective_cpu_isa();
        MemorySegment s = dnnl_h.dnnl_cpu_isa2str(isa);
        return s.equals(MemorySegment.NULL) ? "isa " + isa : s.getString(0);
    }

    /** Primitives cached now, and the cache's bound. */
    public int[] primitiveCacheSize() { return new int[] { primitives.size(), primitives.capacity() }; }

    /** Primitive cache hits, misses (primitives created) and evictions so far, for benchmarks and logs. */
    public long[] primitiveCacheStats() { return primitives.stats(); }

    /**
     * One-row matmuls (decode) run by the Vector API kernels so far: {over packed bf16 weights, over plain rows}; the
     * rest went to oneDNN's primitive. For benchmarks, logs and tests that check which path ran.
     */
    public long[] gemvCalls() { return matmul.gemvCalls(); }

    /** Bytes held by packed weight copies. */
    public long packedWeightBytes() { return weights.bytes(); }

    /** Zeroed host memory; large tensors are committed page by page on first touch ({@link HostMemory}). */
    @Override public Tensor allocate(DType dtype, Shape shape, Arena owner) { return HostMemory.tensor(dtype, shape, owner); }

    @Override public boolean supports(Op op, DType dtype) { return jvm.supports(op, dtype); }

    @Override public void copy(Tensor dst, Tensor src) { jvm.copy(dst, src); }

    @Override public void convert(Tensor out, Tensor x) { jvm.convert(out, x); }

    // ---------------------------------------------------------------- matmul / conv

    @Override public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) {
        if (w.dtype() == DType.F16 || !nativeMemory(out, x, w, bias)) {
            jvm.matmul(out, x, w, bias);
            return;
        }
        matmul.matmul(out, x, w, bias, () -> "matmul(out=" + out + ", x=" + x + ", w=" + w + (bias == null ? "" : ", bias=" + bias) + ")");
    }

    @Override public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        if (w.dtype() == DType.F16 || !nativeMemory(out, x, w, bias)) {
            jvm.conv(out, x, w, bias, spec);
            return;
        }
        Supplier<String> context = () -> "conv(out=" + out + ", x=" + x + ", w=" + w + ", " + spec + ")";
        int window = spec.windowSize();
        if (spec.layout() == ConvSpec.Layout.CHANNELS_FIRST) {
            matmul.matmul(out, x, w.view(w.dim(0), window), bias, context);
            return;
        }
        // Channels-last: the window's positions are consecutive rows of x, so with contiguous rows each window is
        // one row of [M, positions·channels]; the weight is regrouped once from (channel, position) to that order.
        int c = spec.inChannels(), p = spec.windowPositions(), m = out.dim(0);
        Tensor rows = x;
        if (x.rowStride() != c) {
            MemorySegment tmp = dnnl.thread().buffer(3, x.numel() * x.dtype().byteSize());
            rows = Tensor.onDevice(Device.CPU, x.dtype(), x.shape(), tmp, 0);
            jvm.copy(rows, x);
        }
        Tensor windows = new Tensor(rows.dtype(), Shape.of(m, window), Device.CPU, rows.data(), rows.byteOffset(),
                new long[] { window, 1 });
        WeightCache.Entry regrouped = weights.acquire(w, "conv/channels-last", t -> regroup(t, c, p));
        try {
            Tensor wr = Tensor.onDevice(Device.CPU, w.dtype(), Shape.of(w.dim(0), window), regrouped.data, 0);
            matmul.matmul(out, windows, wr, bias, context);
        } finally {
            weights.release(regrouped);
        }
    }

    /** {@code w [O, C, positions…]} as {@code [O, positions·C]} in (position, channel) order, in the weight's dtype. */
    private WeightCache.Entry regroup(Tensor w, int channels, int positions) {
        Arena a = Arena.ofShared();
        int o = w.dim(0), window = channels * positions;
        Tensor flat = w.view(o, window);
        Tensor out = Tensor.allocate(w.dtype(), Shape.of(o, window), a);
        int es = w.dtype().byteSize();
        for (int r = 0; r < o; r++)
            for (int ch = 0; ch < channels; ch++)
                for (int q = 0; q < positions; q++)
                    MemorySegment.copy(flat.data(), flat.byteOffsetOf(r, (long) ch * positions + q),
                            out.data(), out.byteOffsetOf(r, (long) q * channels + ch), es);
        return new WeightCache.Entry(a, out.data(), null);
    }

    private static boolean nativeMemory(Tensor... ts) {
        for (Tensor t : ts) if (t != null && !t.data().isNative()) return false;
        return true;
    }

    // ---------------------------------------------------------------- row-wise ops: Vector API kernels

    @Override public void rmsNorm(Tensor out, Tensor x, Tensor weight, float eps) { jvm.rmsNorm(out, x, weight, eps); }

    /** The JVM backend's fused row loop: one pass over x and the residual, as its rmsNorm serves here too. */
    @Override public void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor weight, float eps) {
        jvm.addRmsNorm(out, sum, x, residual, weight, eps);
    }

    @Override public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        if (nativeMemory(out, x, weight, bias)
                && rowOps.layerNorm(out, x, weight, bias, eps, () -> "layerNorm(out=" + out + ", x=" + x + ", weight=" + weight + ")"))
            return;
        jvm.layerNorm(out, x, weight, bias, eps);
    }

    @Override public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) { jvm.rope(qk, cos, sin, spec); }

    /** Query rows from which attention runs as oneDNN blocks; fewer (decode) is memory-bound: Vector API kernel. */
    static final int ATTENTION_MIN_ROWS = 16;

    @Override public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        if (DnnlAttention.handles(out, q, k, v, ATTENTION_MIN_ROWS)) {
            attention.attention(out, q, k, v, spec,
                    () -> "attention(out=" + out + ", q=" + q + ", k=" + k + ", v=" + v + ", " + spec + ")");
            return;
        }
        jvm.attention(out, q, k, v, spec);
    }

    /** Reads the host position and runs {@link #attention} over the keys in use (the oneDNN or Vector API path). */
    @Override public void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
        long p = position.getLong(0);
        if (p < 0 || p + q.dim(0) > k.dim(0))
            throw new IndexOutOfBoundsException("attentionAt position " + p + " is outside [0, " + (k.dim(0) - q.dim(0)) + "]");
        int keys = (int) p + q.dim(0);
        attention(out, q, k.rows(0, keys), v.rows(0, keys), new AttentionSpec(spec.scale(), true, (int) p, spec.groupSize(), null));
    }

    @Override public void copyRowsAt(Tensor dst, Tensor src, Tensor at) { jvm.copyRowsAt(dst, src, at); }

    @Override public void swiglu(Tensor out, Tensor gateUp) { jvm.swiglu(out, gateUp); }

    @Override public void unary(Tensor out, Tensor x, Unary fn) {
        // oneDNN's erf GELU is a polynomial with ~3e-4 relative error where |gelu(x)| is tiny: fine for bf16 outputs,
        // but f32 outputs (the golden path) keep the JVM's exact erf.
        boolean exactNeeded = fn == Unary.GELU && out.dtype() == DType.F32;
        if (!exactNeeded && nativeMemory(out, x) && rowOps.unary(out, x, fn, () -> "unary " + fn + "(out=" + out + ", x=" + x + ")")) return;
        jvm.unary(out, x, fn);
    }

    @Override public void binary(Tensor out, Tensor a, Tensor b, Binary fn) {
        if (nativeMemory(out, a, b) && rowOps.binary(out, a, b, fn, () -> "binary " + fn + "(out=" + out + ", a=" + a + ", b=" + b + ")"))
            return;
        jvm.binary(out, a, b, fn);
    }

    @Override public void softmax(Tensor out, Tensor x) {
        if (nativeMemory(out, x) && rowOps.softmax(out, x, () -> "softmax(out=" + out + ", x=" + x + ")")) return;
        jvm.softmax(out, x);
    }

    @Override public void embedding(Tensor out, Tensor table, Tensor ids) { jvm.embedding(out, table, ids); }

    @Override public void resamplePositions(Tensor out, Tensor table, Tensor points, int tableHeight, int tableWidth) {
        jvm.resamplePositions(out, table, points, tableHeight, tableWidth);
    }

    @Override public void sample(Tensor ids, Tensor logits, SamplingSpec spec) { jvm.sample(ids, logits, spec); }

    @Override public void synchronize() {}

    /** Frees primitives, packed weights, streams and the engine. Call once no op is running. */
    @Override public void close() {
        attention.close();
        pool.close();
        primitives.close();
        weights.close();
        dnnl.close();
        jvm.close();
    }
}
