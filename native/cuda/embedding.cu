// Embedding gather: glmk_embedding_{f32,bf16,f16} (glmk.h, glmk_embedding_args).
//
// Algorithm: out[i, :] = table[ids[i], :] converted to out's dtype (a plain copy when the dtypes agree). An id
// outside [0, table_rows) — ids on the device are not checked by the Java side — writes a zero row and reports
// GLMK_ERR_INDEX, so a bad id never reads outside the table.
// Mapping: grid (count, ⌈cols/GLMK_EW_COLS_PER_BLOCK⌉), GLMK_EW_THREADS threads; block (i, y) copies columns
// [1024·y, 1024·y + 1024) of output row i, thread t columns 1024·y + t + 256·k (k < 4), coalesced.
// Layout: table and out rows at any stride, last dim contiguous; ids GLMK_I32 or GLMK_I64, contiguous.
// Accumulation: none.
#include "common.cuh"

namespace glmk::embedding {

template <typename T>
__device__ void run(const glmk_embedding_args& a) {
    if (bad_block(a.status, GLMK_EW_THREADS)) return;
    if (!is_floating(a.table_dtype) || (a.ids_dtype != GLMK_I32 && a.ids_dtype != GLMK_I64)) {
        fail(a.status, GLMK_ERR_DTYPE);
        return;
    }
    const int64_t i = blockIdx.x;
    const int64_t id = a.ids_dtype == GLMK_I32 ? static_cast<const int32_t*>(a.ids)[i]
                                               : static_cast<const int64_t*>(a.ids)[i];
    const bool valid = id >= 0 && id < a.table_rows;
    if (!valid && blockIdx.y == 0) fail(a.status, GLMK_ERR_INDEX);
    const void* src = valid ? row_any(a.table, a.table_dtype, a.table_stride, id) : nullptr;
    T* out = row<T>(a.out, a.out_stride, i);
    const int base = blockIdx.y * GLMK_EW_COLS_PER_BLOCK + threadIdx.x;
#pragma unroll
    for (int k = 0; k < GLMK_EW_COLS_PER_BLOCK / GLMK_EW_THREADS; k++) {
        const int c = base + k * GLMK_EW_THREADS;
        if (c < a.cols) store<T>(out, c, valid ? load_any(src, a.table_dtype, c) : 0.f);
    }
}

}  // namespace glmk::embedding

GLMK_EXPORT(GLMK_EW_THREADS, glmk_embedding_f32, glmk_embedding_args, glmk::embedding::run<float>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_embedding_bf16, glmk_embedding_args, glmk::embedding::run<glmk::bf16>(a))
GLMK_EXPORT(GLMK_EW_THREADS, glmk_embedding_f16, glmk_embedding_args, glmk::embedding::run<glmk::f16>(a))
