package org.glm4j.core.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The argument structs of {@code native/include/glmk.h}, one {@link Struct} per op, with the C layout rules the
 * header relies on (fields in declaration order, each at its natural alignment, size padded to 8). A test compiles
 * {@code glmk.h} with {@code gcc} and checks every size and offset here against {@code sizeof}/{@code offsetof}.
 */
public final class GlmkArgs {
    private GlmkArgs() {}

    /** Field kinds: 8-byte pointer, int64, int32, float, double. */
    enum Kind {
        PTR(8), I64(8), I32(4), F32(4), F64(8);
        final int bytes;
        Kind(int bytes) { this.bytes = bytes; }
    }

    /** One struct: named fields at fixed offsets, written into a caller's segment. */
    public static final class Struct {
        private final String name;
        private final Map<String, long[]> fields = new LinkedHashMap<>();   // name -> {offset, kind ordinal}
        private final long size;

        Struct(String name, String spec) {
            this.name = name;
            long off = 0;
            for (String f : spec.trim().split("\\s*,\\s*")) {
                String[] kv = f.split(":");
                Kind k = switch (kv[0]) {
                    case "p" -> Kind.PTR;
                    case "l" -> Kind.I64;
                    case "i" -> Kind.I32;
                    case "f" -> Kind.F32;
                    case "d" -> Kind.F64;
                    default -> throw new IllegalArgumentException(kv[0]);
                };
                off = (off + k.bytes - 1) / k.bytes * k.bytes;
                fields.put(kv[1], new long[] { off, k.ordinal() });
                off += k.bytes;
            }
            this.size = (off + 7) / 8 * 8;
        }

        /** The C name, {@code glmk_<op>_args}. */
        public String name() { return name; }

        public long size() { return size; }

        /** Field names in declaration order with their byte offsets. */
        public Map<String, Long> offsets() {
            Map<String, Long> m = new LinkedHashMap<>();
            fields.forEach((k, v) -> m.put(k, v[0]));
            return m;
        }

        private long[] field(String f, Kind expect) {
            long[] v = fields.get(f);
            if (v == null) throw new IllegalArgumentException(name + " has no field " + f);
            Kind k = Kind.values()[(int) v[1]];
            if (k != expect && !(expect == Kind.I64 && k == Kind.PTR))
                throw new IllegalArgumentException(name + "." + f + " is " + k + ", not " + expect);
            return v;
        }

        /** Sets a pointer field to a device address (0 for NULL). */
        public Struct ptr(MemorySegment s, String f, long address) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, field(f, Kind.PTR)[0], address);
            return this;
        }

        public Struct i64(MemorySegment s, String f, long v) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, field(f, Kind.I64)[0], v);
            return this;
        }

        public Struct i32(MemorySegment s, String f, int v) {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, field(f, Kind.I32)[0], v);
            return this;
        }

        public Struct f32(MemorySegment s, String f, float v) {
            s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, field(f, Kind.F32)[0], v);
            return this;
        }

        public Struct f64(MemorySegment s, String f, double v) {
            s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, field(f, Kind.F64)[0], v);
            return this;
        }

        public int getI32(MemorySegment s, String f) { return s.get(ValueLayout.JAVA_INT_UNALIGNED, field(f, Kind.I32)[0]); }

        @Override public String toString() { return name + "(" + size + " bytes)"; }
    }

    public static final Struct RMSNORM = new Struct("glmk_rmsnorm_args",
            "p:status, p:out, l:out_stride, p:x, l:x_stride, p:residual, l:residual_stride, p:sum_out, l:sum_stride,"
            + "p:weight, i:x_dtype, i:residual_dtype, i:sum_dtype, i:weight_dtype, i:rows, i:cols, f:eps, i:reserved");
    public static final Struct LAYERNORM = new Struct("glmk_layernorm_args",
            "p:status, p:out, l:out_stride, p:x, l:x_stride, p:weight, p:bias, i:x_dtype, i:weight_dtype, i:bias_dtype,"
            + "i:rows, i:cols, f:eps");
    public static final Struct ROPE = new Struct("glmk_rope_args",
            "p:status, p:qk, l:token_stride, l:head_stride, p:cos, l:cos_stride, p:sin, l:sin_stride, i:cos_dtype,"
            + "i:sin_dtype, i:tokens, i:heads, i:rotary_dims, i:interleaved");
    public static final Struct SWIGLU = new Struct("glmk_swiglu_args",
            "p:status, p:out, l:out_stride, p:gate_up, l:gate_up_stride, i:gate_up_dtype, i:rows, i:cols, i:reserved");
    public static final Struct UNARY = new Struct("glmk_unary_args",
            "p:status, p:out, l:out_stride, p:x, l:x_stride, i:x_dtype, i:fn, i:rows, i:cols");
    public static final Struct BINARY = new Struct("glmk_binary_args",
            "p:status, p:out, l:out_stride, p:a, l:a_stride, p:b, l:b_stride, i:a_dtype, i:b_dtype, i:fn, i:rows,"
            + "i:cols, i:reserved");
    public static final Struct BIAS_ADD = new Struct("glmk_bias_add_args",
            "p:status, p:x, l:x_stride, p:bias, i:bias_dtype, i:rows, i:cols, i:reserved");
    public static final Struct SOFTMAX = new Struct("glmk_softmax_args",
            "p:status, p:out, l:out_stride, p:x, l:x_stride, i:x_dtype, i:rows, i:cols, i:reserved");
    public static final Struct EMBEDDING = new Struct("glmk_embedding_args",
            "p:status, p:out, l:out_stride, p:table, l:table_stride, p:ids, i:table_dtype, i:ids_dtype, i:count,"
            + "i:cols, i:table_rows, i:reserved");
    public static final Struct RESAMPLE = new Struct("glmk_resample_args",
            "p:status, p:out, l:out_stride, p:table, l:table_stride, p:points, l:points_stride, i:table_dtype,"
            + "i:count, i:channels, i:table_height, i:table_width, i:reserved");
    public static final Struct CONVERT = new Struct("glmk_convert_args",
            "p:status, p:out, l:out_stride, p:x, l:x_stride, i:x_dtype, i:rows, i:cols, i:reserved");
    public static final Struct WINDOW_PERMUTE = new Struct("glmk_window_permute_args",
            "p:status, p:out, l:out_stride, p:x, l:x_stride, i:x_dtype, i:windows, i:positions, i:channels");
    public static final Struct ARGMAX = new Struct("glmk_argmax_args",
            "p:status, p:ids, p:logits, l:logits_stride, i:rows, i:vocab");
    public static final Struct SAMPLE = new Struct("glmk_sample_args",
            "p:status, p:ids, p:logits, l:logits_stride, p:penalized_ids, p:work, p:work_prob, d:uniform, i:rows,"
            + "i:vocab, i:penalized_count, i:top_k, f:temperature, f:top_p, f:repetition_penalty, i:reserved");
    public static final Struct ATTENTION = new Struct("glmk_attention_args",
            "p:status, p:out, l:out_token_stride, l:out_head_stride, p:q, l:q_token_stride, l:q_head_stride, p:k,"
            + "l:k_token_stride, l:k_head_stride, p:v, l:v_token_stride, l:v_head_stride, p:segments, p:partial,"
            + "i:out_dtype, i:q_dtype, i:q_len, i:k_len, i:q_heads, i:kv_heads, i:head_dim, i:causal,"
            + "i:query_offset, i:segment_count, f:scale, i:rows_per_block, i:heads_per_block, i:keys_per_split,"
            + "i:splits, i:reserved, p:position");
    public static final Struct COPY_ROWS_AT = new Struct("glmk_copy_rows_at_args",
            "p:status, p:dst, l:dst_stride, p:src, l:src_stride, p:at, i:rows, i:cols, i:dst_rows, i:reserved");

    /** Every struct, for the ABI test. */
    public static List<Struct> all() {
        return List.of(RMSNORM, LAYERNORM, ROPE, SWIGLU, UNARY, BINARY, BIAS_ADD, SOFTMAX, EMBEDDING, RESAMPLE, CONVERT,
                WINDOW_PERMUTE, ARGMAX, SAMPLE, ATTENTION, COPY_ROWS_AT);
    }

    /** Largest struct size, for the per-thread argument buffer. */
    static final long MAX_SIZE = 256;

    // ---------------------------------------------------------------- launch geometry (glmk.h's helpers)

    static final int ROW_THREADS = 256, EW_THREADS = 256, EW_COLS_PER_BLOCK = 1024, ROPE_THREADS = 128,
            RESAMPLE_THREADS = 256, SAMPLE_THREADS = 1024, ATTN_THREADS = 128;
    static final int ATTN_MAX_HEAD_DIM = 256, ATTN_SLOTS = 16, ATTN_KEY_TILE = 32, ATTN_PREFILL_HEAD_DIM = 128,
            ATTN_PREFILL_ROWS = 64, ATTN_PREFILL_SHARED_BYTES = 2 * 2 * 64 * (128 + 8) * 2, SAMPLE_CANDIDATES = 1024;

    /** Grid x, y, z, block x, dynamic shared bytes. */
    public record Launch(int gx, int gy, int gz, int block, int shared) {}

    static int ceilDiv(long a, long b) { return (int) ((a + b - 1) / b); }

    public static Launch elementwise(int rows, int cols) { return new Launch(rows, ceilDiv(cols, EW_COLS_PER_BLOCK), 1, EW_THREADS, 0); }

    public static Launch row(int rows) { return new Launch(rows, 1, 1, ROW_THREADS, 0); }

    public static Launch rope(int tokens) { return new Launch(tokens, 1, 1, ROPE_THREADS, 0); }

    public static Launch resample(int count) { return new Launch(count, 1, 1, RESAMPLE_THREADS, 0); }

    public static Launch sample(int rows) { return new Launch(rows, 1, 1, SAMPLE_THREADS, 0); }

    /** glmk_attention_configure: fills rows_per_block, heads_per_block, keys_per_split and splits in {@code a}. */
    public static void attentionConfigure(MemorySegment a, int smCount) {
        Struct s = ATTENTION;
        int qHeads = s.getI32(a, "q_heads"), kvHeads = s.getI32(a, "kv_heads"), qLen = s.getI32(a, "q_len"), kLen = s.getI32(a, "k_len");
        int group = qHeads / kvHeads;
        int heads = Math.min(group, ATTN_SLOTS);
        int rows = Math.min(ATTN_SLOTS / heads, qLen);
        long blocks = (long) ceilDiv(qLen, rows) * kvHeads * ceilDiv(group, heads);
        long tiles = ceilDiv(kLen, ATTN_KEY_TILE);
        long maxSplits = tiles / 4 > 1 ? tiles / 4 : 1;
        long want = 2L * smCount;
        long splits = blocks >= want ? 1 : (want + blocks - 1) / blocks;
        if (splits > maxSplits) splits = maxSplits;
        long tilesPerSplit = (tiles + splits - 1) / splits;
        s.i32(a, "rows_per_block", rows).i32(a, "heads_per_block", heads)
                .i32(a, "keys_per_split", (int) (tilesPerSplit * ATTN_KEY_TILE))
                .i32(a, "splits", (int) ((tiles + tilesPerSplit - 1) / tilesPerSplit));
    }

    /** glmk_attention_partial_floats. */
    public static long attentionPartialFloats(MemorySegment a) {
        Struct s = ATTENTION;
        return (long) s.getI32(a, "q_len") * s.getI32(a, "q_heads") * s.getI32(a, "splits") * (s.getI32(a, "head_dim") + 2L);
    }

    /** glmk_attention_shared_bytes. */
    public static int attentionSharedBytes(int headDim) {
        return (int) (4L * ((long) ATTN_SLOTS * headDim + (long) ATTN_KEY_TILE * (headDim + 1) + (long) ATTN_KEY_TILE * headDim));
    }

    public static Launch attention(MemorySegment a) {
        Struct s = ATTENTION;
        int group = s.getI32(a, "q_heads") / s.getI32(a, "kv_heads");
        return new Launch(ceilDiv(s.getI32(a, "q_len"), s.getI32(a, "rows_per_block")), s.getI32(a, "splits"),
                s.getI32(a, "kv_heads") * ceilDiv(group, s.getI32(a, "heads_per_block")), ATTN_THREADS,
                attentionSharedBytes(s.getI32(a, "head_dim")));
    }

    public static Launch attentionCombine(MemorySegment a) {
        return new Launch(ATTENTION.getI32(a, "q_len"), ATTENTION.getI32(a, "q_heads"), 1, ATTN_THREADS, 0);
    }

    public static Launch attentionPrefill(MemorySegment a) {
        return new Launch(ceilDiv(ATTENTION.getI32(a, "q_len"), ATTN_PREFILL_ROWS), ATTENTION.getI32(a, "q_heads"), 1,
                ATTN_THREADS, ATTN_PREFILL_SHARED_BYTES);
    }

    /** glmk_sample_workspace_bytes. */
    public static long sampleWorkspaceBytes(int rows, int vocab) { return (long) rows * vocab * (4 + 8); }
}
