// Rotary position embedding, both pairings, partial rotary: glmk_rope_{f32,bf16,f16} (glmk.h, glmk_rope_args).
//
// Algorithm: for token t, head h and pair j < rotary_dims/2 with angle tables cos[t, j], sin[t, j]:
//   interleaved: (a, b) = (x[2j], x[2j+1]);  half-split: (a, b) = (x[j], x[j + rotary_dims/2]);
//   a' = a·cos − b·sin, b' = b·cos + a·sin, each product and the sum rounded separately in f32 (no FMA
//   contraction, so the result matches JvmBackend.rope bit for bit before the final rounding to qk's dtype).
//   Dims ≥ rotary_dims are not touched. M-RoPE's temporal/height/width sections are already resolved in the
//   tables (column j holds the angle of its section's position), so the kernel needs no section map.
// Mapping: one block of GLMK_ROPE_THREADS threads per token; threads stride over the heads × pairs of that token.
// Layout: qk [tokens, heads, head_dim] with token and head strides (q/k column views of a fused qkv row work as
// they are); cos/sin rows of rotary_dims/2 at any row stride, any floating dtype.
// Accumulation: f32.
#include "common.cuh"

namespace glmk::rope {

template <typename T>
__device__ void run(const glmk_rope_args& a) {
    if (bad_block(a.status, GLMK_ROPE_THREADS)) return;
    if (!is_floating(a.cos_dtype) || !is_floating(a.sin_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (a.rotary_dims <= 0 || (a.rotary_dims & 1) != 0) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int64_t t = blockIdx.x;
    const int half = a.rotary_dims / 2;
    const void* cs = row_any(a.cos, a.cos_dtype, a.cos_stride, t);
    const void* sn = row_any(a.sin, a.sin_dtype, a.sin_stride, t);
    T* tok = static_cast<T*>(a.qk) + t * a.token_stride;
    const int items = a.heads * half;
    for (int item = threadIdx.x; item < items; item += blockDim.x) {
        const int h = item / half, j = item - h * half;
        T* v = tok + h * a.head_stride;
        const int ia = a.interleaved ? 2 * j : j;
        const int ib = a.interleaved ? 2 * j + 1 : j + half;
        const float c = load_any(cs, a.cos_dtype, j), s = load_any(sn, a.sin_dtype, j);
        const float x0 = load<T>(v, ia), x1 = load<T>(v, ib);
        store<T>(v, ia, __fsub_rn(__fmul_rn(x0, c), __fmul_rn(x1, s)));
        store<T>(v, ib, __fadd_rn(__fmul_rn(x1, c), __fmul_rn(x0, s)));
    }
}

}  // namespace glmk::rope

GLMK_EXPORT(GLMK_ROPE_THREADS, glmk_rope_f32, glmk_rope_args, glmk::rope::run<float>(a))
GLMK_EXPORT(GLMK_ROPE_THREADS, glmk_rope_bf16, glmk_rope_args, glmk::rope::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_ROPE_THREADS, glmk_rope_f16, glmk_rope_args, glmk::rope::run<glmk::f16>(a))
