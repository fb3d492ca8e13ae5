// Binary element-wise ops and the bias add: glmk_binary_{f32,bf16,f16}, glmk_bias_add_{f32,bf16,f16} (glmk.h).
//
// Algorithm: out = a + b or a · b in f32, one rounding to out's dtype; bias add is x[r, c] += bias[c] in place.
// Row broadcast is a zero b stride (b's one row is re-read for every row; it stays in L1/L2).
// Mapping (all element-wise kernels here): grid (rows, ⌈cols/GLMK_EW_COLS_PER_BLOCK⌉), GLMK_EW_THREADS threads;
// block (r, y) handles columns [1024·y, 1024·y + 1024) of row r, thread i columns 1024·y + i + 256·k (k < 4),
// so consecutive threads touch consecutive elements (coalesced).
// Layout: rows at any stride, last dim contiguous; out may alias a or b (same element, same thread).
// Accumulation: f32.
#include "common.cuh"

namespace glmk::elementwise {

template <typename T>
__device__ void binary(const glmk_binary_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.a_dtype) || !is_floating(a.b_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (a.fn != GLMK_BINARY_ADD && a.fn != GLMK_BINARY_MUL) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int64_t r = blockIdx.x;
    const void* x = row_any(a.a, a.a_dtype, a.a_stride, r);
    const void* y = row_any(a.b, a.b_dtype, a.b_stride, r);
    T* out = row<T>(a.out, a.out_stride, r);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c >= a.cols) break;
        const float u = load_any(x, a.a_dtype, c), w = load_any(y, a.b_dtype, c);
        store<T>(out, c, a.fn == GLMK_BINARY_ADD ? u + w : u * w);
    }
}

template <typename T>
__device__ void bias_add(const glmk_bias_add_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.bias_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    T* x = row<T>(a.x, a.x_stride, blockIdx.x);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c < a.cols) store<T>(x, c, load<T>(x, c) + load_any(a.bias, a.bias_dtype, c));
    }
}

}  // namespace glmk::elementwise

GLMK_EXPORT(GLMK_EW_THREADS, glmk_binary_f32, glmk_binary_args, glmk::elementwise::binary<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_binary_bf16, glmk_binary_args, glmk::elementwise::binary<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_binary_f16, glmk_binary_args, glmk::elementwise::binary<glmk::f16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_bias_add_f32, glmk_bias_add_args, glmk::elementwise::bias_add<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_bias_add_bf16, glmk_bias_add_args, glmk::elementwise::bias_add<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_bias_add_f16, glmk_bias_add_args, glmk::elementwise::bias_add<glmk::f16>(a))
