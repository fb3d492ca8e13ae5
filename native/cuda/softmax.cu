// Row softmax: glmk_softmax_{f32,bf16,f16} (glmk.h, glmk_softmax_args).
//
// Algorithm: two passes per row. Pass 1 keeps a per-thread running (max, Σe^(x−max)) pair, rescaling the sum
// when the max grows (online softmax), then merges the pairs over the block; pass 2 writes e^(x−max)/Σ. A row
// whose max is −∞ (all masked) is written as zeros, like the Java reference. NaN inputs are skipped by the max.
// Mapping: one block of GLMK_ROW_THREADS threads per row, threads striding over the columns (vocab-sized rows
// take ~600 elements per thread).
// Layout: rows at any stride, last dim contiguous; out may alias x.
// Accumulation: f32 with expf (accurate libdevice version).
#include "common.cuh"

namespace glmk::softmax {

template <typename T>
__device__ void run(const glmk_softmax_args& a) {
    if (bad_block(a.status, GLMK_ROW_THREADS)) return;
    if (!is_floating(a.x_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    __shared__ float scratch[32];
    const int64_t r = blockIdx.x;
    const void* x = row_any(a.x, a.x_dtype, a.x_stride, r);
    T* out = row<T>(a.out, a.out_stride, r);

    float m = -INFINITY, s = 0.f;
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
        const float v = load_any(x, a.x_dtype, c);
        if (v > m) {
            s = s * expf(m - v) + 1.f;   // expf(−∞) = 0 on the first finite value
            m = v;
        } else if (v > -INFINITY) {
            s += expf(v - m);
        }
    }
    const float row_max = block_max(m, scratch);
    const float mine = m == -INFINITY ? 0.f : s * expf(m - row_max);
    const float total = block_sum(mine, scratch);
    if (row_max == -INFINITY) {
        for (int c = threadIdx.x; c < a.cols; c += blockDim.x) store<T>(out, c, 0.f);
        return;
    }
    const float inv = 1.f / total;
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x)
        store<T>(out, c, expf(load_any(x, a.x_dtype, c) - row_max) * inv);
}

}  // namespace glmk::softmax

GLMK_EXPORT(GLMK_ROW_THREADS, glmk_softmax_f32, glmk_softmax_args, glmk::softmax::run<float>(a))
GLMK_EXPORT(GLMK_ROW_THREADS, glmk_softmax_bf16, glmk_softmax_args, glmk::softmax::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_ROW_THREADS, glmk_softmax_f16, glmk_softmax_args, glmk::softmax::run<glmk::f16>(a))
