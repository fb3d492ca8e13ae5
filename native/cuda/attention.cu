// General attention with split-K, for decode and every shape the tensor-core kernel does not take:
// glmk_attention_{f32,bf16,f16} and glmk_attention_combine_{f32,bf16,f16} (glmk.h, glmk_attention_args).
//
// Algorithm: online softmax (flash-style) over key tiles. A block owns up to GLMK_ATTN_SLOTS (query row, query
// head) slots that share one kv head — decode puts the whole GQA group of one row in a block, so every K/V tile
// read from memory serves all its query heads — and one split of the key range. Per tile of 32 keys and per slot:
// lane j scores key j (q·k with q pre-multiplied by scale·log2 e), the warp takes the tile max and rescales its
// running (max, sum, accumulator) with exp2, then accumulates Σ_j p_j·v_j, p_j broadcast by shuffles. Masks
// (causal with query offset, segments, the split's bounds) give each slot its own key range [lo, hi); keys
// outside it score −∞. With splits == 1 the block normalises and writes out; otherwise it writes the partial
// (accumulator, max, sum) and glmk_attention_combine merges the splits: M = max m_s, out = Σ 2^(m_s−M)·acc_s /
// Σ 2^(m_s−M)·l_s.
// Mapping: GLMK_ATTN_THREADS = 128 threads = 4 warps; warp w owns slots w, w+4, w+8, w+12; lane d (+32c) owns
// output dims d + 32c. Grid (⌈q_len/rows_per_block⌉, splits, kv_heads·⌈group/heads_per_block⌉). Combine: one
// block per (query row, query head), threads over head_dim.
// Layout: q/k/v/out [tokens, heads, head_dim] with token and head strides, head_dim contiguous, no alignment
// requirement; k, v of the suffix dtype, q and out of any floating dtype. Shared memory (dynamic, f32):
// queries [16][D], keys [32][D+1] (padded: lanes reading 32 different keys hit 32 banks), values [32][D].
// Partials [q_len][q_heads][splits][D+2]. head_dim ≤ 256 (8 dims per lane).
// Device position (decode steps replayed from a CUDA graph): the query offset and the key count are read from
// *position when the kernel runs; the split count stays the launch's, the keys per split follow the keys in use.
// Accumulation: f32 scores, softmax statistics and accumulators; exp2f.
#include "common.cuh"

namespace glmk::attention {

constexpr int THREADS = GLMK_ATTN_THREADS;
constexpr int WARPS = THREADS / 32;
constexpr int SLOTS = GLMK_ATTN_SLOTS;
constexpr int SLOTS_PER_WARP = SLOTS / WARPS;
constexpr int TILE = GLMK_ATTN_KEY_TILE;
constexpr int MAX_CHUNKS = GLMK_ATTN_MAX_HEAD_DIM / 32;
constexpr float LOG2E = 1.4426950408889634f;
static_assert(TILE == 32, "one key per lane");

__device__ __forceinline__ uint32_t dynamic_smem_bytes() {
    uint32_t n;
    asm("mov.u32 %0, %%dynamic_smem_size;" : "=r"(n));
    return n;
}

/** Keys [lo, hi) that query row i may see: causal bound, its segment, and the key count. */
__device__ __forceinline__ void key_range(const glmk_attention_args& a, int k_len, int query_offset, int i, int& lo,
                                          int& hi) {
    lo = 0;
    hi = k_len;
    if (a.causal) hi = min(hi, query_offset + i + 1);
    if (a.segments != nullptr) {
        int s0 = 0, s1 = a.segment_count;          // find s with seg[s] ≤ i < seg[s+1]
        while (s1 - s0 > 1) {
            const int mid = (s0 + s1) >> 1;
            if (a.segments[mid] <= i) s0 = mid; else s1 = mid;
        }
        lo = max(lo, a.segments[s0]);
        hi = min(hi, a.segments[s0 + 1]);
    }
}

/** Checks shared by the general kernel and the combine pass; true when the arguments are usable. */
__device__ __forceinline__ bool valid_shape(const glmk_attention_args& a) {
    return a.head_dim >= 1 && a.head_dim <= GLMK_ATTN_MAX_HEAD_DIM && a.kv_heads >= 1 && a.q_heads >= a.kv_heads
            && a.q_heads % a.kv_heads == 0 && a.q_len >= 1 && a.k_len >= 1 && a.splits >= 1
            && (a.segments == nullptr || a.segment_count >= 1) && (a.splits == 1 || a.partial != nullptr)
            && (a.position == nullptr || (a.causal && a.segments == nullptr));
}

/**
 * The key count and query offset this launch works with: the struct's, or with a device position, *position + q_len
 * keys and *position. False (nothing may be written) when the position is outside [0, k_len − q_len].
 */
__device__ __forceinline__ bool effective_range(const glmk_attention_args& a, int& k_len, int& query_offset) {
    k_len = a.k_len;
    query_offset = a.query_offset;
    if (a.position == nullptr) return true;
    const int p = *a.position;
    if (p < 0 || p > a.k_len - a.q_len) return false;
    query_offset = p;
    k_len = p + a.q_len;
    return true;
}

template <typename T>
__device__ void run(const glmk_attention_args& a) {
    if (bad_block(a.status, THREADS)) return;
    if (!is_floating(a.q_dtype) || !is_floating(a.out_dtype)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (!valid_shape(a) || a.rows_per_block < 1 || a.heads_per_block < 1
            || a.rows_per_block * a.heads_per_block > SLOTS || a.keys_per_split < TILE
            || a.keys_per_split % TILE != 0) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const int D = a.head_dim;
    if (dynamic_smem_bytes() < glmk_attention_shared_bytes(D)) {
        fail(a.status, GLMK_ERR_LAUNCH);
        return;
    }
    int k_len, query_offset;
    if (!effective_range(a, k_len, query_offset)) {
        fail(a.status, GLMK_ERR_INDEX);
        return;
    }
    // With a device position the plan was made for the whole cache: each split takes an equal share of the keys
    // actually in use, in whole tiles (the grid, fixed at capture, keeps its split count).
    const int keys_per_split = a.position == nullptr ? a.keys_per_split
            : max(TILE, ((k_len + a.splits - 1) / a.splits + TILE - 1) / TILE * TILE);
    extern __shared__ float smem[];
    float* qs = smem;                       // [SLOTS][D]
    float* ks = qs + SLOTS * D;             // [TILE][D + 1]
    float* vs = ks + TILE * (D + 1);        // [TILE][D]
    __shared__ int slot_lo[SLOTS], slot_hi[SLOTS];
    __shared__ int block_lo, block_hi;

    const int group = a.q_heads / a.kv_heads;
    const int chunks = (group + a.heads_per_block - 1) / a.heads_per_block;
    const int kvh = blockIdx.z / chunks, chunk = blockIdx.z - kvh * chunks;
    const int h0 = kvh * group + chunk * a.heads_per_block;
    const int nh = min(a.heads_per_block, group - chunk * a.heads_per_block);
    const int r0 = blockIdx.x * a.rows_per_block;
    const int nr = min(a.rows_per_block, a.q_len - r0);
    if (nh <= 0 || nr <= 0) return;         // a grid larger than the configuration asks for
    const int slots = nr * nh;
    const int split = blockIdx.y;
    const int c0 = split * keys_per_split, c1 = min(k_len, c0 + keys_per_split);

    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    if (tid == 0) {
        block_lo = INT_MAX;
        block_hi = INT_MIN;
    }
    __syncthreads();
    if (tid < slots) {
        int lo, hi;
        key_range(a, k_len, query_offset, r0 + tid / nh, lo, hi);
        lo = max(lo, c0);
        hi = min(hi, c1);
        slot_lo[tid] = lo;
        slot_hi[tid] = hi;
        if (lo < hi) {
            atomicMin(&block_lo, lo);
            atomicMax(&block_hi, hi);
        }
    }
    const float qscale = a.scale * LOG2E;
    for (int e = tid; e < slots * D; e += THREADS) {
        const int s = e / D, d = e - s * D;
        const int64_t off = static_cast<int64_t>(r0 + s / nh) * a.q_token_stride
                + static_cast<int64_t>(h0 + s % nh) * a.q_head_stride + d;
        qs[e] = load_any(a.q, a.q_dtype, off) * qscale;
    }
    __syncthreads();

    float m[SLOTS_PER_WARP], l[SLOTS_PER_WARP], acc[SLOTS_PER_WARP][MAX_CHUNKS];
#pragma unroll
    for (int j = 0; j < SLOTS_PER_WARP; j++) {
        m[j] = -INFINITY;
        l[j] = 0.f;
#pragma unroll
        for (int c = 0; c < MAX_CHUNKS; c++) acc[j][c] = 0.f;
    }

    const T* kbase = static_cast<const T*>(a.k) + static_cast<int64_t>(kvh) * a.k_head_stride;
    const T* vbase = static_cast<const T*>(a.v) + static_cast<int64_t>(kvh) * a.v_head_stride;
    const int kb = block_lo, ke = block_hi;
    for (int t0 = kb; t0 < ke; t0 += TILE) {
        for (int e = tid; e < TILE * D; e += THREADS) {
            const int j = e / D, d = e - j * D;
            const int key = t0 + j;
            float kv = 0.f, vv = 0.f;
            if (key < ke) {
                kv = load<T>(kbase, static_cast<int64_t>(key) * a.k_token_stride + d);
                vv = load<T>(vbase, static_cast<int64_t>(key) * a.v_token_stride + d);
            }
            ks[j * (D + 1) + d] = kv;
            vs[j * D + d] = vv;
        }
        __syncthreads();
#pragma unroll
        for (int j = 0; j < SLOTS_PER_WARP; j++) {
            const int slot = warp + WARPS * j;
            if (slot >= slots) continue;                                    // uniform per warp
            const int key = t0 + lane;
            float s = -INFINITY;
            if (key >= slot_lo[slot] && key < slot_hi[slot]) {
                const float* qv = qs + slot * D;
                const float* kv = ks + lane * (D + 1);
                float dot = 0.f;
                for (int d = 0; d < D; d++) dot = fmaf(qv[d], kv[d], dot);
                s = dot;
            }
            const float m_new = fmaxf(m[j], warp_max(s));
            if (m_new == -INFINITY) continue;                               // nothing visible yet (uniform)
            const float alpha = exp2f(m[j] - m_new);
            const float p = exp2f(s - m_new);
            l[j] = l[j] * alpha + warp_sum(p);
            m[j] = m_new;
#pragma unroll
            for (int c = 0; c < MAX_CHUNKS; c++) acc[j][c] *= alpha;
            for (int key_j = 0; key_j < TILE; key_j++) {
                const float pj = __shfl_sync(FULL_MASK, p, key_j);
                const float* vrow = vs + key_j * D;
#pragma unroll
                for (int c = 0; c < MAX_CHUNKS; c++) {
                    const int d = lane + 32 * c;
                    if (d < D) acc[j][c] = fmaf(pj, vrow[d], acc[j][c]);
                }
            }
        }
        __syncthreads();
    }

#pragma unroll
    for (int j = 0; j < SLOTS_PER_WARP; j++) {
        const int slot = warp + WARPS * j;
        if (slot >= slots) continue;
        const int i = r0 + slot / nh, h = h0 + slot % nh;
        if (a.splits == 1) {
            const float inv = l[j] > 0.f ? 1.f / l[j] : 0.f;
            const int64_t off = static_cast<int64_t>(i) * a.out_token_stride
                    + static_cast<int64_t>(h) * a.out_head_stride;
#pragma unroll
            for (int c = 0; c < MAX_CHUNKS; c++) {
                const int d = lane + 32 * c;
                if (d < D) store_any(a.out, a.out_dtype, off + d, acc[j][c] * inv);
            }
        } else {
            float* part = a.partial + ((static_cast<int64_t>(i) * a.q_heads + h) * a.splits + split) * (D + 2);
#pragma unroll
            for (int c = 0; c < MAX_CHUNKS; c++) {
                const int d = lane + 32 * c;
                if (d < D) part[d] = acc[j][c];
            }
            if (lane == 0) {
                part[D] = m[j];
                part[D + 1] = l[j];
            }
        }
    }
}

__device__ void combine(const glmk_attention_args& a, int out_code) {
    if (bad_block(a.status, THREADS)) return;
    if (a.out_dtype != out_code) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    if (!valid_shape(a) || a.partial == nullptr) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    if (a.position != nullptr && (*a.position < 0 || *a.position > a.k_len - a.q_len))
        return;                                               // the split kernel reported it and wrote no partials
    const int D = a.head_dim, i = blockIdx.x, h = blockIdx.y;
    const float* part = a.partial + (static_cast<int64_t>(i) * a.q_heads + h) * a.splits * (D + 2);
    float mx = -INFINITY;
    for (int s = 0; s < a.splits; s++) mx = fmaxf(mx, part[s * (D + 2) + D]);
    float total = 0.f;
    if (mx > -INFINITY)
        for (int s = 0; s < a.splits; s++) total += part[s * (D + 2) + D + 1] * exp2f(part[s * (D + 2) + D] - mx);
    const float inv = total > 0.f ? 1.f / total : 0.f;
    const int64_t off = static_cast<int64_t>(i) * a.out_token_stride + static_cast<int64_t>(h) * a.out_head_stride;
    for (int d = threadIdx.x; d < D; d += THREADS) {
        float o = 0.f;
        if (mx > -INFINITY)
            for (int s = 0; s < a.splits; s++) o += part[s * (D + 2) + d] * exp2f(part[s * (D + 2) + D] - mx);
        store_any(a.out, out_code, off + d, o * inv);
    }
}

}  // namespace glmk::attention

GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_f32, glmk_attention_args, glmk::attention::run<float>(a))
GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_bf16, glmk_attention_args, glmk::attention::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_f16, glmk_attention_args, glmk::attention::run<glmk::f16>(a))
GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_combine_f32, glmk_attention_args, glmk::attention::combine(a, GLMK_F32))
GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_combine_bf16, glmk_attention_args, glmk::attention::combine(a, GLMK_BF16))
GLMK_EXPORT(GLMK_ATTN_THREADS, glmk_attention_combine_f16, glmk_attention_args, glmk::attention::combine(a, GLMK_F16))
