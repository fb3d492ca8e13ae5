// Dtype conversion: glmk_convert_{f32,bf16,f16} (glmk.h, glmk_convert_args).
//
// Algorithm: out = x widened to f32 and rounded once to out's dtype, round to nearest even (bf16 by integer
// rounding of the f32 bits, f16 by the hardware cvt.rn; NaN payloads as Java's DType/Float conversions). I32 and
// I64 inputs convert like Java's (float) cast (round to nearest even).
// Mapping (all element-wise kernels here): grid (rows, ⌈cols/GLMK_EW_COLS_PER_BLOCK⌉), GLMK_EW_THREADS threads;
// block (r, y) handles columns [1024·y, 1024·y + 1024) of row r, thread i columns 1024·y + i + 256·k (k < 4),
// so consecutive threads touch consecutive elements (coalesced).
// Layout: rows at any stride, last dim contiguous; out may alias x only when both have the same element size.
// Accumulation: none (one conversion per element).
#include "common.cuh"

namespace glmk::convert {

template <typename T>
__device__ void run(const glmk_convert_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.x_dtype) && a.x_dtype != GLMK_I32 && a.x_dtype != GLMK_I64) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    const int64_t r = blockIdx.x;
    const void* x = row_any(a.x, a.x_dtype, a.x_stride, r);
    T* out = row<T>(a.out, a.out_stride, r);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c < a.cols) store<T>(out, c, load_any(x, a.x_dtype, c));
    }
}

}  // namespace glmk::convert

GLMK_EXPORT(GLMK_EW_THREADS, glmk_convert_f32, glmk_convert_args, glmk::convert::run<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_convert_bf16, glmk_convert_args, glmk::convert::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_convert_f16, glmk_convert_args, glmk::convert::run<glmk::f16>(a))
