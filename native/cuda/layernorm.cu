// LayerNorm: glmk_layernorm_{f32,bf16,f16} (glmk.h, glmk_layernorm_args).
//
// Algorithm: per row, mean = Σx/n, var = Σ(x − mean)²/n (two passes, biased), out = (x − mean)·r·w + b with
// r = 1/√(var + eps) computed in f64 and rounded to f32 (as JvmBackend.layerNorm); one rounding to out's dtype.
// Mapping: one block of GLMK_ROW_THREADS threads per row, threads striding over the columns; three passes over
// the row (the later ones hit L1/L2), each followed by a block reduction.
// Layout: rows of `cols` contiguous elements at any row stride; weight and bias [cols]; out may alias x.
// Accumulation: f32.
#include "common.cuh"

namespace glmk::layernorm {

template <typename T>
__device__ void run(const glmk_layernorm_args& a) {
    if (bad_block(a.status, GLMK_ROW_THREADS)) return;
    if (!is_floating(a.x_dtype) || !is_floating(a.weight_dtype) || !is_floating(a.bias_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    __shared__ float scratch[32];
    const int64_t r = blockIdx.x;
    const void* x = row_any(a.x, a.x_dtype, a.x_stride, r);
    T* out = row<T>(a.out, a.out_stride, r);
    const float n = static_cast<float>(a.cols);

    float s = 0.f;
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) s += load_any(x, a.x_dtype, c);
    const float mean = block_sum(s, scratch) / n;
    float v = 0.f;
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
        float d = load_any(x, a.x_dtype, c) - mean;
        v += d * d;
    }
    const float var = block_sum(v, scratch);
    const float inv = static_cast<float>(1.0 / sqrt(static_cast<double>(var / n + a.eps)));
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
        float y = (load_any(x, a.x_dtype, c) - mean) * inv * load_any(a.weight, a.weight_dtype, c)
                + load_any(a.bias, a.bias_dtype, c);
        store<T>(out, c, y);
    }
}

}  // namespace glmk::layernorm

GLMK_EXPORT(GLMK_ROW_THREADS, glmk_layernorm_f32, glmk_layernorm_args, glmk::layernorm::run<float>(a))
GLMK_EXPORT(GLMK_ROW_THREADS, glmk_layernorm_bf16, glmk_layernorm_args, glmk::layernorm::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_ROW_THREADS, glmk_layernorm_f16, glmk_layernorm_args, glmk::layernorm::run<glmk::f16>(a))
