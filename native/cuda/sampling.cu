// Token selection on the device: glmk_argmax_{f32,bf16,f16} and glmk_sample_{f32,bf16,f16} (glmk.h).
//
// Algorithm: every candidate gets the 64-bit key of the Java reference (core/.../jvm/Sampler.java): high word
// ~orderable(logit) (descending logit), low word the id (ascending id on ties), made unsigned by flipping the
// top bit. Argmax is the minimum key (NaN below −∞, lowest id on ties). sample():
//   1. work = f32(logits); the repetition penalty rewrites work[id] = pen(logits[id]) for every listed id
//      (a pure function of the input, so duplicate ids write the same value and need no dedupe);
//   2. greedy → argmax of work; else work /= temperature, max = value of the minimum key;
//   3. top-k: radix select (8 passes of 8-bit digits, counts) of the k-th smallest key;
//   4a. kept ≤ GLMK_SAMPLE_CANDIDATES: the candidates are compacted into shared memory, bitonic-sorted, their
//       probabilities exp(l − max) computed in f64 in parallel, and one thread runs the reference's sequential
//       top-p cut and draw — the same additions in the same order as Sampler.pick;
//   4b. otherwise: probabilities go to work_prob (f64), the top-p boundary and the drawn token are found by
//       radix selection on cumulative probability mass (per-digit f64 mass histograms), sums in parallel order.
// Mapping: one block of GLMK_SAMPLE_THREADS (1024) threads per logits row; loops stride over the vocabulary.
// Histograms are split into 8 copies (warp mod 8) to spread shared-memory atomics on crowded digits.
// Layout: logits rows at any stride; work and work_prob are [rows, vocab] contiguous; ids int32 [rows].
// Accumulation: f32 logits, f64 probabilities and masses.
#include "common.cuh"

namespace glmk::sampling {

constexpr int THREADS = GLMK_SAMPLE_THREADS;
constexpr int CAND = GLMK_SAMPLE_CANDIDATES;
constexpr int COPIES = 8;
constexpr uint64_t NONE = ~0ull;
static_assert(CAND == THREADS, "one candidate slot per thread in the sort");

/** Sampler.orderable: a signed int whose order is the float's order, NaN as −∞. */
__device__ __forceinline__ int32_t orderable(float f) {
    if (isnan(f)) f = -INFINITY;
    const int32_t b = __float_as_int(f);
    return b >= 0 ? b : b ^ 0x7fffffff;
}

/** The reference's sort key ((long) ~orderable << 32 | id) as an unsigned key with the same order. */
__device__ __forceinline__ uint64_t key_of(float v, int32_t id) {
    const uint32_t hi = static_cast<uint32_t>(~orderable(v)) ^ 0x80000000u;
    return (static_cast<uint64_t>(hi) << 32) | static_cast<uint32_t>(id);
}

/** Argmax key: like key_of, but NaN sorts after −∞ (Sampler.argmax never prefers a NaN). */
__device__ __forceinline__ uint64_t argmax_key(float v, int32_t id) {
    const uint32_t hi = isnan(v) ? 0xffffffffu : static_cast<uint32_t>(~orderable(v)) ^ 0x80000000u;
    return (static_cast<uint64_t>(hi) << 32) | static_cast<uint32_t>(id);
}

__device__ __forceinline__ uint64_t warp_min(uint64_t v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        const uint64_t u = __shfl_xor_sync(FULL_MASK, v, o);
        v = u < v ? u : v;
    }
    return v;
}

__device__ __forceinline__ uint64_t block_min(uint64_t v, uint64_t* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_min(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    return warp_min(lane < (THREADS >> 5) ? scratch[lane] : NONE);
}

__device__ __forceinline__ uint64_t warp_max(uint64_t v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        const uint64_t u = __shfl_xor_sync(FULL_MASK, v, o);
        v = u > v ? u : v;
    }
    return v;
}

__device__ __forceinline__ uint64_t block_max(uint64_t v, uint64_t* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    return warp_max(lane < (THREADS >> 5) ? scratch[lane] : 0ull);
}

/** Shared state of one sample() block. */
struct Shared {
    uint32_t count[COPIES][256];
    double mass[COPIES][256];
    uint64_t cand[CAND];
    double prob[CAND];
    uint64_t scratch[32];
    double dscratch[32];
    uint64_t chosen;
    double chosen_mass;     // mass below the chosen digit
    double chosen_through;  // mass through the chosen digit
    int32_t fill;
};

/** Argmax of a row read through `get(i)`; the minimum argmax_key over the block. */
template <typename Get>
__device__ int32_t argmax_row(int32_t vocab, Get get, uint64_t* scratch) {
    uint64_t best = NONE;
    for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
        const uint64_t k = argmax_key(get(i), i);
        best = k < best ? k : best;
    }
    return static_cast<int32_t>(block_min(best, scratch) & 0xffffffffu);
}

/**
 * The rank-th smallest key (1-based) among all keys of the row, by 8 passes of 8-bit digit counting from the most
 * significant digit. Keys are unique (they contain the id), so the result is exact.
 */
__device__ uint64_t select_rank(const float* w, int32_t vocab, uint32_t rank, Shared& sh) {
    uint64_t prefix = 0, mask = 0;
    const int copy = (threadIdx.x >> 5) % COPIES;
    for (int shift = 56; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < COPIES * 256; b += THREADS) (&sh.count[0][0])[b] = 0;
        __syncthreads();
        for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
            const uint64_t k = key_of(w[i], i);
            if ((k & mask) == prefix) atomicAdd(&sh.count[copy][(k >> shift) & 255], 1u);
        }
        __syncthreads();
        if (threadIdx.x < 256) {
            uint32_t c = 0;
            for (int j = 0; j < COPIES; j++) c += sh.count[j][threadIdx.x];
            sh.count[0][threadIdx.x] = c;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            uint32_t below = 0;
            int digit = 255;
            for (int b = 0; b < 256; b++) {
                if (below + sh.count[0][b] >= rank) {
                    digit = b;
                    break;
                }
                below += sh.count[0][b];
            }
            sh.chosen = static_cast<uint64_t>(digit);
            sh.fill = static_cast<int32_t>(below);
        }
        __syncthreads();
        prefix |= sh.chosen << shift;
        mask |= 255ull << shift;
        rank -= static_cast<uint32_t>(sh.fill);
        __syncthreads();
    }
    return prefix;
}

/**
 * The smallest key k ≤ limit whose cumulative probability mass (over keys ≤ k, in key order) reaches `target`
 * (≥ when !strict, > when strict), by radix selection over per-digit mass histograms. Returns NONE when the
 * whole mass does not reach the target (rounding); `*through` receives the cumulative mass up to the key.
 */
__device__ uint64_t select_mass(const float* w, const double* prob, int32_t vocab, uint64_t limit, double target,
                                bool strict, Shared& sh, double* through) {
    uint64_t prefix = 0, mask = 0;
    double below = 0;
    const int copy = (threadIdx.x >> 5) % COPIES;
    for (int shift = 56; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < COPIES * 256; b += THREADS) (&sh.mass[0][0])[b] = 0;
        __syncthreads();
        for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
            const double p = prob[i];
            if (p <= 0) continue;
            const uint64_t k = key_of(w[i], i);
            if (k <= limit && (k & mask) == prefix) atomicAdd(&sh.mass[copy][(k >> shift) & 255], p);
        }
        __syncthreads();
        if (threadIdx.x < 256) {
            double m = 0;
            for (int j = 0; j < COPIES; j++) m += sh.mass[j][threadIdx.x];
            sh.mass[0][threadIdx.x] = m;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            double cum = below, before_last = below;
            int digit = -1, last = -1;
            for (int b = 0; b < 256; b++) {
                const double m = sh.mass[0][b];
                if (m <= 0) continue;
                if (strict ? cum + m > target : cum + m >= target) {
                    digit = b;
                    break;
                }
                last = b;
                before_last = cum;
                cum += m;
            }
            // Below the top digit a miss is rounding between two summation orders of the same masses: take the
            // last non-empty digit. At the top digit a miss means the whole mass stays under the target.
            if (digit < 0 && shift < 56 && last >= 0) {
                digit = last;
                cum = before_last;
            }
            sh.chosen = digit < 0 ? NONE : static_cast<uint64_t>(digit);
            sh.chosen_mass = cum;
            sh.chosen_through = digit < 0 ? cum : cum + sh.mass[0][digit];
        }
        __syncthreads();
        const uint64_t digit = sh.chosen;
        below = sh.chosen_mass;
        *through = sh.chosen_through;
        __syncthreads();
        if (digit == NONE) return NONE;
        prefix |= digit << shift;
        mask |= 255ull << shift;
    }
    return prefix;
}

template <typename T>
__device__ void sample(const glmk_sample_args& a) {
    if (bad_block(a.status, THREADS)) return;
    if (a.vocab < 1 || !(a.temperature >= 0.f) || a.top_k < 0 || !(a.top_p > 0.f && a.top_p <= 1.f)
            || !(a.repetition_penalty > 0.f) || !(a.uniform >= 0.0 && a.uniform < 1.0)) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    const bool greedy = a.temperature == 0.f;
    const float pen = a.repetition_penalty;
    const int32_t vocab = a.vocab;
    const int32_t keep = a.top_k > 0 && a.top_k < vocab ? a.top_k : vocab;
    if ((!(greedy && pen == 1.f) && a.work == nullptr) || (!greedy && keep > CAND && a.work_prob == nullptr)
            || (pen != 1.f && a.penalized_count > 0 && a.penalized_ids == nullptr)) {
        fail(a.status, GLMK_ERR_SHAPE);   // a workspace or the id list this configuration needs is missing
        return;
    }
    __shared__ Shared sh;
    const int64_t r = blockIdx.x;
    const T* logits = row<T>(a.logits, a.logits_stride, r);

    if (greedy && pen == 1.f) {
        const int32_t id = argmax_row(vocab, [&](int32_t i) { return load<T>(logits, i); }, sh.scratch);
        if (threadIdx.x == 0) a.ids[r] = id;
        return;
    }

    float* w = a.work + r * static_cast<int64_t>(vocab);
    for (int32_t i = threadIdx.x; i < vocab; i += THREADS) w[i] = load<T>(logits, i);
    __syncthreads();
    if (pen != 1.f) {
        for (int32_t j = threadIdx.x; j < a.penalized_count; j += THREADS) {
            const int32_t id = a.penalized_ids[j];
            if (id < 0 || id >= vocab) continue;
            const float s = load<T>(logits, id);
            w[id] = s < 0.f ? s * pen : s / pen;
        }
        __syncthreads();
    }
    if (greedy) {
        const int32_t id = argmax_row(vocab, [&](int32_t i) { return w[i]; }, sh.scratch);
        if (threadIdx.x == 0) a.ids[r] = id;
        return;
    }

    uint64_t first = NONE;
    for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
        const float v = w[i] / a.temperature;
        w[i] = v;
        const uint64_t k = key_of(v, i);
        first = k < first ? k : first;
    }
    first = block_min(first, sh.scratch);   // synchronises, so w is complete below
    const float max = w[static_cast<int32_t>(first & 0xffffffffu)];

    const uint64_t limit = keep < vocab ? select_rank(w, vocab, static_cast<uint32_t>(keep), sh) : NONE;

    if (keep <= CAND) {
        // 4a: exact reference order. Compact the kept keys, sort them, then one thread walks them.
        if (threadIdx.x == 0) sh.fill = 0;
        sh.cand[threadIdx.x] = NONE;
        __syncthreads();
        for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
            const uint64_t k = key_of(w[i], i);
            if (k <= limit) sh.cand[atomicAdd(&sh.fill, 1)] = k;
        }
        __syncthreads();
        for (int size = 2; size <= CAND; size <<= 1) {
            for (int stride = size >> 1; stride > 0; stride >>= 1) {
                const int i = threadIdx.x, j = i ^ stride;
                if (j > i) {
                    const uint64_t x = sh.cand[i], y = sh.cand[j];
                    if (((i & size) == 0) == (x > y)) {
                        sh.cand[i] = y;
                        sh.cand[j] = x;
                    }
                }
                __syncthreads();
            }
        }
        if (threadIdx.x < keep) {
            const int32_t id = static_cast<int32_t>(sh.cand[threadIdx.x] & 0xffffffffu);
            sh.prob[threadIdx.x] = exp(static_cast<double>(w[id] - max));
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            double total = 0;
            for (int i = 0; i < keep; i++) total += sh.prob[i];
            int kept = keep;
            if (a.top_p < 1.f) {
                double mass = 0;
                for (int i = 0; i < keep; i++) {
                    mass += sh.prob[i] / total;
                    if (mass >= a.top_p) {
                        kept = i + 1;
                        break;
                    }
                }
                total = 0;
                for (int i = 0; i < kept; i++) total += sh.prob[i];
            }
            const double target = a.uniform * total;
            double acc = 0;
            int pick = kept - 1;
            for (int i = 0; i < kept; i++) {
                acc += sh.prob[i];
                if (acc > target) {
                    pick = i;
                    break;
                }
            }
            a.ids[r] = static_cast<int32_t>(sh.cand[pick] & 0xffffffffu);
        }
        return;
    }

    // 4b: more candidates than shared memory holds; select on cumulative mass.
    double* prob = a.work_prob + r * static_cast<int64_t>(vocab);
    double local = 0;
    for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
        const double p = key_of(w[i], i) <= limit ? exp(static_cast<double>(w[i] - max)) : 0.0;
        prob[i] = p;
        local += p;
    }
    const double total = block_sum(local, sh.dscratch);   // synchronises, so prob is complete below
    uint64_t last = limit;
    if (last == NONE) {
        uint64_t m = 0;
        for (int32_t i = threadIdx.x; i < vocab; i += THREADS) {
            const uint64_t k = key_of(w[i], i);
            m = k > m ? k : m;
        }
        last = block_max(m, sh.scratch);
    }
    double kept_mass = total;
    if (a.top_p < 1.f) {
        double through = 0;
        const uint64_t cut = select_mass(w, prob, vocab, limit, static_cast<double>(a.top_p) * total, false, sh,
                &through);
        if (cut != NONE) {
            last = cut;
            kept_mass = through;
        }
    }
    double drawn_through = 0;
    const uint64_t drawn = select_mass(w, prob, vocab, last, a.uniform * kept_mass, true, sh, &drawn_through);
    if (threadIdx.x == 0) a.ids[r] = static_cast<int32_t>((drawn == NONE ? last : drawn) & 0xffffffffu);
}

template <typename T>
__device__ void argmax(const glmk_argmax_args& a) {
    if (bad_block(a.status, THREADS)) return;
    if (a.vocab < 1) {
        fail(a.status, GLMK_ERR_SHAPE);
        return;
    }
    __shared__ uint64_t scratch[32];
    const T* logits = row<T>(a.logits, a.logits_stride, blockIdx.x);
    const int32_t id = argmax_row(a.vocab, [&](int32_t i) { return load<T>(logits, i); }, scratch);
    if (threadIdx.x == 0) a.ids[blockIdx.x] = id;
}

}  // namespace glmk::sampling

GLMK_EXPORT(GLMK_SAMPLE_THREADS, glmk_argmax_f32, glmk_argmax_args, glmk::sampling::argmax<float>(a))
GLMK_EXPORT(GLMK_SAMPLE_THREADS, glmk_argmax_bf16, glmk_argmax_args, glmk::sampling::argmax<glmk::bf16>(a))
GLMK_EXPORT(GLMK_SAMPLE_THREADS, glmk_argmax_f16, glmk_argmax_args, glmk::sampling::argmax<glmk::f16>(a))
GLMK_EXPORT(GLMK_SAMPLE_THREADS, glmk_sample_f32, glmk_sample_args, glmk::sampling::sample<float>(a))
GLMK_EXPORT(GLMK_SAMPLE_THREADS, glmk_sample_bf16, glmk_sample_args, glmk::sampling::sample<glmk::bf16>(a))
GLMK_EXPORT(GLMK_SAMPLE_THREADS, glmk_sample_f16, glmk_sample_args, glmk::sampling::sample<glmk::f16>(a))
