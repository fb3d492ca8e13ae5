package org.glm4j.core.backend;

import java.lang.foreign.Arena;
import java.util.Optional;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * The op set GLM-4.1V needs, implemented per device. Ops are coarse (each touches at least a row), take explicit
 * dtypes from their tensors, and write into a destination the caller passes in.
 *
 * <p>Model code never calls a backend directly: it calls {@link Ops}, which validates devices, dtypes, shapes,
 * strides and aliasing once and then dispatches, so implementations may assume valid input. Floating ops accept
 * any mix of F32/BF16/F16 operands, compute in f32 and round once to the output's dtype (unless an op says
 * otherwise). Tensors may be strided views where an op says so; the last dimension is always contiguous.
 *
 * <p>A backend is shared by every session of a model: all ops are safe to call from many threads at once, each
 * call touching only the tensors it is given.
 */
public interface Backend extends AutoCloseable {

    /** Short name: {@code jvm}, {@code onednn}, {@code cuda}. */
    String name();

    /** Where this backend's tensors live. */
    Device device();

    /** A zeroed tensor on this backend's device whose memory lives as long as {@code owner}. */
    Tensor allocate(DType dtype, Shape shape, Arena owner);

    /** Whether this backend implements {@code op} for outputs (or, for MATMUL, weights) of {@code dtype}. */
    boolean supports(Op op, DType dtype);

    /** {@code dst = src}: same dtype and shape, any strides; host↔device or within a device. */
    void copy(Tensor dst, Tensor src);

    /**
     * {@code out[m, n] = Σ_k x[m, k]·w[n, k] (+ bias[n])}: {@code x [M, K]}, {@code w [N, K]} in the checkpoint's
     * {@code [out, in]} layout (F32, BF16 or F16), {@code bias [N]} or null, {@code out [M, N]}; f32 accumulation.
     */
    void matmul(Tensor out, Tensor x, Tensor w, Tensor bias);

    /**
     * Per row: {@code out = round_out(w ⊙ round_x(x / √(mean(x²) + eps)))}, statistics in f32; the normalised value
     * is rounded to x's dtype before the weight product, as the reference does.
     */
    void rmsNorm(Tensor out, Tensor x, Tensor weight, float eps);

    /**
     * The residual add and the norm after it in one pass, per row: {@code sum = round_sum(x + residual)} (rounded to
     * sum's dtype and stored), then {@code out = rmsNorm(sum)} exactly as {@link #rmsNorm} computes it. sum, out, x
     * and residual have one shape; sum may be x or residual itself and out may be any of them (exact aliasing only).
     */
    void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor weight, float eps);

    /** Per row: {@code out = w ⊙ (x − mean) / √(var + eps) + b}, biased variance, f32 statistics. */
    void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps);

    /** In-place rotary embedding of {@code qk [tokens, heads, headDim]} with {@code cos, sin [tokens, rotaryDims/2]}. */
    void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec);

    /** Scaled dot-product attention, see {@link AttentionSpec}; f32 scores and softmax. */
    void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec);

    /**
     * Causal attention whose query offset is device data: {@link #attention} with {@code spec} (causal, no segments)
     * and query offset {@code position[0]}, an I32 {@code [1]} tensor on this backend's device read when the op runs.
     * k and v may hold more rows than are in use (a whole KV cache): only the first {@code position[0] + Lq} are
     * read. A step captured by {@link StepGraphs} stays valid as the cache fills.
     */
    void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position);

    /** Kernel-equals-stride convolution over patch rows, see {@link ConvSpec}. */
    void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec);

    /** {@code out [R, I] = silu(gateUp[:, :I]) ⊙ gateUp[:, I:]} for {@code gateUp [R, 2I]}. */
    void swiglu(Tensor out, Tensor gateUp);

    /** Element-wise {@code out = fn(x)}, same shape. */
    void unary(Tensor out, Tensor x, Unary fn);

    /** Element-wise {@code out = fn(a, b)}; {@code b} has {@code a}'s shape or is one row broadcast over rows. */
    void binary(Tensor out, Tensor a, Tensor b, Binary fn);

    /** Softmax over the last dimension, in f32. */
    void softmax(Tensor out, Tensor x);

    /** {@code out[i] = table[ids[i]]} for {@code ids [n]} (I32 or I64), {@code table [V, C]}, {@code out [n, C]}. */
    void embedding(Tensor out, Tensor table, Tensor ids);

    /**
     * Bicubic resampling of a learned position table with PyTorch {@code grid_sample} semantics (A = −0.75,
     * {@code align_corners=False}, border padding per tap, f32): {@code table [tableHeight·tableWidth, C]} seen as a
     * {@code tableHeight × tableWidth} grid, {@code points} F32 {@code [n, 2]} of normalised {@code (x, y)} in
     * {@code [−1, 1]}, {@code out [n, C]}.
     */
    void resamplePositions(Tensor out, Tensor table, Tensor points, int tableHeight, int tableWidth);

    /** One token id per logits row: {@code logits [R, V]}, {@code ids} I32 {@code [R]}; see {@link SamplingSpec}. */
    void sample(Tensor ids, Tensor logits, SamplingSpec spec);

    /**
     * {@code dst[at[0] + r, :] = src[r, :]} for every row r of src: {@code at} is an I32 {@code [1]} tensor on this
     * backend's device, read when the op runs (the KV-cache append of a decode step whose position is device data).
     * dst and src have one dtype and width and do not overlap; an index that puts a row outside dst writes nothing
     * and fails (device backends report it at the next {@link #synchronize()}).
     */
    void copyRowsAt(Tensor dst, Tensor src, Tensor at);

    /** Dtype cast between F32, BF16 and F16 (round to nearest even), or I32/I64 to F32; same shape. */
    void convert(Tensor out, Tensor x);

    /**
     * Step capture and replay (CUDA graphs), where this backend offers it; empty for backends that run ops as they
     * are called. Asked up front: a step that runs either way calls the same ops.
     */
    default Optional<StepGraphs> stepGraphs() { return Optional.empty(); }

    /** Waits until every op issued so far has finished (a no-op for synchronous backends). */
    void synchronize();

    /** Releases the backend's own resources (pools, handles, caches). Tensors it allocated stay owned by their arenas. */
    @Override void close();
}
