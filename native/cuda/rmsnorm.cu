// RMSNorm with an optional fused residual add: glmk_rmsnorm_{f32,bf16,f16} (glmk.h, glmk_rmsnorm_args).
//
// Algorithm: per row, s = x or s = round_sum(x + residual) (stored to sum_out when given); r = 1/√(mean(s²) + eps);
// out = round(w ⊙ round(s·r)) — the inner rounding is the reference's cast of the normalised value to the
// activation dtype before the weight product (JvmBackend.rmsNorm).
// Mapping: one block of GLMK_ROW_THREADS threads per row; threads stride over the columns (coalesced), pass 1
// accumulates Σs² per thread and reduces over the block, pass 2 re-reads the row (L1/L2-resident) and writes.
// Layout: rows of `cols` contiguous elements at any row stride; weight [cols]. In-place safety: every element is
// read and written by the same thread, and pass 2 reads the stored sum (not x) when sum_out is given.
// Accumulation: f32 (sum of squares per thread, then a warp-shuffle/shared-memory tree).
#include "common.cuh"

namespace glmk::rmsnorm {

template <typename T>
__device__ void run(const glmk_rmsnorm_args& a) {
    if (bad_block(a.status, GLMK_ROW_THREADS)) return;
    if (!is_floating(a.x_dtype) || !is_floating(a.weight_dtype)
            || (a.residual != nullptr && (!is_floating(a.residual_dtype) || !is_floating(a.sum_dtype)))) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    __shared__ float scratch[32];
    const int64_t r = blockIdx.x;
    const void* x = row_any(a.x, a.x_dtype, a.x_stride, r);
    const void* res = a.residual == nullptr ? nullptr : row_any(a.residual, a.residual_dtype, a.residual_stride, r);
    void* sum = a.sum_out == nullptr ? nullptr
            : const_cast<void*>(row_any(a.sum_out, a.sum_dtype, a.sum_stride, r));
    T* out = row<T>(a.out, a.out_stride, r);

    float ss = 0.f;
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
        float s = load_any(x, a.x_dtype, c);
        if (res != nullptr) {
            s = round_any(s + load_any(res, a.residual_dtype, c), a.sum_dtype);
            if (sum != nullptr) store_any(sum, a.sum_dtype, c, s);
        }
        ss += s * s;
    }
    ss = block_sum(ss, scratch);
    const float inv = static_cast<float>(1.0 / sqrt(static_cast<double>(ss / static_cast<float>(a.cols) + a.eps)));
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
        float s;
        if (sum != nullptr) s = load_any(sum, a.sum_dtype, c);
        else if (res != nullptr)
            s = round_any(load_any(x, a.x_dtype, c) + load_any(res, a.residual_dtype, c), a.sum_dtype);
        else s = load_any(x, a.x_dtype, c);
        store<T>(out, c, load_any(a.weight, a.weight_dtype, c) * round_to<T>(s * inv));
    }
}

}  // namespace glmk::rmsnorm

GLMK_EXPORT(GLMK_ROW_THREADS, glmk_rmsnorm_f32, glmk_rmsnorm_args, glmk::rmsnorm::run<float>(a))
GLMK_EXPORT(GLMK_ROW_THREADS, glmk_rmsnorm_bf16, glmk_rmsnorm_args, glmk::rmsnorm::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_ROW_THREADS, glmk_rmsnorm_f16, glmk_rmsnorm_args, glmk::rmsnorm::run<glmk::f16>(a))
