// Row copy at a device-held index: glmk_copy_rows_at_{f32,bf16,f16} (glmk.h, glmk_copy_rows_at_args).
//
// Algorithm: dst[*at + r, :] = src[r, :]. The destination row is read from device memory when the kernel runs,
// not baked into the launch, so a decode step captured once in a CUDA graph appends its keys and values at the
// cache position the host writes before each replay. An index that would put a row outside dst writes nothing
// and reports GLMK_ERR_INDEX (every block checks; block (0, 0) reports).
// Mapping: grid (rows, ⌈cols/GLMK_EW_COLS_PER_BLOCK⌉), GLMK_EW_THREADS threads, as the element-wise kernels:
// block (r, y) copies columns [1024·y, 1024·y + 1024) of row r, thread t columns 1024·y + t + 256·k (k < 4).
// Layout: rows of dst and src at any stride, last dim contiguous, one dtype (the suffix); no overlap.
// Accumulation: none (a bit copy).
#include "common.cuh"

namespace glmk::rows {

template <typename T>
__device__ void run(const glmk_copy_rows_at_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (a.at == nullptr || a.rows < 0 || a.cols < 0 || a.dst_rows < 0) {
        if (blockIdx.x == 0 && blockIdx.y == 0) fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int64_t at = *a.at;
    if (at < 0 || at + a.rows > a.dst_rows) {
        if (blockIdx.x == 0 && blockIdx.y == 0) fail(a.status, GLMK_ERR_INDEX);
        return;
    }
    const int64_t r = blockIdx.x;
    const T* src = row<T>(a.src, a.src_stride, r);
    T* dst = row<T>(a.dst, a.dst_stride, at + r);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c < a.cols) dst[c] = src[c];
    }
}

}  // namespace glmk::rows

GLMK_EXPORT(GLMK_EW_THREADS, glmk_copy_rows_at_f32, glmk_copy_rows_at_args, glmk::rows::run<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_copy_rows_at_bf16, glmk_copy_rows_at_args, glmk::rows::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_copy_rows_at_f16, glmk_copy_rows_at_args, glmk::rows::run<glmk::f16>(a))
