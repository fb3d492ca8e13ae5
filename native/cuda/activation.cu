// Activations: glmk_swiglu_{f32,bf16,f16} and glmk_unary_{f32,bf16,f16} (glmk.h).
//
// Algorithm: swiglu out[r, c] = silu(g) · u with g = gate_up[r, c], u = gate_up[r, cols + c] (the fused gate_up
// GEMM output, gate first as in HF's chunk); unary GELU is the exact erf form, written 0.5·x·erfc(−x/√2) (the
// same function without the cancellation of 1 + erf(x) for negative x), SiLU is x/(1 + e^−x), NEG is −x.
// All in f32 with the accurate libdevice expf/erfcf (a few ulp from the f64 Java reference), one rounding to out.
// Mapping (all element-wise kernels here): grid (rows, ⌈cols/GLMK_EW_COLS_PER_BLOCK⌉), GLMK_EW_THREADS threads;
// block (r, y) handles columns [1024·y, 1024·y + 1024) of row r, thread i columns 1024·y + i + 256·k (k < 4),
// so consecutive threads touch consecutive elements (coalesced).
// Layout: rows at any stride, last dim contiguous; out may alias x for unary (same element, same thread).
// Accumulation: f32.
#include "common.cuh"

namespace glmk::activation {

__device__ __forceinline__ float silu(float x) { return x / (1.0f + expf(-x)); }

__device__ __forceinline__ float gelu(float x) { return 0.5f * x * erfcf(-x * 0.70710678118654752f); }

template <typename T>
__device__ void swiglu(const glmk_swiglu_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.gate_up_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    const int64_t r = blockIdx.x;
    const void* gu = row_any(a.gate_up, a.gate_up_dtype, a.gate_up_stride, r);
    T* out = row<T>(a.out, a.out_stride, r);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c < a.cols)
            store<T>(out, c, silu(load_any(gu, a.gate_up_dtype, c)) * load_any(gu, a.gate_up_dtype, a.cols + c));
    }
}

template <typename T>
__device__ void unary(const glmk_unary_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.x_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (a.fn < GLMK_UNARY_GELU || a.fn > GLMK_UNARY_NEG) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int64_t r = blockIdx.x;
    const void* x = row_any(a.x, a.x_dtype, a.x_stride, r);
    T* out = row<T>(a.out, a.out_stride, r);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c >= a.cols) break;
        const float v = load_any(x, a.x_dtype, c);
        store<T>(out, c, a.fn == GLMK_UNARY_GELU ? gelu(v) : a.fn == GLMK_UNARY_SILU ? silu(v) : -v);
    }
}

}  // namespace glmk::activation

GLMK_EXPORT(GLMK_EW_THREADS, glmk_swiglu_f32, glmk_swiglu_args, glmk::activation::swiglu<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_swiglu_bf16, glmk_swiglu_args, glmk::activation::swiglu<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_swiglu_f16, glmk_swiglu_args, glmk::activation::swiglu<glmk::f16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_unary_f32, glmk_unary_args, glmk::activation::unary<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_unary_bf16, glmk_unary_args, glmk::activation::unary<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_unary_f16, glmk_unary_args, glmk::activation::unary<glmk::f16>(a))
