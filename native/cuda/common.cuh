// Shared device helpers of the glmk kernels: element loads/stores with the project's exact rounding, runtime-dtype
// loads, status reporting, and warp/block reductions. Included by every kernel file; the fatbin is built from one
// translation unit that includes them all, so everything here is header-only.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#include <climits>

#include "glmk.h"

namespace glmk {

// ---------------------------------------------------------------------------------------------- storage types

/** bf16 and f16 are carried as raw 16-bit patterns so every conversion goes through the functions below. */
struct bf16 { uint16_t bits; };
struct f16 { uint16_t bits; };

__device__ __forceinline__ float bf16_to_f32(uint16_t b) { return __uint_as_float(static_cast<uint32_t>(b) << 16); }

/** f32 → bf16, round to nearest even; NaN keeps its sign and top payload bits and is quieted (as DType.f32ToBf16). */
__device__ __forceinline__ uint16_t f32_to_bf16(float f) {
    uint32_t u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x0040u);
    return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

__device__ __forceinline__ float f16_to_f32(uint16_t h) { return __half2float(__ushort_as_half(h)); }

/** f32 → f16, round to nearest even with subnormals; NaN maps like Java's Float.floatToFloat16. */
__device__ __forceinline__ uint16_t f32_to_f16(float f) {
    uint32_t u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return static_cast<uint16_t>(((u >> 16) & 0x8000u) | 0x7c00u | ((u & 0x007fe000u) >> 13)
                | ((u & 0x00001ff0u) >> 4) | (u & 0x0000000fu));
    return __half_as_ushort(__float2half_rn(f));
}

// Typed access: T is float, bf16 or f16.
template <typename T> struct Dtype;
template <> struct Dtype<float> {
    static constexpr int code = GLMK_F32;
    __device__ __forceinline__ static float load(const float* p, int64_t i) { return p[i]; }
    __device__ __forceinline__ static void store(float* p, int64_t i, float v) { p[i] = v; }
    __device__ __forceinline__ static float round(float v) { return v; }
};
template <> struct Dtype<bf16> {
    static constexpr int code = GLMK_BF16;
    __device__ __forceinline__ static float load(const bf16* p, int64_t i) { return bf16_to_f32(p[i].bits); }
    __device__ __forceinline__ static void store(bf16* p, int64_t i, float v) { p[i].bits = f32_to_bf16(v); }
    __device__ __forceinline__ static float round(float v) { return bf16_to_f32(f32_to_bf16(v)); }
};
template <> struct Dtype<f16> {
    static constexpr int code = GLMK_F16;
    __device__ __forceinline__ static float load(const f16* p, int64_t i) { return f16_to_f32(p[i].bits); }
    __device__ __forceinline__ static void store(f16* p, int64_t i, float v) { p[i].bits = f32_to_f16(v); }
    __device__ __forceinline__ static float round(float v) { return f16_to_f32(f32_to_f16(v)); }
};

template <typename T> __device__ __forceinline__ float load(const T* p, int64_t i) { return Dtype<T>::load(p, i); }
template <typename T> __device__ __forceinline__ void store(T* p, int64_t i, float v) { Dtype<T>::store(p, i, v); }
template <typename T> __device__ __forceinline__ float round_to(float v) { return Dtype<T>::round(v); }

// ------------------------------------------------------------------------------------------ runtime dtypes

__device__ __forceinline__ bool is_floating(int dtype) {
    return dtype == GLMK_F32 || dtype == GLMK_BF16 || dtype == GLMK_F16;
}

/** Element i of a floating or integer operand whose dtype is known only at run time, widened to f32. */
__device__ __forceinline__ float load_any(const void* p, int dtype, int64_t i) {
    switch (dtype) {
        case GLMK_F32: return static_cast<const float*>(p)[i];
        case GLMK_BF16: return bf16_to_f32(static_cast<const uint16_t*>(p)[i]);
        case GLMK_F16: return f16_to_f32(static_cast<const uint16_t*>(p)[i]);
        case GLMK_I32: return static_cast<float>(static_cast<const int32_t*>(p)[i]);
        default: return static_cast<float>(static_cast<const int64_t*>(p)[i]);
    }
}

__device__ __forceinline__ void store_any(void* p, int dtype, int64_t i, float v) {
    switch (dtype) {
        case GLMK_F32: static_cast<float*>(p)[i] = v; break;
        case GLMK_BF16: static_cast<uint16_t*>(p)[i] = f32_to_bf16(v); break;
        default: static_cast<uint16_t*>(p)[i] = f32_to_f16(v); break;
    }
}

__device__ __forceinline__ float round_any(float v, int dtype) {
    switch (dtype) {
        case GLMK_BF16: return bf16_to_f32(f32_to_bf16(v));
        case GLMK_F16: return f16_to_f32(f32_to_f16(v));
        default: return v;
    }
}

template <typename T> __device__ __forceinline__ T* row(void* base, int64_t stride, int64_t r) {
    return static_cast<T*>(base) + r * stride;
}
template <typename T> __device__ __forceinline__ const T* row(const void* base, int64_t stride, int64_t r) {
    return static_cast<const T*>(base) + r * stride;
}

/** Address of element (r, 0) of a runtime-dtype operand. */
__device__ __forceinline__ const void* row_any(const void* base, int dtype, int64_t stride, int64_t r) {
    int size = dtype == GLMK_F32 || dtype == GLMK_I32 ? 4 : dtype == GLMK_I64 ? 8 : 2;
    return static_cast<const char*>(base) + r * stride * size;
}

// ---------------------------------------------------------------------------------------------------- status

/** Records the first error of a launch sequence in the caller's status word (ignored when it is NULL). */
__device__ __forceinline__ void report(int32_t* status, int code) {
    if (status != nullptr) atomicCAS(status, 0, code);
}

/** True (and reports GLMK_ERR_LAUNCH once per block) when the block is not `threads` wide and one-dimensional. */
__device__ __forceinline__ bool bad_block(int32_t* status, unsigned threads) {
    if (blockDim.x == threads && blockDim.y == 1 && blockDim.z == 1) return false;
    if (threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0) report(status, GLMK_ERR_LAUNCH);
    return true;
}

/** Reports `code` from thread 0 of the block; returns true so callers can write `if (bad) return fail(...)`. */
__device__ __forceinline__ bool fail(int32_t* status, int code) {
    if (threadIdx.x == 0) report(status, code);
    return true;
}

// ------------------------------------------------------------------------------------------------ reductions

constexpr unsigned FULL_MASK = 0xffffffffu;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, o));
    return v;
}

/**
 * Sum over the block (blockDim.x a multiple of 32, ≤ 1024); every thread gets the result. `scratch` holds 32
 * values and may be reused right after the call returns.
 */
template <typename V>
__device__ __forceinline__ V block_sum(V v, V* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    V t = lane < warps ? scratch[lane] : V(0);
    return warp_sum(t);
}

/** Maximum over the block; same contract as block_sum. NaN inputs are ignored by fmaxf. */
__device__ __forceinline__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float t = lane < warps ? scratch[lane] : -INFINITY;
    return warp_max(t);
}

}  // namespace glmk

/** Defines the exported kernel `name` (declared in glmk.h) as `call`, with its argument struct named `a`. */
#define GLMK_EXPORT(threads, name, Args, call) \
    extern "C" __global__ void __launch_bounds__(threads) name(Args a) { call; }
