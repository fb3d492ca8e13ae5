// Flash-style prefill attention on tensor cores: glmk_attention_prefill_{bf16,f16} (glmk.h, glmk_attention_args).
//
// Algorithm: FlashAttention-2 forward. A block takes 64 query rows of one query head; each of its 4 warps owns 16
// rows and keeps their Q fragments in registers for the whole key loop. Keys and values stream through shared
// memory in tiles of 64 (cp.async, two stages, the next tile loading while this one is computed). Per tile:
// S = Q·Kᵀ with mma.sync m16n8k16 (16-bit inputs, f32 accumulation), scaled by scale·log2 e; masked keys
// (causal with query offset, segments, the key count) score −∞; online softmax keeps per row a running max m
// and sum l, rescales the output accumulator by 2^(m_old − m_new); P = 2^(S − m) is rounded to the input dtype
// and multiplied with V by mma.sync (the S accumulator layout is the A operand layout, so P never leaves
// registers); l sums the rounded P, so the output is a convex combination of V rows. Finally out = acc / l.
// Tiles wholly visible to every row of the block skip the mask arithmetic; tiles wholly outside the block's key
// range (causal future, other segments) are never loaded.
// Mapping: GLMK_ATTN_THREADS = 128 threads, grid (⌈q_len/64⌉, q_heads); query head h reads kv head
// h / (q_heads/kv_heads). Lane roles follow the PTX fragment layouts: g = lane/4 picks rows g and g+8 of the
// warp's 16, t = lane%4 picks column pairs 2t, 2t+1. K fragments come from ldmatrix, V fragments from
// ldmatrix.trans (V is stored row-major as loaded).
// Layout: head_dim == 128; q, k, v rows 16-byte aligned (pointers and token/head strides multiples of 8
// elements), out any floating dtype at any strides. Shared memory: 2 stages × (K, V) × 64 rows × 136 elements
// (8 elements of padding per row so the 8 rows of each ldmatrix phase fall in distinct banks) = 69632 bytes.
// Accumulation: f32 (S, m, l and the output accumulator); P rounded to bf16/f16 for the second product.
#include "common.cuh"

namespace glmk::prefill {

constexpr int THREADS = GLMK_ATTN_THREADS;
constexpr int D = GLMK_ATTN_PREFILL_HEAD_DIM;
constexpr int BQ = GLMK_ATTN_PREFILL_ROWS;
constexpr int BK = 64;
constexpr int STRIDE = D + 8;                       // padded smem row, elements
constexpr int TILE_ELEMS = BK * STRIDE;
constexpr float LOG2E = 1.4426950408889634f;
static_assert(GLMK_ATTN_PREFILL_SHARED_BYTES == 2 * 2 * TILE_ELEMS * 2, "glmk.h and the kernel disagree on smem");
static_assert(BQ == 16 * (THREADS / 32), "16 query rows per warp");

template <typename T> struct Mma;
template <> struct Mma<bf16> {
    __device__ __forceinline__ static void run(float c[4], const uint32_t a[4], uint32_t b0, uint32_t b1) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                     "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    }
    /** Two f32 values rounded to the input dtype and packed (low half = first); also returns the rounded values. */
    __device__ __forceinline__ static uint32_t pack(float x, float y, float& rx, float& ry) {
        const uint16_t lo = f32_to_bf16(x), hi = f32_to_bf16(y);
        rx = bf16_to_f32(lo);
        ry = bf16_to_f32(hi);
        return static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16);
    }
};
template <> struct Mma<f16> {
    __device__ __forceinline__ static void run(float c[4], const uint32_t a[4], uint32_t b0, uint32_t b1) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                     "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    }
    __device__ __forceinline__ static uint32_t pack(float x, float y, float& rx, float& ry) {
        const uint16_t lo = f32_to_f16(x), hi = f32_to_f16(y);
        rx = f16_to_f32(lo);
        ry = f16_to_f32(hi);
        return static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16);
    }
};

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
    return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void ldmatrix_x4(uint32_t r[4], uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}

__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t r[4], uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}

/** 16-byte async copy global → shared; src_bytes = 0 writes zeros (rows past the last key). */
__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, int src_bytes) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" :: "r"(dst), "l"(src), "r"(src_bytes) : "memory");
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
template <int N> __device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" :: "n"(N) : "memory");
}

/** Issues the copies of keys [key0, key0 + 64) of one kv head into a K and a V tile. */
template <typename T>
__device__ __forceinline__ void load_tile(uint16_t* ktile, uint16_t* vtile, const T* k, const T* v,
                                          const glmk_attention_args& a, int key0) {
    constexpr int CHUNKS = D / 8;                   // 16-byte chunks per row
    for (int c = threadIdx.x; c < BK * CHUNKS; c += THREADS) {
        const int r = c / CHUNKS, part = c % CHUNKS;
        const int key = key0 + r;
        const bool in = key < a.k_len;
        const T* ks = in ? k + static_cast<int64_t>(key) * a.k_token_stride + part * 8 : k;
        const T* vs = in ? v + static_cast<int64_t>(key) * a.v_token_stride + part * 8 : v;
        cp_async16(smem_addr(ktile + r * STRIDE + part * 8), ks, in ? 16 : 0);
        cp_async16(smem_addr(vtile + r * STRIDE + part * 8), vs, in ? 16 : 0);
    }
}

/** Keys [lo, hi) visible to query row i (rows past q_len see nothing). */
__device__ __forceinline__ void key_range(const glmk_attention_args& a, int i, int& lo, int& hi) {
    lo = 0;
    hi = 0;
    if (i >= a.q_len) return;
    hi = a.k_len;
    if (a.causal) hi = min(hi, a.query_offset + i + 1);
    if (a.segments != nullptr) {
        int s0 = 0, s1 = a.segment_count;
        while (s1 - s0 > 1) {
            const int mid = (s0 + s1) >> 1;
            if (a.segments[mid] <= i) s0 = mid; else s1 = mid;
        }
        lo = max(lo, a.segments[s0]);
        hi = min(hi, a.segments[s0 + 1]);
    }
}

template <typename T>
__device__ void run(const glmk_attention_args& a) {
    if (bad_block(a.status, THREADS)) return;
    if (a.q_dtype != Dtype<T>::code || !is_floating(a.out_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (a.head_dim != D || a.kv_heads < 1 || a.q_heads % a.kv_heads != 0 || a.q_len < 1 || a.k_len < 1
            || a.splits != 1 || (a.segments != nullptr && a.segment_count < 1) || a.position != nullptr) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const uint64_t addr_bits = reinterpret_cast<uint64_t>(a.q) | reinterpret_cast<uint64_t>(a.k)
            | reinterpret_cast<uint64_t>(a.v);
    const int64_t stride_bits = a.q_token_stride | a.q_head_stride | a.k_token_stride | a.k_head_stride
            | a.v_token_stride | a.v_head_stride;
    if ((addr_bits & 15) != 0 || (stride_bits & 7) != 0) {
        fail(a.status, GLMK_ERR_ALIGN);
        return;
    }
    uint32_t smem_bytes;
    asm("mov.u32 %0, %%dynamic_smem_size;" : "=r"(smem_bytes));
    if (smem_bytes < GLMK_ATTN_PREFILL_SHARED_BYTES) {
        fail(a.status, GLMK_ERR_LAUNCH);
        return;
    }
    extern __shared__ __align__(16) uint16_t tiles[];  // [stage][K, V][BK][STRIDE]

    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int h = blockIdx.y, kvh = h / (a.q_heads / a.kv_heads);
    const int q0 = blockIdx.x * BQ;
    const int row_a = q0 + warp * 16 + g, row_b = row_a + 8;

    // Key range of the block: lo and hi are non-decreasing in the row, so the union over its rows is
    // [lo(first), hi(last)), and every row sees [lo(last), hi(first)).
    const int last = min(q0 + BQ, a.q_len) - 1;
    int first_lo, first_hi, last_lo, last_hi;
    key_range(a, q0, first_lo, first_hi);
    key_range(a, last, last_lo, last_hi);
    const int kbeg = first_lo, kend = last_hi;
    int lo_a, hi_a, lo_b, hi_b;
    key_range(a, row_a, lo_a, hi_a);
    key_range(a, row_b, lo_b, hi_b);

    // Q fragments (A operand, row-major 16×16 per k-step): a0 (g, 2t), a1 (g+8, 2t), a2 (g, 2t+8), a3 (g+8, 2t+8).
    uint32_t qf[D / 16][4];
    {
        const T* q = static_cast<const T*>(a.q) + static_cast<int64_t>(h) * a.q_head_stride;
        const uint32_t* qa = row_a < a.q_len
                ? reinterpret_cast<const uint32_t*>(q + static_cast<int64_t>(row_a) * a.q_token_stride) : nullptr;
        const uint32_t* qb = row_b < a.q_len
                ? reinterpret_cast<const uint32_t*>(q + static_cast<int64_t>(row_b) * a.q_token_stride) : nullptr;
#pragma unroll
        for (int ks = 0; ks < D / 16; ks++) {
            const int w0 = (ks * 16 + 2 * t) / 2, w1 = w0 + 4;  // 32-bit word index of columns 2t and 2t+8
            qf[ks][0] = qa ? qa[w0] : 0u;
            qf[ks][1] = qb ? qb[w0] : 0u;
            qf[ks][2] = qa ? qa[w1] : 0u;
            qf[ks][3] = qb ? qb[w1] : 0u;
        }
    }

    float acc[D / 8][4];
#pragma unroll
    for (int n = 0; n < D / 8; n++) acc[n][0] = acc[n][1] = acc[n][2] = acc[n][3] = 0.f;
    float m_a = -INFINITY, m_b = -INFINITY, l_a = 0.f, l_b = 0.f;
    const float qscale = a.scale * LOG2E;

    const T* k = static_cast<const T*>(a.k) + static_cast<int64_t>(kvh) * a.k_head_stride;
    const T* v = static_cast<const T*>(a.v) + static_cast<int64_t>(kvh) * a.v_head_stride;
    const int tiles_n = kend > kbeg ? (kend - kbeg + BK - 1) / BK : 0;
    if (tiles_n > 0) {
        load_tile(tiles, tiles + TILE_ELEMS, k, v, a, kbeg);
        cp_async_commit();
    }
    for (int it = 0; it < tiles_n; it++) {
        const int stage = it & 1;
        const int key0 = kbeg + it * BK;
        if (it + 1 < tiles_n) {
            uint16_t* next = tiles + (stage ^ 1) * 2 * TILE_ELEMS;
            load_tile(next, next + TILE_ELEMS, k, v, a, key0 + BK);
            cp_async_commit();
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();
        const uint16_t* kt = tiles + stage * 2 * TILE_ELEMS;
        const uint16_t* vt = kt + TILE_ELEMS;

        // S = Q·Kᵀ: 16 rows × 64 keys per warp, 8 n-tiles of 8 keys.
        float s[BK / 8][4];
#pragma unroll
        for (int n = 0; n < BK / 8; n++) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.f;
#pragma unroll
        for (int ks = 0; ks < D / 16; ks++) {
#pragma unroll
            for (int np = 0; np < BK / 16; np++) {
                uint32_t b[4];
                const int key = np * 16 + (lane & 7) + ((lane >> 4) << 3);
                const int col = ks * 16 + ((lane >> 3) & 1) * 8;
                ldmatrix_x4(b, smem_addr(kt + key * STRIDE + col));
                Mma<T>::run(s[2 * np], qf[ks], b[0], b[1]);
                Mma<T>::run(s[2 * np + 1], qf[ks], b[2], b[3]);
            }
        }

        const bool masked = !(key0 >= last_lo && key0 + BK <= first_hi);
#pragma unroll
        for (int n = 0; n < BK / 8; n++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                float x = s[n][e] * qscale;
                if (masked) {
                    const int key = key0 + n * 8 + 2 * t + (e & 1);
                    const bool vis = e < 2 ? key >= lo_a && key < hi_a : key >= lo_b && key < hi_b;
                    if (!vis) x = -INFINITY;
                }
                s[n][e] = x;
            }
        }

        // Online softmax for rows a (elements 0, 1) and b (elements 2, 3); a row spans the 4 lanes of a quad.
        float mx_a = -INFINITY, mx_b = -INFINITY;
#pragma unroll
        for (int n = 0; n < BK / 8; n++) {
            mx_a = fmaxf(mx_a, fmaxf(s[n][0], s[n][1]));
            mx_b = fmaxf(mx_b, fmaxf(s[n][2], s[n][3]));
        }
        mx_a = fmaxf(mx_a, __shfl_xor_sync(FULL_MASK, mx_a, 1));
        mx_a = fmaxf(mx_a, __shfl_xor_sync(FULL_MASK, mx_a, 2));
        mx_b = fmaxf(mx_b, __shfl_xor_sync(FULL_MASK, mx_b, 1));
        mx_b = fmaxf(mx_b, __shfl_xor_sync(FULL_MASK, mx_b, 2));
        const float new_a = fmaxf(m_a, mx_a), new_b = fmaxf(m_b, mx_b);
        const float ref_a = new_a == -INFINITY ? 0.f : new_a, ref_b = new_b == -INFINITY ? 0.f : new_b;
        const float alpha_a = exp2f(m_a - ref_a), alpha_b = exp2f(m_b - ref_b);
        m_a = new_a;
        m_b = new_b;
        l_a *= alpha_a;
        l_b *= alpha_b;
#pragma unroll
        for (int n = 0; n < D / 8; n++) {
            acc[n][0] *= alpha_a;
            acc[n][1] *= alpha_a;
            acc[n][2] *= alpha_b;
            acc[n][3] *= alpha_b;
        }

        // O += P·V: P's S-accumulator layout is the A layout of a 16-key k-step (n-tiles 2j and 2j+1).
#pragma unroll
        for (int j = 0; j < BK / 16; j++) {
            uint32_t p[4];
            float r0, r1, r2, r3, r4, r5, r6, r7;
            p[0] = Mma<T>::pack(exp2f(s[2 * j][0] - ref_a), exp2f(s[2 * j][1] - ref_a), r0, r1);
            p[1] = Mma<T>::pack(exp2f(s[2 * j][2] - ref_b), exp2f(s[2 * j][3] - ref_b), r2, r3);
            p[2] = Mma<T>::pack(exp2f(s[2 * j + 1][0] - ref_a), exp2f(s[2 * j + 1][1] - ref_a), r4, r5);
            p[3] = Mma<T>::pack(exp2f(s[2 * j + 1][2] - ref_b), exp2f(s[2 * j + 1][3] - ref_b), r6, r7);
            l_a += (r0 + r1) + (r4 + r5);
            l_b += (r2 + r3) + (r6 + r7);
#pragma unroll
            for (int dp = 0; dp < D / 16; dp++) {
                uint32_t b[4];
                const int key = j * 16 + (lane & 15);
                const int col = (2 * dp + (lane >> 4)) * 8;
                ldmatrix_x4_trans(b, smem_addr(vt + key * STRIDE + col));
                Mma<T>::run(acc[2 * dp], p, b[0], b[1]);
                Mma<T>::run(acc[2 * dp + 1], p, b[2], b[3]);
            }
        }
        __syncthreads();
    }

    l_a += __shfl_xor_sync(FULL_MASK, l_a, 1);
    l_a += __shfl_xor_sync(FULL_MASK, l_a, 2);
    l_b += __shfl_xor_sync(FULL_MASK, l_b, 1);
    l_b += __shfl_xor_sync(FULL_MASK, l_b, 2);
    const float inv_a = l_a > 0.f ? 1.f / l_a : 0.f, inv_b = l_b > 0.f ? 1.f / l_b : 0.f;
    const int64_t head_off = static_cast<int64_t>(h) * a.out_head_stride;
#pragma unroll
    for (int n = 0; n < D / 8; n++) {
        const int d = n * 8 + 2 * t;
        if (row_a < a.q_len) {
            const int64_t off = static_cast<int64_t>(row_a) * a.out_token_stride + head_off + d;
            store_any(a.out, a.out_dtype, off, acc[n][0] * inv_a);
            store_any(a.out, a.out_dtype, off + 1, acc[n][1] * inv_a);
        }
        if (row_b < a.q_len) {
            const int64_t off = static_cast<int64_t>(row_b) * a.out_token_stride + head_off + d;
            store_any(a.out, a.out_dtype, off, acc[n][2] * inv_b);
            store_any(a.out, a.out_dtype, off + 1, acc[n][3] * inv_b);
        }
    }
}

}  // namespace glmk::prefill

GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_prefill_bf16, glmk_attention_args, glmk::prefill::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_prefill_f16, glmk_attention_args, glmk::prefill::run<glmk::f16>(a))
