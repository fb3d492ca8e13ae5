/*
 * glmk.h — the C ABI of glm4j's CUDA kernels (native/cuda/, one .cu per op family), compiled into one fatbin.
 *
 * Kernels
 *   Every kernel is an `extern "C" __global__` function named glmk_<op>_<dtype> that takes ONE argument: the
 *   op's argument struct below, passed by value. A host loads the fatbin with cuModuleLoadData, looks the name up
 *   with cuModuleGetFunction and launches it with
 *       void* params[] = { &args };
 *       cuLaunchKernel(fn, L.grid[0], L.grid[1], L.grid[2], L.block[0], L.block[1], L.block[2],
 *                      L.shared_bytes, (CUstream) stream, params, NULL);
 *   where L comes from the op's glmk_<op>_launch() below (glmk_launch_on() does exactly this when cuda.h is
 *   included first). The structs hold only 8-byte pointers/int64 and 4-byte int32/float fields in
 *   declaration order, padded to 8 bytes, so C, nvcc and a Java MemoryLayout agree on every offset; the
 *   GLMK_ASSERT_SIZE lines pin the sizes.
 *
 * Status
 *   A kernel cannot return a value, so each struct starts with `status`: a device int32 that the kernel sets,
 *   with atomicCAS from 0, to a GLMK_ERR_* code when it refuses its input (wrong launch geometry, a dtype code
 *   it does not read, a size out of range, a misaligned pointer, an id outside a table). The first error wins;
 *   the host zeroes the word, and reads it after synchronising. NULL disables reporting. Kernels never print,
 *   never trap, and never touch memory outside the operands they were given.
 *
 * Dtypes
 *   The suffix names the kernel's templated operand (per op below: the output, or the KV cache for attention,
 *   or the logits for sampling); every other floating operand carries a runtime GLMK_<dtype> code, so any mix
 *   of f32/bf16/f16 operands runs without conversion copies. All arithmetic is f32; results are rounded once to
 *   the output dtype, round to nearest even (NaN stays NaN with Java's payload rules, ±Inf stays ±Inf).
 *
 * Layout
 *   Matrices are rows of `cols` contiguous elements, row r starting at ptr + r*stride (strides in ELEMENTS,
 *   never bytes). [tokens, heads, head_dim] tensors give a token stride and a head stride; head_dim is
 *   contiguous. A stride of 0 repeats one row (row broadcast). Sizes are int32, strides int64.
 */
#ifndef GLMK_H
#define GLMK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped whenever a struct, a kernel name or a launch rule changes. */
#define GLMK_ABI_VERSION 3

/* Dtype codes: the ordinals of org.glm4j.core.tensor.DType. */
#define GLMK_F32  0
#define GLMK_BF16 1
#define GLMK_F16  2
#define GLMK_I32  3
#define GLMK_I64  4

/* Status codes written to *status. */
#define GLMK_OK          0
#define GLMK_ERR_LAUNCH  1 /* block size or dynamic shared memory differs from the op's glmk_*_launch */
#define GLMK_ERR_DTYPE   2 /* an operand's dtype code is not one this kernel reads */
#define GLMK_ERR_SHAPE   3 /* a size outside the kernel's range (head_dim, group size, slots, ...) */
#define GLMK_ERR_ALIGN   4 /* a pointer or stride is not aligned as the kernel requires */
#define GLMK_ERR_INDEX   5 /* an id outside its table (embedding); that output row is written as zeros */

/* Enumerations shared with the Java side (ordinals of org.glm4j.core.backend.Unary / Binary). */
#define GLMK_UNARY_GELU  0 /* exact: 0.5·x·(1 + erf(x/√2)) */
#define GLMK_UNARY_SILU  1 /* x·σ(x) */
#define GLMK_UNARY_NEG   2 /* −x */
#define GLMK_BINARY_ADD  0
#define GLMK_BINARY_MUL  1

#if defined(__cplusplus)
#define GLMK_ASSERT_SIZE(type, bytes) static_assert(sizeof(type) == (bytes), #type " changed size")
#else
#define GLMK_ASSERT_SIZE(type, bytes) _Static_assert(sizeof(type) == (bytes), #type " changed size")
#endif

/* The helpers below are plain C for host code; nvcc also compiles them for the device (the kernels check their
 * own launch geometry with the same formulas). */
#if defined(__CUDACC__)
#define GLMK_INLINE static inline __host__ __device__
#else
#define GLMK_INLINE static inline
#endif

/** Grid, block and dynamic shared memory of one launch. */
typedef struct glmk_launch {
    uint32_t grid[3];
    uint32_t block[3];
    uint32_t shared_bytes;
} glmk_launch;

GLMK_INLINE glmk_launch glmk_launch_of(uint32_t gx, uint32_t gy, uint32_t gz, uint32_t block, uint32_t shared) {
    glmk_launch l;
    l.grid[0] = gx; l.grid[1] = gy; l.grid[2] = gz;
    l.block[0] = block; l.block[1] = 1; l.block[2] = 1;
    l.shared_bytes = shared;
    return l;
}

GLMK_INLINE uint32_t glmk_ceil_div(int64_t a, int64_t b) { return (uint32_t) ((a + b - 1) / b); }

/* Block sizes the kernels are compiled for (their __launch_bounds__); a different block size is GLMK_ERR_LAUNCH. */
#define GLMK_ROW_THREADS       256  /* rmsnorm, layernorm, softmax: one block per row */
#define GLMK_EW_THREADS        256  /* element-wise: one block per (row, 1024-column chunk) */
#define GLMK_EW_COLS_PER_BLOCK 1024
#define GLMK_ROPE_THREADS      128  /* one block per token */
#define GLMK_RESAMPLE_THREADS  256  /* one block per point */
#define GLMK_SAMPLE_THREADS    1024 /* argmax and sample: one block per logits row */
#define GLMK_ATTN_THREADS      128  /* all attention kernels */

/** Element-wise launch over rows × cols (unary, binary, bias add, swiglu, convert, embedding). */
GLMK_INLINE glmk_launch glmk_elementwise_launch(int32_t rows, int32_t cols) {
    return glmk_launch_of((uint32_t) rows, glmk_ceil_div(cols, GLMK_EW_COLS_PER_BLOCK), 1, GLMK_EW_THREADS, 0);
}

/** One block per row (rmsnorm, layernorm, softmax). */
GLMK_INLINE glmk_launch glmk_row_launch(int32_t rows) {
    return glmk_launch_of((uint32_t) rows, 1, 1, GLMK_ROW_THREADS, 0);
}

/* ================================================================================================ rmsnorm.cu */

/**
 * glmk_rmsnorm_{f32,bf16,f16} (suffix: out). Per row, with s = x, or s = round_sum(x + residual) when residual
 * is given (the fused residual add; stored to sum_out when that is given, may alias x or residual):
 *   out = round(weight ⊙ round(s / √(mean(s²) + eps)))
 * round_sum rounds to sum_dtype; round to out's dtype (the inner rounding is the reference's bf16 cast).
 * out may alias x exactly (in place). Launch: glmk_row_launch(rows).
 */
typedef struct glmk_rmsnorm_args {
    int32_t* status;
    void* out;            int64_t out_stride;
    const void* x;        int64_t x_stride;
    const void* residual; int64_t residual_stride; /* NULL: no residual add */
    void* sum_out;        int64_t sum_stride;      /* NULL: the sum is not stored */
    const void* weight;                            /* [cols] */
    int32_t x_dtype, residual_dtype, sum_dtype, weight_dtype;
    int32_t rows, cols;
    float eps;
    int32_t reserved;
} glmk_rmsnorm_args;
GLMK_ASSERT_SIZE(glmk_rmsnorm_args, 112);

/* ============================================================================================== layernorm.cu */

/**
 * glmk_layernorm_{f32,bf16,f16} (suffix: out). Per row: out = weight ⊙ (x − mean)/√(var + eps) + bias, biased
 * variance, two-pass f32 statistics. out may alias x. Launch: glmk_row_launch(rows).
 */
typedef struct glmk_layernorm_args {
    int32_t* status;
    void* out;          int64_t out_stride;
    const void* x;      int64_t x_stride;
    const void* weight; const void* bias; /* [cols] each */
    int32_t x_dtype, weight_dtype, bias_dtype;
    int32_t rows, cols;
    float eps;
} glmk_layernorm_args;
GLMK_ASSERT_SIZE(glmk_layernorm_args, 80);

/* =================================================================================================== rope.cu */

/**
 * glmk_rope_{f32,bf16,f16} (suffix: qk). In place on qk [tokens, heads, head_dim] with cos, sin
 * [tokens, rotary_dims/2] (one angle per rotated pair, as org.glm4j.core.backend.RopeSpec):
 *   interleaved = 1 (GLM text M-RoPE): dims (2j, 2j+1) rotate by angle j; dims ≥ rotary_dims pass through;
 *   interleaved = 0 (vision "rotate half"): dims (j, j + rotary_dims/2) rotate by angle j.
 *   a' = a·cos − b·sin, b' = b·cos + a·sin in f32, rounded once to qk's dtype. M-RoPE's three position sections
 * live in the tables (each column j already holds its section's angle), so one kernel serves both towers.
 * Launch: glmk_rope_launch(tokens).
 */
typedef struct glmk_rope_args {
    int32_t* status;
    void* qk;        int64_t token_stride, head_stride;
    const void* cos; int64_t cos_stride;
    const void* sin; int64_t sin_stride;
    int32_t cos_dtype, sin_dtype;
    int32_t tokens, heads, rotary_dims, interleaved;
} glmk_rope_args;
GLMK_ASSERT_SIZE(glmk_rope_args, 88);

GLMK_INLINE glmk_launch glmk_rope_launch(int32_t tokens) {
    return glmk_launch_of((uint32_t) tokens, 1, 1, GLMK_ROPE_THREADS, 0);
}

/* ============================================================================================= activation.cu */

/**
 * glmk_swiglu_{f32,bf16,f16} (suffix: out). out [rows, cols] = silu(gate_up[:, :cols]) ⊙ gate_up[:, cols:] for the
 * fused gate_up [rows, 2·cols]. Launch: glmk_elementwise_launch(rows, cols).
 */
typedef struct glmk_swiglu_args {
    int32_t* status;
    void* out;           int64_t out_stride;
    const void* gate_up; int64_t gate_up_stride;
    int32_t gate_up_dtype;
    int32_t rows, cols;
    int32_t reserved;
} glmk_swiglu_args;
GLMK_ASSERT_SIZE(glmk_swiglu_args, 56);

/**
 * glmk_unary_{f32,bf16,f16} (suffix: out). out = fn(x) element-wise, fn a GLMK_UNARY_* code; out may alias x.
 * Launch: glmk_elementwise_launch(rows, cols).
 */
typedef struct glmk_unary_args {
    int32_t* status;
    void* out;     int64_t out_stride;
    const void* x; int64_t x_stride;
    int32_t x_dtype, fn;
    int32_t rows, cols;
} glmk_unary_args;
GLMK_ASSERT_SIZE(glmk_unary_args, 56);

/* ============================================================================================ elementwise.cu */

/**
 * glmk_binary_{f32,bf16,f16} (suffix: out). out = fn(a, b), fn a GLMK_BINARY_* code; b_stride = 0 broadcasts one
 * row of b over all rows. out may alias a or b. Launch: glmk_elementwise_launch(rows, cols).
 */
typedef struct glmk_binary_args {
    int32_t* status;
    void* out;     int64_t out_stride;
    const void* a; int64_t a_stride;
    const void* b; int64_t b_stride;
    int32_t a_dtype, b_dtype, fn;
    int32_t rows, cols;
    int32_t reserved;
} glmk_binary_args;
GLMK_ASSERT_SIZE(glmk_binary_args, 80);

/**
 * glmk_bias_add_{f32,bf16,f16} (suffix: x). In place x[r, c] += bias[c] (the GEMM epilogue when the GEMM
 * library's own bias epilogue is not used). Launch: glmk_elementwise_launch(rows, cols).
 */
typedef struct glmk_bias_add_args {
    int32_t* status;
    void* x; int64_t x_stride;
    const void* bias;
    int32_t bias_dtype;
    int32_t rows, cols;
    int32_t reserved;
} glmk_bias_add_args;
GLMK_ASSERT_SIZE(glmk_bias_add_args, 48);

/* ================================================================================================ softmax.cu */

/**
 * glmk_softmax_{f32,bf16,f16} (suffix: out). Softmax over each row in f32; a row of only −∞ gives zeros. out may
 * alias x. Launch: glmk_row_launch(rows).
 */
typedef struct glmk_softmax_args {
    int32_t* status;
    void* out;     int64_t out_stride;
    const void* x; int64_t x_stride;
    int32_t x_dtype;
    int32_t rows, cols;
    int32_t reserved;
} glmk_softmax_args;
GLMK_ASSERT_SIZE(glmk_softmax_args, 56);

/* ============================================================================================== embedding.cu */

/**
 * glmk_embedding_{f32,bf16,f16} (suffix: out). out[i, :] = table[ids[i], :] for ids (GLMK_I32 or GLMK_I64) [count].
 * An id outside [0, table_rows) writes a zero row and reports GLMK_ERR_INDEX (ids on the device are not checked
 * by the Java side). Launch: glmk_elementwise_launch(count, cols).
 */
typedef struct glmk_embedding_args {
    int32_t* status;
    void* out;         int64_t out_stride;
    const void* table; int64_t table_stride;
    const void* ids;
    int32_t table_dtype, ids_dtype;
    int32_t count, cols, table_rows;
    int32_t reserved;
} glmk_embedding_args;
GLMK_ASSERT_SIZE(glmk_embedding_args, 72);

/* =================================================================================================== rows.cu */

/**
 * glmk_copy_rows_at_{f32,bf16,f16} (suffix: dst and src). dst[*at + r, :] = src[r, :] for r < rows, where at is a
 * device int32 read when the kernel runs (a launch captured in a CUDA graph writes wherever *at says at replay:
 * the KV-cache append of a decode step). *at < 0 or *at + rows > dst_rows writes nothing and reports
 * GLMK_ERR_INDEX. dst must not overlap src. Launch: glmk_elementwise_launch(rows, cols).
 */
typedef struct glmk_copy_rows_at_args {
    int32_t* status;
    void* dst;       int64_t dst_stride;
    const void* src; int64_t src_stride;
    const int32_t* at;
    int32_t rows, cols, dst_rows;
    int32_t reserved;
} glmk_copy_rows_at_args;
GLMK_ASSERT_SIZE(glmk_copy_rows_at_args, 64);

/* =============================================================================================== resample.cu */

/**
 * glmk_resample_{f32,bf16,f16} (suffix: out). Bicubic grid_sample of a learned position table, PyTorch semantics
 * (A = −0.75, align_corners=False, border padding per tap, f32): table [table_height·table_width, channels] as a
 * grid, points f32 [count, 2] of normalised (x, y), out [count, channels]. Same evaluation order as
 * JvmBackend.resamplePositions (x taps first, then y). Launch: glmk_resample_launch(count).
 */
typedef struct glmk_resample_args {
    int32_t* status;
    void* out;          int64_t out_stride;
    const void* table;  int64_t table_stride;
    const float* points; int64_t points_stride;
    int32_t table_dtype;
    int32_t count, channels, table_height, table_width;
    int32_t reserved;
} glmk_resample_args;
GLMK_ASSERT_SIZE(glmk_resample_args, 80);

GLMK_INLINE glmk_launch glmk_resample_launch(int32_t count) {
    return glmk_launch_of((uint32_t) count, 1, 1, GLMK_RESAMPLE_THREADS, 0);
}

/* ================================================================================================ convert.cu */

/**
 * glmk_convert_{f32,bf16,f16} (suffix: out). out = x cast to out's dtype, x any of F32/BF16/F16/I32/I64
 * (integers convert like Java's (float) cast). Launch: glmk_elementwise_launch(rows, cols).
 */
typedef struct glmk_convert_args {
    int32_t* status;
    void* out;     int64_t out_stride;
    const void* x; int64_t x_stride;
    int32_t x_dtype;
    int32_t rows, cols;
    int32_t reserved;
} glmk_convert_args;
GLMK_ASSERT_SIZE(glmk_convert_args, 56);

/* ================================================================================================ permute.cu */

/**
 * glmk_window_permute_{f32,bf16,f16} (suffix: out). Regroups the windows of a channels-last conv (the 2×2 spatial
 * merge) for its GEMM: x is [windows·positions, channels], each window's positions consecutive rows; out is
 * [windows, channels·positions] in the weight's (channel, position) order: out[m, c·positions + k] =
 * x[m·positions + k, c]. x any of F32/BF16/F16; out must not alias x. Launch:
 * glmk_elementwise_launch(windows, channels·positions).
 */
typedef struct glmk_window_permute_args {
    int32_t* status;
    void* out;     int64_t out_stride;
    const void* x; int64_t x_stride;
    int32_t x_dtype;
    int32_t windows, positions, channels;
} glmk_window_permute_args;
GLMK_ASSERT_SIZE(glmk_window_permute_args, 56);

/* =============================================================================================== sampling.cu */

/**
 * glmk_argmax_{f32,bf16,f16} (suffix: logits). ids[r] = index of the largest logit of row r, lowest index on ties,
 * NaN counting as smallest. Launch: glmk_sample_launch(rows).
 */
typedef struct glmk_argmax_args {
    int32_t* status;
    int32_t* ids;
    const void* logits; int64_t logits_stride;
    int32_t rows, vocab;
} glmk_argmax_args;
GLMK_ASSERT_SIZE(glmk_argmax_args, 40);

/** Largest top_k served by the exact in-shared-memory path of glmk_sample (sorted, sequential f64 sums). */
#define GLMK_SAMPLE_CANDIDATES 1024

/**
 * glmk_sample_{f32,bf16,f16} (suffix: logits). One token id per logits row, as org.glm4j.core.backend.SamplingSpec:
 * repetition penalty over penalized_ids (s < 0 ? s·p : s/p; duplicates harmless), then greedy argmax when
 * temperature == 0, else logits/temperature, top-k, top-p (smallest prefix by descending probability, ties by id,
 * whose mass reaches top_p), and the draw: the first kept token whose cumulative probability exceeds
 * uniform·total. Probabilities are exp(l − max) in f64.
 *   With 1 ≤ top_k ≤ GLMK_SAMPLE_CANDIDATES the candidates are sorted in shared memory and summed sequentially in
 *   sorted order, as the Java reference does. Otherwise the kept set and the draw are found by radix selection
 *   over (logit, id) keys with f64 masses summed in parallel (same result except where a cumulative sum lands
 *   within ~1e-15 relative of a threshold).
 * Workspace: work [rows·vocab] f32 (may be NULL when temperature == 0 and repetition_penalty == 1) and work_prob
 * [rows·vocab] f64 (may be NULL when temperature == 0 or 1 ≤ top_k ≤ GLMK_SAMPLE_CANDIDATES); a missing one is
 * GLMK_ERR_SHAPE. glmk_sample_workspace_bytes gives both. The input logits are never modified.
 * Launch: glmk_sample_launch(rows).
 */
typedef struct glmk_sample_args {
    int32_t* status;
    int32_t* ids;                        /* [rows] */
    const void* logits; int64_t logits_stride;
    const int32_t* penalized_ids;        /* [penalized_count], each in [0, vocab) (checked by the Java side) */
    float* work;                         /* [rows, vocab] */
    double* work_prob;                   /* [rows, vocab] */
    double uniform;                      /* in [0, 1), one draw shared by all rows */
    int32_t rows, vocab;
    int32_t penalized_count, top_k;
    float temperature, top_p, repetition_penalty;
    int32_t reserved;
} glmk_sample_args;
GLMK_ASSERT_SIZE(glmk_sample_args, 96);

GLMK_INLINE glmk_launch glmk_sample_launch(int32_t rows) {
    return glmk_launch_of((uint32_t) rows, 1, 1, GLMK_SAMPLE_THREADS, 0);
}

GLMK_INLINE uint64_t glmk_sample_workspace_bytes(int32_t rows, int32_t vocab) {
    return (uint64_t) rows * (uint64_t) vocab * (sizeof(float) + sizeof(double));
}

/* ============================================================================== attention.cu, attention_prefill.cu */

/**
 * Scaled dot-product attention, as org.glm4j.core.backend.AttentionSpec: q [q_len, q_heads, head_dim],
 * k, v [k_len, kv_heads, head_dim], out like q; query head h reads kv head h / (q_heads / kv_heads). Query row i
 * sees keys [lo, hi): [0, k_len), or with causal [0, min(k_len, query_offset + i + 1)), or with segments (device
 * int32 boundaries 0 = s0 < … < s_n = q_len, segment_count = n) the keys of its own segment. Scores, softmax and
 * accumulation in f32; scores are scaled by scale·log2(e) and exponentiated with exp2.
 *
 * glmk_attention_{f32,bf16,f16} (suffix: k and v) — the general kernel: any head_dim ≤ 256, any group size,
 * any strides and alignment, q and out of any floating dtype. A block owns up to 16 (query row, query head)
 * "slots" sharing one kv head (rows_per_block · heads_per_block ≤ 16) and one split of the keys; keys stream
 * through shared memory 32 at a time. Decode (q_len = 1) puts the whole GQA group in one block and splits the
 * keys over the grid (split-K); with splits > 1 the kernel writes partial (max, sum, accumulator) triples and
 * glmk_attention_combine_{f32,bf16,f16} (suffix: out) reduces them into out. With splits == 1 it writes out.
 * It is also the f32 prefill of the golden path (rows_per_block query rows share every key tile, online softmax
 * as in a flash kernel, f32 end to end). glmk_attention_configure() picks the plan; the dynamic shared memory
 * (glmk_attention_shared_bytes) exceeds 48 KiB for head_dim > 128, which needs
 * CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES set on the function once.
 *
 * glmk_attention_prefill_{bf16,f16} (suffix: q, k and v) — flash-style tensor-core kernel (mma.sync m16n8k16,
 * f32 accumulation, online softmax): head_dim == 128 exactly; q, k, v rows 16-byte aligned (pointers and
 * strides multiples of 8 elements); out of any floating dtype; splits must be 1; position must be NULL. Uses
 * GLMK_ATTN_PREFILL_SHARED_BYTES of dynamic shared memory (> 48 KiB: set the attribute once).
 *
 * position (general kernel and combine only): NULL, or a device int32 read when the kernel runs that replaces
 * query_offset (causal must be 1, segments NULL). The keys the queries can see end at *position + q_len ≤ k_len,
 * so k and v may be a whole KV cache of k_len rows of which only the first *position + q_len are read: a launch
 * captured in a CUDA graph stays valid while the cache fills. The plan (splits) is made for k_len; each split then
 * takes an equal share of the *position + q_len keys, rounded up to whole tiles. *position < 0 or
 * *position + q_len > k_len writes nothing and reports GLMK_ERR_INDEX.
 */
typedef struct glmk_attention_args {
    int32_t* status;
    void* out;        int64_t out_token_stride, out_head_stride;
    const void* q;    int64_t q_token_stride, q_head_stride;
    const void* k;    int64_t k_token_stride, k_head_stride;
    const void* v;    int64_t v_token_stride, v_head_stride;
    const int32_t* segments;                 /* NULL: one segment */
    float* partial;                          /* splits > 1: glmk_attention_partial_floats() floats */
    int32_t out_dtype, q_dtype;
    int32_t q_len, k_len, q_heads, kv_heads, head_dim;
    int32_t causal, query_offset, segment_count;
    float scale;
    int32_t rows_per_block, heads_per_block; /* set by glmk_attention_configure */
    int32_t keys_per_split, splits;          /* keys_per_split a multiple of 32 */
    int32_t reserved;
    const int32_t* position;                 /* NULL, or the device query offset (see above) */
} glmk_attention_args;
GLMK_ASSERT_SIZE(glmk_attention_args, 192);

#define GLMK_ATTN_MAX_HEAD_DIM       256
#define GLMK_ATTN_SLOTS              16
#define GLMK_ATTN_KEY_TILE           32
#define GLMK_ATTN_PREFILL_HEAD_DIM   128
#define GLMK_ATTN_PREFILL_ROWS       64
#define GLMK_ATTN_PREFILL_SHARED_BYTES (2 * 2 * 64 * (128 + 8) * 2) /* 2 stages × (K, V) × 64 keys × padded row */

/**
 * Fills rows_per_block, heads_per_block, keys_per_split and splits of the general kernel for sm_count SMs: a block
 * takes min(group, 16) heads of one kv head and as many rows as fit in 16 slots; when that gives fewer than two
 * blocks per SM (decode), the keys are split until there are, keeping at least 4 key tiles (128 keys) per split
 * so the partials stay small next to the K/V bytes a split reads.
 */
GLMK_INLINE void glmk_attention_configure(glmk_attention_args* a, int32_t sm_count) {
    int32_t group = a->q_heads / a->kv_heads;
    int32_t heads = group < GLMK_ATTN_SLOTS ? group : GLMK_ATTN_SLOTS;
    int32_t rows = GLMK_ATTN_SLOTS / heads;
    if (rows > a->q_len) rows = a->q_len;
    int64_t blocks = (int64_t) glmk_ceil_div(a->q_len, rows) * a->kv_heads * glmk_ceil_div(group, heads);
    int64_t tiles = glmk_ceil_div(a->k_len, GLMK_ATTN_KEY_TILE);
    int64_t max_splits = tiles / 4 > 1 ? tiles / 4 : 1;
    int64_t want = 2 * (int64_t) sm_count;
    int64_t splits = blocks >= want ? 1 : (want + blocks - 1) / blocks;
    if (splits > max_splits) splits = max_splits;
    int64_t tiles_per_split = (tiles + splits - 1) / splits;
    a->rows_per_block = rows;
    a->heads_per_block = heads;
    a->keys_per_split = (int32_t) (tiles_per_split * GLMK_ATTN_KEY_TILE);
    a->splits = (int32_t) ((tiles + tiles_per_split - 1) / tiles_per_split);
}

/** Floats of the partial buffer: per (query row, query head, split) head_dim accumulators plus max and sum. */
GLMK_INLINE uint64_t glmk_attention_partial_floats(const glmk_attention_args* a) {
    return (uint64_t) a->q_len * (uint64_t) a->q_heads * (uint64_t) a->splits * (uint64_t) (a->head_dim + 2);
}

/** Dynamic shared memory of glmk_attention_*: slot queries, a padded key tile and a value tile, all f32. */
GLMK_INLINE uint32_t glmk_attention_shared_bytes(int32_t head_dim) {
    return (uint32_t) (sizeof(float) * ((uint64_t) GLMK_ATTN_SLOTS * head_dim
            + (uint64_t) GLMK_ATTN_KEY_TILE * (head_dim + 1) + (uint64_t) GLMK_ATTN_KEY_TILE * head_dim));
}

GLMK_INLINE glmk_launch glmk_attention_launch(const glmk_attention_args* a) {
    int32_t group = a->q_heads / a->kv_heads;
    return glmk_launch_of(glmk_ceil_div(a->q_len, a->rows_per_block), (uint32_t) a->splits,
            (uint32_t) a->kv_heads * glmk_ceil_div(group, a->heads_per_block), GLMK_ATTN_THREADS,
            glmk_attention_shared_bytes(a->head_dim));
}

GLMK_INLINE glmk_launch glmk_attention_combine_launch(const glmk_attention_args* a) {
    return glmk_launch_of((uint32_t) a->q_len, (uint32_t) a->q_heads, 1, GLMK_ATTN_THREADS, 0);
}

GLMK_INLINE glmk_launch glmk_attention_prefill_launch(const glmk_attention_args* a) {
    return glmk_launch_of(glmk_ceil_div(a->q_len, GLMK_ATTN_PREFILL_ROWS), (uint32_t) a->q_heads, 1,
            GLMK_ATTN_THREADS, GLMK_ATTN_PREFILL_SHARED_BYTES);
}

/* ========================================================================================== launching from C */

#ifdef CUDA_VERSION
/**
 * Launches `fn` (a glmk_* kernel of this module) with geometry `l` on `stream` (a CUstream, or NULL for the legacy
 * default stream), passing the argument struct `args` by value; returns the CUresult of cuLaunchKernel.
 * Available when cuda.h is included before this header.
 */
static inline int glmk_launch_on(CUfunction fn, glmk_launch l, void* stream, void* args) {
    void* params[1];
    params[0] = args;
    return (int) cuLaunchKernel(fn, l.grid[0], l.grid[1], l.grid[2], l.block[0], l.block[1], l.block[2],
            l.shared_bytes, (CUstream) stream, params, NULL);
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* GLMK_H */
