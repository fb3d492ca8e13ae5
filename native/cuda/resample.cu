// Bicubic position-table resample: glmk_resample_{f32,bf16,f16} (glmk.h, glmk_resample_args).
//
// Algorithm: PyTorch grid_sample, mode bicubic, align_corners=False, padding border (docs/glm4v-model.md §3.4):
//   ix = ((nx + 1)·W − 1)/2, iy likewise; x0 = ⌊ix⌋, tx = ix − x0; tap weights with A = −0.75 for offsets
//   −1, 0, +1, +2: [K2(t+1), K1(t), K1(1−t), K2(2−t)]; every tap index clamped to the table independently;
//   rows of 4 x-taps first, then the 4 rows along y. Every product and sum is rounded separately in f32 in the
//   order of JvmBackend.resamplePositions (no FMA contraction), so the floor decisions and values match it.
// Mapping: one block of GLMK_RESAMPLE_THREADS threads per point; every thread computes the (cheap) weights and
// clamped taps, then threads stride over the channels (16 table reads per channel, coalesced across threads).
// Layout: table [H·W, channels] rows at any stride (any floating dtype), points f32 [count, 2] (x, y) at any row
// stride, out [count, channels].
// Accumulation: f32.
#include "common.cuh"

namespace glmk::resample {

__device__ __forceinline__ float cubic1(float x, float a) {     // ((a + 2)·x − (a + 3))·x·x + 1
    return __fadd_rn(__fmul_rn(__fmul_rn(__fsub_rn(__fmul_rn(a + 2.f, x), a + 3.f), x), x), 1.f);
}

__device__ __forceinline__ float cubic2(float x, float a) {     // ((a·x − 5a)·x + 8a)·x − 4a
    return __fsub_rn(__fmul_rn(__fadd_rn(__fmul_rn(__fsub_rn(__fmul_rn(a, x), 5.f * a), x), 8.f * a), x), 4.f * a);
}

__device__ __forceinline__ void weights(float t, float w[4]) {
    const float a = -0.75f;
    w[0] = cubic2(__fadd_rn(t, 1.f), a);
    w[1] = cubic1(t, a);
    w[2] = cubic1(__fsub_rn(1.f, t), a);
    w[3] = cubic2(__fsub_rn(2.f, t), a);
}

/** ((n + 1)·size − 1)/2 with each operation rounded, as the Java reference evaluates it. */
__device__ __forceinline__ float unnormalize(float n, int size) {
    return __fdiv_rn(__fsub_rn(__fmul_rn(__fadd_rn(n, 1.f), static_cast<float>(size)), 1.f), 2.f);
}

template <typename T>
__device__ void run(const glmk_resample_args& a) {
    if (bad_block(a.status, GLMK_RESAMPLE_THREADS)) return;
    if (!is_floating(a.table_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (a.table_height < 1 || a.table_width < 1) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int64_t p = blockIdx.x;
    const float* pt = a.points + p * a.points_stride;
    const float ix = unnormalize(pt[0], a.table_width), iy = unnormalize(pt[1], a.table_height);
    const float x0 = floorf(ix), y0 = floorf(iy);
    float wx[4], wy[4];
    weights(__fsub_rn(ix, x0), wx);
    weights(__fsub_rn(iy, y0), wy);
    int64_t tap[4][4];   // table row of tap (m, k)
#pragma unroll
    for (int m = 0; m < 4; m++) {
        const int64_t gy = min(max(static_cast<int64_t>(y0) - 1 + m, int64_t(0)), int64_t(a.table_height - 1));
#pragma unroll
        for (int k = 0; k < 4; k++) {
            const int64_t gx = min(max(static_cast<int64_t>(x0) - 1 + k, int64_t(0)), int64_t(a.table_width - 1));
            tap[m][k] = (gy * a.table_width + gx) * a.table_stride;
        }
    }
    T* out = row<T>(a.out, a.out_stride, p);
    for (int c = threadIdx.x; c < a.channels; c += blockDim.x) {
        float acc = 0.f;
#pragma unroll
        for (int m = 0; m < 4; m++) {
            float v = __fmul_rn(load_any(a.table, a.table_dtype, tap[m][0] + c), wx[0]);
#pragma unroll
            for (int k = 1; k < 4; k++)
                v = __fadd_rn(v, __fmul_rn(load_any(a.table, a.table_dtype, tap[m][k] + c), wx[k]));
            acc = m == 0 ? __fmul_rn(v, wy[0]) : __fadd_rn(acc, __fmul_rn(v, wy[m]));
        }
        store<T>(out, c, acc);
    }
}

}  // namespace glmk::resample

GLMK_EXPORT(GLMK_RESAMPLE_THREADS, glmk_resample_f32, glmk_resample_args, glmk::resample::run<float>(a))
GLMK_EXPORT(GLMK_RESAMPLE_THREADS, glmk_resample_bf16, glmk_resample_args, glmk::resample::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_RESAMPLE_THREADS, glmk_resample_f16, glmk_resample_args, glmk::resample::run<glmk::f16>(a))
