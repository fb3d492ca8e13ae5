// Window permute for the channels-last conv: glmk_window_permute_{f32,bf16,f16} (glmk.h, glmk_window_permute_args).
//
// Algorithm: x holds each window's positions as consecutive rows, [windows·positions, channels]; out holds one
// window per row in the conv weight's (channel, position) order, [windows, channels·positions]:
//     out[m, c·positions + k] = x[m·positions + k, c]
// so a GEMM against the weight viewed as [out, channels·positions] computes the conv (the 2×2 spatial merge).
// Mapping: the element-wise launch over (windows, channels·positions): grid (windows, ⌈cols/GLMK_EW_COLS_PER_BLOCK⌉),
// GLMK_EW_THREADS threads; thread i of block (m, y) writes columns 1024·y + i + 256·j (j < 4) of window m, so
// writes are coalesced; reads gather from the window's `positions` rows (each row's channels read in order across
// the threads that share a position).
// Layout: x rows at any stride (elements), last dim contiguous; out rows at any stride; out must not alias x.
// Accumulation: none; x (any of F32/BF16/F16, runtime code) is widened to f32 and rounded once to out's dtype,
// so equal dtypes copy exactly.
#include "common.cuh"

namespace glmk::permute {

template <typename T>
__device__ void run(const glmk_window_permute_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.x_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (a.positions < 1 || a.channels < 1 || a.windows < 0) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int64_t m = blockIdx.x;
    const int cols = a.channels * a.positions;
    T* out = row<T>(a.out, a.out_stride, m);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int j = 0; j < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; j++) {
        const int col = base + j * GLMK_EW_THREADS;
        if (col >= cols) continue;
        const int c = col / a.positions, k = col - c * a.positions;
        const void* x = row_any(a.x, a.x_dtype, a.x_stride, m * a.positions + k);
        store<T>(out, col, load_any(x, a.x_dtype, c));
    }
}

}  // namespace glmk::permute

GLMK_EXPORT(GLMK_EW_THREADS, glmk_window_permute_f32, glmk_window_permute_args, glmk::permute::run<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_window_permute_bf16, glmk_window_permute_args, glmk::permute::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_window_permute_f16, glmk_window_permute_args, glmk::permute::run<glmk::f16>(a))
