/*
 * Host-side check of glmk.h, compiled (never run) by native/build-kernels.sh as C11 and as C++17 with
 * -Wall -Wextra -Werror -pedantic: every argument struct keeps the field offsets below (the table a Java
 * MemoryLayout must mirror), the launch helpers compile, and with GLMK_TEST_WITH_CUDA_H (the toolkit's cuda.h
 * found) glmk_launch_on compiles against the real driver API. Regenerate the table only together with
 * GLMK_ABI_VERSION.
 */
#ifdef GLMK_TEST_WITH_CUDA_H
#include <cuda.h>
#endif
#include <stddef.h>
#include <string.h>

#include "glmk.h"

#ifdef __cplusplus
#define CHECK_OFFSET(type, field, offset) static_assert(offsetof(type, field) == (offset), #type "." #field)
#define CHECK_SIZE(type, bytes) static_assert(sizeof(type) == (bytes), #type)
#else
#define CHECK_OFFSET(type, field, offset) _Static_assert(offsetof(type, field) == (offset), #type "." #field)
#define CHECK_SIZE(type, bytes) _Static_assert(sizeof(type) == (bytes), #type)
#endif

CHECK_SIZE(glmk_launch, 28);

CHECK_OFFSET(glmk_rmsnorm_args, status, 0);
CHECK_OFFSET(glmk_rmsnorm_args, out, 8);
CHECK_OFFSET(glmk_rmsnorm_args, out_stride, 16);
CHECK_OFFSET(glmk_rmsnorm_args, x, 24);
CHECK_OFFSET(glmk_rmsnorm_args, x_stride, 32);
CHECK_OFFSET(glmk_rmsnorm_args, residual, 40);
CHECK_OFFSET(glmk_rmsnorm_args, residual_stride, 48);
CHECK_OFFSET(glmk_rmsnorm_args, sum_out, 56);
CHECK_OFFSET(glmk_rmsnorm_args, sum_stride, 64);
CHECK_OFFSET(glmk_rmsnorm_args, weight, 72);
CHECK_OFFSET(glmk_rmsnorm_args, x_dtype, 80);
CHECK_OFFSET(glmk_rmsnorm_args, residual_dtype, 84);
CHECK_OFFSET(glmk_rmsnorm_args, sum_dtype, 88);
CHECK_OFFSET(glmk_rmsnorm_args, weight_dtype, 92);
CHECK_OFFSET(glmk_rmsnorm_args, rows, 96);
CHECK_OFFSET(glmk_rmsnorm_args, cols, 100);
CHECK_OFFSET(glmk_rmsnorm_args, eps, 104);
CHECK_OFFSET(glmk_rmsnorm_args, reserved, 108);
CHECK_SIZE(glmk_rmsnorm_args, 112);

CHECK_OFFSET(glmk_layernorm_args, status, 0);
CHECK_OFFSET(glmk_layernorm_args, out, 8);
CHECK_OFFSET(glmk_layernorm_args, out_stride, 16);
CHECK_OFFSET(glmk_layernorm_args, x, 24);
CHECK_OFFSET(glmk_layernorm_args, x_stride, 32);
CHECK_OFFSET(glmk_layernorm_args, weight, 40);
CHECK_OFFSET(glmk_layernorm_args, bias, 48);
CHECK_OFFSET(glmk_layernorm_args, x_dtype, 56);
CHECK_OFFSET(glmk_layernorm_args, weight_dtype, 60);
CHECK_OFFSET(glmk_layernorm_args, bias_dtype, 64);
CHECK_OFFSET(glmk_layernorm_args, rows, 68);
CHECK_OFFSET(glmk_layernorm_args, cols, 72);
CHECK_OFFSET(glmk_layernorm_args, eps, 76);
CHECK_SIZE(glmk_layernorm_args, 80);

CHECK_OFFSET(glmk_rope_args, status, 0);
CHECK_OFFSET(glmk_rope_args, qk, 8);
CHECK_OFFSET(glmk_rope_args, token_stride, 16);
CHECK_OFFSET(glmk_rope_args, head_stride, 24);
CHECK_OFFSET(glmk_rope_args, cos, 32);
CHECK_OFFSET(glmk_rope_args, cos_stride, 40);
CHECK_OFFSET(glmk_rope_args, sin, 48);
CHECK_OFFSET(glmk_rope_args, sin_stride, 56);
CHECK_OFFSET(glmk_rope_args, cos_dtype, 64);
CHECK_OFFSET(glmk_rope_args, sin_dtype, 68);
CHECK_OFFSET(glmk_rope_args, tokens, 72);
CHECK_OFFSET(glmk_rope_args, heads, 76);
CHECK_OFFSET(glmk_rope_args, rotary_dims, 80);
CHECK_OFFSET(glmk_rope_args, interleaved, 84);
CHECK_SIZE(glmk_rope_args, 88);

CHECK_OFFSET(glmk_swiglu_args, status, 0);
CHECK_OFFSET(glmk_swiglu_args, out, 8);
CHECK_OFFSET(glmk_swiglu_args, out_stride, 16);
CHECK_OFFSET(glmk_swiglu_args, gate_up, 24);
CHECK_OFFSET(glmk_swiglu_args, gate_up_stride, 32);
CHECK_OFFSET(glmk_swiglu_args, gate_up_dtype, 40);
CHECK_OFFSET(glmk_swiglu_args, rows, 44);
CHECK_OFFSET(glmk_swiglu_args, cols, 48);
CHECK_OFFSET(glmk_swiglu_args, reserved, 52);
CHECK_SIZE(glmk_swiglu_args, 56);

CHECK_OFFSET(glmk_unary_args, status, 0);
CHECK_OFFSET(glmk_unary_args, out, 8);
CHECK_OFFSET(glmk_unary_args, out_stride, 16);
CHECK_OFFSET(glmk_unary_args, x, 24);
CHECK_OFFSET(glmk_unary_args, x_stride, 32);
CHECK_OFFSET(glmk_unary_args, x_dtype, 40);
CHECK_OFFSET(glmk_unary_args, fn, 44);
CHECK_OFFSET(glmk_unary_args, rows, 48);
CHECK_OFFSET(glmk_unary_args, cols, 52);
CHECK_SIZE(glmk_unary_args, 56);

CHECK_OFFSET(glmk_binary_args, status, 0);
CHECK_OFFSET(glmk_binary_args, out, 8);
CHECK_OFFSET(glmk_binary_args, out_stride, 16);
CHECK_OFFSET(glmk_binary_args, a, 24);
CHECK_OFFSET(glmk_binary_args, a_stride, 32);
CHECK_OFFSET(glmk_binary_args, b, 40);
CHECK_OFFSET(glmk_binary_args, b_stride, 48);
CHECK_OFFSET(glmk_binary_args, a_dtype, 56);
CHECK_OFFSET(glmk_binary_args, b_dtype, 60);
CHECK_OFFSET(glmk_binary_args, fn, 64);
CHECK_OFFSET(glmk_binary_args, rows, 68);
CHECK_OFFSET(glmk_binary_args, cols, 72);
CHECK_OFFSET(glmk_binary_args, reserved, 76);
CHECK_SIZE(glmk_binary_args, 80);

CHECK_OFFSET(glmk_bias_add_args, status, 0);
CHECK_OFFSET(glmk_bias_add_args, x, 8);
CHECK_OFFSET(glmk_bias_add_args, x_stride, 16);
CHECK_OFFSET(glmk_bias_add_args, bias, 24);
CHECK_OFFSET(glmk_bias_add_args, bias_dtype, 32);
CHECK_OFFSET(glmk_bias_add_args, rows, 36);
CHECK_OFFSET(glmk_bias_add_args, cols, 40);
CHECK_OFFSET(glmk_bias_add_args, reserved, 44);
CHECK_SIZE(glmk_bias_add_args, 48);

CHECK_OFFSET(glmk_softmax_args, status, 0);
CHECK_OFFSET(glmk_softmax_args, out, 8);
CHECK_OFFSET(glmk_softmax_args, out_stride, 16);
CHECK_OFFSET(glmk_softmax_args, x, 24);
CHECK_OFFSET(glmk_softmax_args, x_stride, 32);
CHECK_OFFSET(glmk_softmax_args, x_dtype, 40);
CHECK_OFFSET(glmk_softmax_args, rows, 44);
CHECK_OFFSET(glmk_softmax_args, cols, 48);
CHECK_OFFSET(glmk_softmax_args, reserved, 52);
CHECK_SIZE(glmk_softmax_args, 56);

CHECK_OFFSET(glmk_embedding_args, status, 0);
CHECK_OFFSET(glmk_embedding_args, out, 8);
CHECK_OFFSET(glmk_embedding_args, out_stride, 16);
CHECK_OFFSET(glmk_embedding_args, table, 24);
CHECK_OFFSET(glmk_embedding_args, table_stride, 32);
CHECK_OFFSET(glmk_embedding_args, ids, 40);
CHECK_OFFSET(glmk_embedding_args, table_dtype, 48);
CHECK_OFFSET(glmk_embedding_args, ids_dtype, 52);
CHECK_OFFSET(glmk_embedding_args, count, 56);
CHECK_OFFSET(glmk_embedding_args, cols, 60);
CHECK_OFFSET(glmk_embedding_args, table_rows, 64);
CHECK_OFFSET(glmk_embedding_args, reserved, 68);
CHECK_SIZE(glmk_embedding_args, 72);

CHECK_OFFSET(glmk_copy_rows_at_args, status, 0);
CHECK_OFFSET(glmk_copy_rows_at_args, dst, 8);
CHECK_OFFSET(glmk_copy_rows_at_args, dst_stride, 16);
CHECK_OFFSET(glmk_copy_rows_at_args, src, 24);
CHECK_OFFSET(glmk_copy_rows_at_args, src_stride, 32);
CHECK_OFFSET(glmk_copy_rows_at_args, at, 40);
CHECK_OFFSET(glmk_copy_rows_at_args, rows, 48);
CHECK_OFFSET(glmk_copy_rows_at_args, cols, 52);
CHECK_OFFSET(glmk_copy_rows_at_args, dst_rows, 56);
CHECK_OFFSET(glmk_copy_rows_at_args, reserved, 60);
CHECK_SIZE(glmk_copy_rows_at_args, 64);

CHECK_OFFSET(glmk_resample_args, status, 0);
CHECK_OFFSET(glmk_resample_args, out, 8);
CHECK_OFFSET(glmk_resample_args, out_stride, 16);
CHECK_OFFSET(glmk_resample_args, table, 24);
CHECK_OFFSET(glmk_resample_args, table_stride, 32);
CHECK_OFFSET(glmk_resample_args, points, 40);
CHECK_OFFSET(glmk_resample_args, points_stride, 48);
CHECK_OFFSET(glmk_resample_args, table_dtype, 56);
CHECK_OFFSET(glmk_resample_args, count, 60);
CHECK_OFFSET(glmk_resample_args, channels, 64);
CHECK_OFFSET(glmk_resample_args, table_height, 68);
CHECK_OFFSET(glmk_resample_args, table_width, 72);
CHECK_OFFSET(glmk_resample_args, reserved, 76);
CHECK_SIZE(glmk_resample_args, 80);

CHECK_OFFSET(glmk_convert_args, status, 0);
CHECK_OFFSET(glmk_convert_args, out, 8);
CHECK_OFFSET(glmk_convert_args, out_stride, 16);
CHECK_OFFSET(glmk_convert_args, x, 24);
CHECK_OFFSET(glmk_convert_args, x_stride, 32);
CHECK_OFFSET(glmk_convert_args, x_dtype, 40);
CHECK_OFFSET(glmk_convert_args, rows, 44);
CHECK_OFFSET(glmk_convert_args, cols, 48);
CHECK_OFFSET(glmk_convert_args, reserved, 52);
CHECK_SIZE(glmk_convert_args, 56);
CHECK_OFFSET(glmk_window_permute_args, status, 0);
CHECK_OFFSET(glmk_window_permute_args, out, 8);
CHECK_OFFSET(glmk_window_permute_args, out_stride, 16);
CHECK_OFFSET(glmk_window_permute_args, x, 24);
CHECK_OFFSET(glmk_window_permute_args, x_stride, 32);
CHECK_OFFSET(glmk_window_permute_args, x_dtype, 40);
CHECK_OFFSET(glmk_window_permute_args, windows, 44);
CHECK_OFFSET(glmk_window_permute_args, positions, 48);
CHECK_OFFSET(glmk_window_permute_args, channels, 52);
CHECK_SIZE(glmk_window_permute_args, 56);

CHECK_OFFSET(glmk_argmax_args, status, 0);
CHECK_OFFSET(glmk_argmax_args, ids, 8);
CHECK_OFFSET(glmk_argmax_args, logits, 16);
CHECK_OFFSET(glmk_argmax_args, logits_stride, 24);
CHECK_OFFSET(glmk_argmax_args, rows, 32);
CHECK_OFFSET(glmk_argmax_args, vocab, 36);
CHECK_SIZE(glmk_argmax_args, 40);

CHECK_OFFSET(glmk_sample_args, status, 0);
CHECK_OFFSET(glmk_sample_args, ids, 8);
CHECK_OFFSET(glmk_sample_args, logits, 16);
CHECK_OFFSET(glmk_sample_args, logits_stride, 24);
CHECK_OFFSET(glmk_sample_args, penalized_ids, 32);
CHECK_OFFSET(glmk_sample_args, work, 40);
CHECK_OFFSET(glmk_sample_args, work_prob, 48);
CHECK_OFFSET(glmk_sample_args, uniform, 56);
CHECK_OFFSET(glmk_sample_args, rows, 64);
CHECK_OFFSET(glmk_sample_args, vocab, 68);
CHECK_OFFSET(glmk_sample_args, penalized_count, 72);
CHECK_OFFSET(glmk_sample_args, top_k, 76);
CHECK_OFFSET(glmk_sample_args, temperature, 80);
CHECK_OFFSET(glmk_sample_args, top_p, 84);
CHECK_OFFSET(glmk_sample_args, repetition_penalty, 88);
CHECK_OFFSET(glmk_sample_args, reserved, 92);
CHECK_SIZE(glmk_sample_args, 96);

CHECK_OFFSET(glmk_attention_args, status, 0);
CHECK_OFFSET(glmk_attention_args, out, 8);
CHECK_OFFSET(glmk_attention_args, out_token_stride, 16);
CHECK_OFFSET(glmk_attention_args, out_head_stride, 24);
CHECK_OFFSET(glmk_attention_args, q, 32);
CHECK_OFFSET(glmk_attention_args, q_token_stride, 40);
CHECK_OFFSET(glmk_attention_args, q_head_stride, 48);
CHECK_OFFSET(glmk_attention_args, k, 56);
CHECK_OFFSET(glmk_attention_args, k_token_stride, 64);
CHECK_OFFSET(glmk_attention_args, k_head_stride, 72);
CHECK_OFFSET(glmk_attention_args, v, 80);
CHECK_OFFSET(glmk_attention_args, v_token_stride, 88);
CHECK_OFFSET(glmk_attention_args, v_head_stride, 96);
CHECK_OFFSET(glmk_attention_args, segments, 104);
CHECK_OFFSET(glmk_attention_args, partial, 112);
CHECK_OFFSET(glmk_attention_args, out_dtype, 120);
CHECK_OFFSET(glmk_attention_args, q_dtype, 124);
CHECK_OFFSET(glmk_attention_args, q_len, 128);
CHECK_OFFSET(glmk_attention_args, k_len, 132);
CHECK_OFFSET(glmk_attention_args, q_heads, 136);
CHECK_OFFSET(glmk_attention_args, kv_heads, 140);
CHECK_OFFSET(glmk_attention_args, head_dim, 144);
CHECK_OFFSET(glmk_attention_args, causal, 148);
CHECK_OFFSET(glmk_attention_args, query_offset, 152);
CHECK_OFFSET(glmk_attention_args, segment_count, 156);
CHECK_OFFSET(glmk_attention_args, scale, 160);
CHECK_OFFSET(glmk_attention_args, rows_per_block, 164);
CHECK_OFFSET(glmk_attention_args, heads_per_block, 168);
CHECK_OFFSET(glmk_attention_args, keys_per_split, 172);
CHECK_OFFSET(glmk_attention_args, splits, 176);
CHECK_OFFSET(glmk_attention_args, reserved, 180);
CHECK_OFFSET(glmk_attention_args, position, 184);
CHECK_SIZE(glmk_attention_args, 192);

/* The launch helpers as a host would call them for a 9B decode step (32 query heads, 2 kv heads, 4096 keys). */
uint32_t glmk_header_test_decode_blocks(void);
uint32_t glmk_header_test_decode_blocks(void) {
    glmk_attention_args a;
    memset(&a, 0, sizeof a);
    a.q_len = 1;
    a.k_len = 4096;
    a.q_heads = 32;
    a.kv_heads = 2;
    a.head_dim = 128;
    glmk_attention_configure(&a, 132);
    glmk_launch l = glmk_attention_launch(&a);
    glmk_launch c = glmk_attention_combine_launch(&a);
    glmk_launch p = glmk_attention_prefill_launch(&a);
    glmk_launch r = glmk_row_launch(4);
    glmk_launch e = glmk_elementwise_launch(4, 4096);
    glmk_launch s = glmk_sample_launch(1);
    return l.grid[0] * l.grid[1] * l.grid[2] + c.grid[0] + p.grid[0] + r.grid[0] + e.grid[1] + s.grid[0]
            + (uint32_t) glmk_attention_partial_floats(&a) + (uint32_t) glmk_sample_workspace_bytes(1, 151552)
            + glmk_rope_launch(1).block[0] + glmk_resample_launch(1).block[0];
}

#ifdef GLMK_TEST_WITH_CUDA_H
int glmk_header_test_launch(CUfunction fn, void* stream);
int glmk_header_test_launch(CUfunction fn, void* stream) {
    glmk_rmsnorm_args a;
    memset(&a, 0, sizeof a);
    return glmk_launch_on(fn, glmk_row_launch(1), stream, &a);
}
#endif
