package org.glm4j.core.backend.cuda;

import static org.glm4j.bindings.cudnn.cudnn_graph_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.cudnn.CudnnLibrary;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Tensor;

/**
 * Attention through cuDNN's fused scaled dot-product attention, built with the cuDNN 9 backend API: one
 * {@code CUDNN_BACKEND_OPERATION_SDPA_FWD_DESCRIPTOR} (cuDNN 9.13+) over Q, K, V, O and a by-value scale, in an
 * operation graph; engine configurations from the heuristics (mode A), the first that finalizes as an execution
 * plan; a workspace of the plan's size; a variant pack per execution.
 *
 * <p><b>What it serves.</b> bf16 or f16 q, k, v and out of one dtype, head_dim a multiple of 8 up to 128, rows
 * 16-byte aligned, GQA through the K/V head count. Full attention on any cuDNN ≥ 9.13. Causal attention needs the
 * operation's score-modifier subgraph (cuDNN 9.21+), holding one diagonal band mask (9.20+); only the top-left
 * aligned mask is built (query offset 0 and as many queries as keys: a prefill), so chunked causal attention stays
 * with our kernel. Segments (the vision tower's per-image attention) become batches: each run of consecutive
 * segments of one length is one execution whose batch stride is a segment's rows; no ragged offsets are used.
 * Everything else is our kernel's, and {@link #ineligible} says why.
 *
 * <p><b>Plans</b> are cached per thread (with the cuDNN handle bound to that thread's stream) by {@link Key}: dtype,
 * batch, lengths, heads, head_dim, mask and every stride; at most {@value #PLAN_CACHE}, least recently used evicted.
 * A plan that does not build (no engine for the shape, an engine that needs NVRTC and cannot load it, an old
 * library) is remembered as failed with its {@link CudnnException} and not tried again.
 *
 * <p>Assumptions where the cuDNN documentation is thin, to be confirmed by the GPU check (its parity suite runs this
 * path against the JVM backend, and the backend compares each new shape's output with our kernel's before using it):
 * <ul>
 *   <li>Tensor descriptors are 4-D {@code [batch, heads, sequence, head_dim]} with element strides, so our
 *       {@code [tokens, heads, head_dim]} rows are the BSHD layout (strides {@code [S·T, head, token, 1]}), as in
 *       NVIDIA's and others' backend-API samples.</li>
 *   <li>{@code CUDNN_TYPE_BOOLEAN} values are C {@code bool}: we pass a zeroed 8-byte buffer whose first byte is 0 or
 *       1, which reads the same as a {@code bool} or an {@code int}.</li>
 *   <li>By-value scalars (the scale, the mask's fill value) are host addresses in the variant pack, read when
 *       {@code cudnnBackendExecute} is called.</li>
 *   <li>The diagonal band mask with only {@code CMP_GE} set (no bounds, no sequence lengths) keeps score (i, j)
 *       where {@code i ≥ j} and writes the fill value (−∞) elsewhere: the top-left causal mask.</li>
 *   <li>Every descriptor a plan was built from is kept until the plan is destroyed (the API does not say whether a
 *       finalized plan still refers to them).</li>
 *   <li>The subgraph carries the handle like the main graph; its virtual score tensors are f32
 *       {@code [batch, q heads, queries, keys]}.</li>
 * </ul>
 */
final class CudnnSdpa {
    private CudnnSdpa() {}

    /** First cuDNN with the fused SDPA forward operation. */
    static final long MIN_VERSION = 91300;
    /** First cuDNN whose SDPA operation takes a score-modifier subgraph (the causal mask). */
    static final long CAUSAL_MIN_VERSION = 92100;
    /** Plans kept per thread. */
    static final int PLAN_CACHE = 32;
    /** Largest head_dim sent to cuDNN (every architecture's engines serve up to 128). */
    static final int MAX_HEAD_DIM = 128;

    // Variant-pack unique ids of the graph's tensors.
    static final long UID_Q = 1, UID_K = 2, UID_V = 3, UID_O = 4, UID_SCALE = 5, UID_FILL = 6, UID_SCORES = 100,
            UID_MASKED = 101;

    private static final System.Logger LOG = System.getLogger("org.glm4j.backend.cuda");

    // ================================================================ what the installed cuDNN offers

    /** The cuDNN found when the backend opened: its version, or why the SDPA path is off. */
    record Probe(long version, String unavailable) {
        static Probe run() {
            try {
                CudnnLibrary.load();
                long v = cudnnGetVersion();
                if (v < MIN_VERSION)
                    return new Probe(v, "cuDNN " + text(v) + " has no fused SDPA operation (it came with 9.13)");
                return new Probe(v, null);
            } catch (LibraryUnavailableException e) {
                return new Probe(0, e.getMessage());
            } catch (LinkageError | RuntimeException e) {
                return new Probe(0, "cuDNN could not be used: " + e);
            }
        }

        boolean available() { return unavailable == null; }

        boolean causal() { return available() && version >= CAUSAL_MIN_VERSION; }

        @Override public String toString() {
            if (!available()) return "cuDNN SDPA off: " + unavailable;
            return "cuDNN " + text(version) + " SDPA (full attention" + (causal() ? ", causal prefill" : "; causal needs 9.21") + ")";
        }
    }

    /** {@code 91300} as {@code 9.13.0}. */
    static String text(long v) { return v / 10000 + "." + v / 100 % 100 + "." + v % 100; }

    // ================================================================ eligibility and the executions of one op

    /** Why this attention cannot go to cuDNN, or null when it can. */
    static String ineligible(Probe probe, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        if (!probe.available()) return probe.unavailable();
        DType t = q.dtype();
        if ((t != DType.BF16 && t != DType.F16) || k.dtype() != t || v.dtype() != t || out.dtype() != t)
            return "cuDNN SDPA takes q, k, v and out of one 16-bit dtype, got " + q.dtype() + "/" + k.dtype() + "/" + v.dtype() + "/" + out.dtype();
        int d = q.dim(2);
        if (d % 8 != 0 || d > MAX_HEAD_DIM) return "head_dim " + d + " (cuDNN SDPA is used for multiples of 8 up to " + MAX_HEAD_DIM + ")";
        long bits = CudaBackend.ptr(q) | CudaBackend.ptr(k) | CudaBackend.ptr(v) | CudaBackend.ptr(out);
        long strides = q.stride(0) | q.stride(1) | k.stride(0) | k.stride(1) | v.stride(0) | v.stride(1) | out.stride(0) | out.stride(1);
        if ((bits & 15) != 0 || (strides & 7) != 0) return "rows not 16-byte aligned";
        if (spec.causal()) {
            if (!probe.causal()) return "cuDNN " + text(probe.version()) + " has no SDPA score-modifier subgraph for the causal mask (9.21)";
            if (spec.queryOffset() != 0 || q.dim(0) != k.dim(0))
                return "causal attention with a query offset (only the top-left mask of a prefill is built)";
        }
        return null;
    }

    /**
     * One plan's shape: what cuDNN bakes into an execution plan. Strides are in elements; the batch strides step
     * from one segment to the next.
     */
    record Key(DType dtype, int batch, int qLen, int kLen, int qHeads, int kvHeads, int headDim, boolean causal,
               long qBatch, long qToken, long qHead, long kBatch, long kToken, long kHead, long vBatch, long vToken,
               long vHead, long oBatch, long oToken, long oHead) {
        @Override public String toString() {
            return dtype + " batch " + batch + ", " + qLen + " queries x " + kLen + " keys, " + qHeads + "/" + kvHeads + " heads x "
                    + headDim + (causal ? ", causal" : ", full");
        }
    }

    /**
     * The unit of the AUTO path choice: dtype, heads, head_dim, mask, the number of executions, and the longest
     * query and key lengths rounded up to a power of two (timing every prompt length would cost more than it saves).
     */
    record Bucket(DType dtype, int qHeads, int kvHeads, int headDim, boolean causal, int calls, int batch, int qLen, int kLen) {
        static Bucket of(List<Call> calls) {
            Key first = calls.getFirst().key();
            int batch = 0, ql = 0, kl = 0;
            for (Call c : calls) {
                batch += c.key().batch();
                ql = Math.max(ql, c.key().qLen());
                kl = Math.max(kl, c.key().kLen());
            }
            return new Bucket(first.dtype(), first.qHeads(), first.kvHeads(), first.headDim(), first.causal(), calls.size(),
                    roundUp(batch), roundUp(ql), roundUp(kl));
        }

        private static int roundUp(int n) { return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1; }

        @Override public String toString() {
            return "bucket: " + calls + " execution(s), batch ≤ " + batch + ", ≤ " + qLen + " queries x ≤ " + kLen + " keys";
        }
    }

    /** One execution: a plan's key and the byte offsets of its first q, k, v and out rows. */
    record Call(Key key, long qOffset, long kOffset, long vOffset, long oOffset) {}

    /**
     * The executions one attention op takes: one for unsegmented attention, one per run of consecutive segments of
     * one length otherwise (those segments are the batch).
     */
    static List<Call> calls(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        int lq = q.dim(0), lk = k.dim(0), hq = q.dim(1), hkv = k.dim(1), d = q.dim(2);
        long es = q.dtype().byteSize();
        int[] seg = spec.segments();
        List<Call> calls = new ArrayList<>();
        if (seg == null) {
            calls.add(new Call(new Key(q.dtype(), 1, lq, lk, hq, hkv, d, spec.causal(), lq * q.stride(0), q.stride(0), q.stride(1),
                    lk * k.stride(0), k.stride(0), k.stride(1), lk * v.stride(0), v.stride(0), v.stride(1),
                    lq * out.stride(0), out.stride(0), out.stride(1)), 0, 0, 0, 0));
            return calls;
        }
        for (int i = 0; i + 1 < seg.length; ) {
            int len = seg[i + 1] - seg[i], j = i;
            while (j + 2 < seg.length && seg[j + 2] - seg[j + 1] == len) j++;
            int batch = j - i + 1;
            long t0 = seg[i];
            calls.add(new Call(new Key(q.dtype(), batch, len, len, hq, hkv, d, false, len * q.stride(0), q.stride(0), q.stride(1),
                    len * k.stride(0), k.stride(0), k.stride(1), len * v.stride(0), v.stride(0), v.stride(1),
                    len * out.stride(0), out.stride(0), out.stride(1)),
                    t0 * q.stride(0) * es, t0 * k.stride(0) * es, t0 * v.stride(0) * es, t0 * out.stride(0) * es));
            i = j + 1;
        }
        return calls;
    }

    // ================================================================ per-thread state: handle, plans

    /** A finalized execution plan, its workspace size, and every descriptor it was built from. */
    static final class Plan {
        final Key key;
        final MemorySegment plan;
        final long workspace;
        private final List<MemorySegment> descriptors;

        Plan(Key key, MemorySegment plan, long workspace, List<MemorySegment> descriptors) {
            this.key = key;
            this.plan = plan;
            this.workspace = workspace;
            this.descriptors = descriptors;
        }

        /** Destroys the plan and its descriptors, newest first; never throws. */
        void destroy() { destroyAll(descriptors); }
    }

    /**
     * One thread's cuDNN handle (bound to its stream), plans, failed keys and the host memory of the by-value
     * scalars. Confined to the thread that owns the {@link CudaStream}.
     */
    static final class State {
        final MemorySegment handle;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment scale = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
        private final MemorySegment fill = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
        private final Map<Key, Plan> plans = new LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<Key, Plan> eldest) {
                if (size() <= PLAN_CACHE) return false;
                eldest.getValue().destroy();
                return true;
            }
        };
        private final Map<Key, CudnnException> failed = new LinkedHashMap<>();
        /** Per shape bucket: whether cuDNN serves it, decided once (see CudaBackend). */
        final Map<Bucket, Boolean> decisions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<Bucket, Boolean> eldest) { return size() > 4 * PLAN_CACHE; }
        };

        /** A handle on {@code stream}; throws {@link CudnnException} when cuDNN cannot make one. */
        State(CudaStream stream) {
            fill.set(ValueLayout.JAVA_FLOAT, 0, Float.NEGATIVE_INFINITY);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment slot = call.allocate(C_POINTER);
                check(cudnnCreate(slot), "cudnnCreate", "a cuDNN handle");
                MemorySegment h = slot.get(C_POINTER, 0);
                int st = cudnnSetStream(h, stream.handle);
                if (st != CUDNN_STATUS_SUCCESS()) {
                    cudnnDestroy(h);
                    check(st, "cudnnSetStream", "binding the cuDNN handle to the thread's stream");
                }
                handle = h;
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        /** The plan for {@code key}, built on first use; throws the {@link CudnnException} of a plan that does not build. */
        Plan plan(Key key) {
            Plan p = plans.get(key);
            if (p != null) return p;
            CudnnException earlier = failed.get(key);
            if (earlier != null) throw earlier;
            try {
                p = build(handle, key);
            } catch (CudnnException e) {
                if (failed.size() >= 4 * PLAN_CACHE) failed.clear();
                failed.put(key, e);
                throw e;
            }
            plans.put(key, p);
            return p;
        }

        /** Queues one execution of {@code p} on the stream (the scale is read here, by value). */
        void execute(Plan p, long q, long k, long v, long o, float scaleValue, long workspace) {
            scale.set(ValueLayout.JAVA_FLOAT, 0, scaleValue);
            try (Arena call = Arena.ofConfined()) {
                List<MemorySegment> owned = new ArrayList<>(1);
                String what = "the variant pack of SDPA " + p.key;
                try {
                    MemorySegment pack = create(call, owned, CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR(), what);
                    boolean causal = p.key.causal();
                    long[] uids = causal ? new long[] { UID_Q, UID_K, UID_V, UID_O, UID_SCALE, UID_FILL }
                            : new long[] { UID_Q, UID_K, UID_V, UID_O, UID_SCALE };
                    long[] ptrs = causal ? new long[] { q, k, v, o, scale.address(), fill.address() }
                            : new long[] { q, k, v, o, scale.address() };
                    set(pack, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, uids), uids.length, what);
                    set(pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS(), CUDNN_TYPE_VOID_PTR(), call.allocateFrom(ValueLayout.JAVA_LONG, ptrs),
                            ptrs.length, what);
                    set(pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE(), CUDNN_TYPE_VOID_PTR(), call.allocateFrom(ValueLayout.JAVA_LONG, workspace), 1,
                            what);
                    finalizeDescriptor(pack, what);
                    check(cudnnBackendExecute(handle, p.plan, pack), "cudnnBackendExecute", "SDPA " + p.key);
                } finally {
                    destroyAll(owned);
                }
            }
        }

        /** Destroys every plan and the handle; never throws. */
        void release() {
            for (Plan p : plans.values()) p.destroy();
            plans.clear();
            int st = cudnnDestroy(handle);
            if (st != CUDNN_STATUS_SUCCESS()) LOG.log(System.Logger.Level.WARNING, "cuDNN: cudnnDestroy -> " + st);
            arena.close();
        }
    }

    // ================================================================ building a plan

    /** Builds the graph and the first plan the heuristics offer that finalizes, keeping every descriptor it made. */
    static Plan build(MemorySegment handle, Key k) {
        List<MemorySegment> owned = new ArrayList<>();
        String what = "building the SDPA plan for " + k;
        boolean done = false;
        try (Arena call = Arena.ofConfined()) {
            int io = k.dtype() == DType.BF16 ? CUDNN_DATA_BFLOAT16() : CUDNN_DATA_HALF();
            MemorySegment q = tensor(call, owned, UID_Q, io, new long[] { k.batch(), k.qHeads(), k.qLen(), k.headDim() },
                    new long[] { k.qBatch(), k.qHead(), k.qToken(), 1 }, false, false, what);
            MemorySegment kd = tensor(call, owned, UID_K, io, new long[] { k.batch(), k.kvHeads(), k.kLen(), k.headDim() },
                    new long[] { k.kBatch(), k.kHead(), k.kToken(), 1 }, false, false, what);
            MemorySegment vd = tensor(call, owned, UID_V, io, new long[] { k.batch(), k.kvHeads(), k.kLen(), k.headDim() },
                    new long[] { k.vBatch(), k.vHead(), k.vToken(), 1 }, false, false, what);
            MemorySegment o = tensor(call, owned, UID_O, io, new long[] { k.batch(), k.qHeads(), k.qLen(), k.headDim() },
                    new long[] { k.oBatch(), k.oHead(), k.oToken(), 1 }, false, false, what);
            MemorySegment scale = scalar(call, owned, UID_SCALE, what);

            MemorySegment sdpa = create(call, owned, CUDNN_BACKEND_OPERATION_SDPA_FWD_DESCRIPTOR(), what);
            link(call, sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_QDESC(), q, what);
            link(call, sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_KDESC(), kd, what);
            link(call, sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_VDESC(), vd, what);
            link(call, sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_ODESC(), o, what);
            link(call, sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_SCALEDESC(), scale, what);
            if (k.causal()) causalMask(call, owned, handle, sdpa, k, what);
            finalizeDescriptor(sdpa, what);

            MemorySegment graph = create(call, owned, CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR(), what);
            link(call, graph, CUDNN_ATTR_OPERATIONGRAPH_OPS(), sdpa, what);
            setHandle(call, graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE(), handle, what);
            finalizeDescriptor(graph, what);

            MemorySegment heur = create(call, owned, CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR(), what);
            link(call, heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH(), graph, what);
            set(heur, CUDNN_ATTR_ENGINEHEUR_MODE(), CUDNN_TYPE_HEUR_MODE(), call.allocateFrom(ValueLayout.JAVA_INT, CUDNN_HEUR_MODE_A()), 1, what);
            finalizeDescriptor(heur, what);

            // The number of engine configurations (requested 0, no array), then that many ENGINECFG descriptors,
            // created by us and filled in by cuDNN.
            MemorySegment count = call.allocate(C_LONG_LONG);
            check(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS(), CUDNN_TYPE_BACKEND_DESCRIPTOR(), 0, count, MemorySegment.NULL),
                    "cudnnBackendGetAttribute", what + ": counting engine configurations");
            int n = (int) Math.min(count.get(C_LONG_LONG, 0), 64);
            if (n <= 0) throw new CudnnException("cudnnBackendGetAttribute", CUDNN_STATUS_NOT_SUPPORTED(), "CUDNN_STATUS_NOT_SUPPORTED",
                    what + ": the heuristics offer no engine configuration");
            MemorySegment configs = call.allocate(C_POINTER, n);
            for (int i = 0; i < n; i++) configs.setAtIndex(C_POINTER, i, create(call, owned, CUDNN_BACKEND_ENGINECFG_DESCRIPTOR(), what));
            check(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS(), CUDNN_TYPE_BACKEND_DESCRIPTOR(), n, count, configs),
                    "cudnnBackendGetAttribute", what + ": reading engine configurations");
            int returned = (int) Math.min(count.get(C_LONG_LONG, 0), n);

            // The first configuration that finalizes as a plan: one may need NVRTC, a workspace limit or an
            // architecture this device lacks; its refusal is only the reason when none finalizes.
            String firstRefusal = null;
            int firstStatus = CUDNN_STATUS_NOT_SUPPORTED();
            for (int i = 0; i < returned; i++) {
                MemorySegment plan = create(call, owned, CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR(), what);
                setHandle(call, plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE(), handle, what);
                link(call, plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG(), configs.getAtIndex(C_POINTER, i), what);
                int st = cudnnBackendFinalize(plan);
                if (st == CUDNN_STATUS_SUCCESS()) {
                    MemorySegment ws = call.allocate(C_LONG_LONG);
                    check(cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE(), CUDNN_TYPE_INT64(), 1, count, ws),
                            "cudnnBackendGetAttribute", what + ": the plan's workspace size");
                    done = true;
                    return new Plan(k, plan, Math.max(0, ws.get(C_LONG_LONG, 0)), owned);
                }
                if (firstRefusal == null) {
                    firstStatus = st;
                    firstRefusal = lastError();
                }
            }
            throw new CudnnException("cudnnBackendFinalize", firstStatus, statusName(firstStatus),
                    what + ": none of " + returned + " engine configurations finalized as a plan"
                            + (firstRefusal == null ? "" : " (the first: " + firstRefusal + ")"));
        } finally {
            if (!done) destroyAll(owned);
        }
    }

    /**
     * The score-modifier subgraph of a causal plan: one diagonal band mask from the scaled scores (virtual f32
     * {@code [batch, q heads, queries, keys]}, uid {@value #UID_SCORES}) to the masked ones ({@value #UID_MASKED}),
     * keeping (i, j) with i ≥ j and writing the by-value fill (−∞, uid {@value #UID_FILL}) elsewhere.
     */
    private static void causalMask(Arena call, List<MemorySegment> owned, MemorySegment handle, MemorySegment sdpa, Key k, String what) {
        long[] dims = { k.batch(), k.qHeads(), k.qLen(), k.kLen() };
        long[] strides = { (long) k.qHeads() * k.qLen() * k.kLen(), (long) k.qLen() * k.kLen(), k.kLen(), 1 };
        MemorySegment scores = tensor(call, owned, UID_SCORES, CUDNN_DATA_FLOAT(), dims, strides, true, false, what);
        MemorySegment masked = tensor(call, owned, UID_MASKED, CUDNN_DATA_FLOAT(), dims, strides, true, false, what);
        MemorySegment fill = scalar(call, owned, UID_FILL, what);
        MemorySegment mask = create(call, owned, CUDNN_BACKEND_OPERATION_DIAGONAL_BAND_MASK_DESCRIPTOR(), what);
        link(call, mask, CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_XDESC(), scores, what);
        link(call, mask, CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_BDESC(), fill, what);
        link(call, mask, CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_YDESC(), masked, what);
        set(mask, CUDNN_ATTR_OPERATION_DIAGONAL_BAND_MASK_COMPARISON_MODE(), CUDNN_TYPE_POINTWISE_MODE(),
                call.allocateFrom(ValueLayout.JAVA_INT, CUDNN_POINTWISE_CMP_GE()), 1, what);
        finalizeDescriptor(mask, what);
        MemorySegment sub = create(call, owned, CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR(), what);
        setHandle(call, sub, CUDNN_ATTR_OPERATIONGRAPH_HANDLE(), handle, what);
        link(call, sub, CUDNN_ATTR_OPERATIONGRAPH_OPS(), mask, what);
        finalizeDescriptor(sub, what);
        link(call, sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH(), sub, what);
        set(sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH_INPUT_UID(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, UID_SCORES), 1, what);
        set(sdpa, CUDNN_ATTR_OPERATION_SDPA_FWD_SUBGRAPH_OUTPUT_UID(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, UID_MASKED), 1,
                what);
    }

    // ================================================================ descriptor helpers

    /** A finalized tensor descriptor: id, data type, dims, strides, 16-byte alignment, virtual or not, by value or not. */
    private static MemorySegment tensor(Arena call, List<MemorySegment> owned, long uid, int dataType, long[] dims, long[] strides,
                                        boolean isVirtual, boolean byValue, String what) {
        MemorySegment t = create(call, owned, CUDNN_BACKEND_TENSOR_DESCRIPTOR(), what);
        String w = what + ", tensor " + uid;
        set(t, CUDNN_ATTR_TENSOR_UNIQUE_ID(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, uid), 1, w);
        set(t, CUDNN_ATTR_TENSOR_DATA_TYPE(), CUDNN_TYPE_DATA_TYPE(), call.allocateFrom(ValueLayout.JAVA_INT, dataType), 1, w);
        set(t, CUDNN_ATTR_TENSOR_DIMENSIONS(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, dims), dims.length, w);
        set(t, CUDNN_ATTR_TENSOR_STRIDES(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, strides), strides.length, w);
        set(t, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT(), CUDNN_TYPE_INT64(), call.allocateFrom(ValueLayout.JAVA_LONG, byValue ? 4 : 16), 1, w);
        set(t, CUDNN_ATTR_TENSOR_IS_VIRTUAL(), CUDNN_TYPE_BOOLEAN(), bool(call, isVirtual), 1, w);
        set(t, CUDNN_ATTR_TENSOR_IS_BY_VALUE(), CUDNN_TYPE_BOOLEAN(), bool(call, byValue), 1, w);
        finalizeDescriptor(t, w);
        return t;
    }

    /** A finalized f32 {@code [1, 1, 1, 1]} tensor passed by value. */
    private static MemorySegment scalar(Arena call, List<MemorySegment> owned, long uid, String what) {
        return tensor(call, owned, uid, CUDNN_DATA_FLOAT(), new long[] { 1, 1, 1, 1 }, new long[] { 1, 1, 1, 1 }, false, true, what);
    }

    /** A C bool: a zeroed 8-byte buffer with the value in its first byte (reads the same as bool or int). */
    private static MemorySegment bool(Arena call, boolean v) {
        MemorySegment b = call.allocate(8, 8);
        b.set(ValueLayout.JAVA_BYTE, 0, (byte) (v ? 1 : 0));
        return b;
    }

    private static MemorySegment create(Arena call, List<MemorySegment> owned, int type, String what) {
        MemorySegment slot = call.allocate(C_POINTER);
        check(cudnnBackendCreateDescriptor(type, slot), "cudnnBackendCreateDescriptor", what + ": descriptor type " + type);
        MemorySegment d = slot.get(C_POINTER, 0);
        owned.add(d);
        return d;
    }

    private static void set(MemorySegment d, int attribute, int type, MemorySegment values, long count, String what) {
        check(cudnnBackendSetAttribute(d, attribute, type, count, values), "cudnnBackendSetAttribute", what + ": attribute " + attribute);
    }

    /** Sets a descriptor-valued attribute to the one descriptor {@code value}. */
    private static void link(Arena call, MemorySegment d, int attribute, MemorySegment value, String what) {
        MemorySegment a = call.allocate(C_POINTER);
        a.set(C_POINTER, 0, value);
        set(d, attribute, CUDNN_TYPE_BACKEND_DESCRIPTOR(), a, 1, what);
    }

    private static void setHandle(Arena call, MemorySegment d, int attribute, MemorySegment handle, String what) {
        MemorySegment a = call.allocate(C_POINTER);
        a.set(C_POINTER, 0, handle);
        set(d, attribute, CUDNN_TYPE_HANDLE(), a, 1, what);
    }

    private static void finalizeDescriptor(MemorySegment d, String what) {
        check(cudnnBackendFinalize(d), "cudnnBackendFinalize", what);
    }

    /** Destroys descriptors newest first; logs a bad status, never throws. */
    static void destroyAll(List<MemorySegment> descriptors) {
        for (int i = descriptors.size() - 1; i >= 0; i--) {
            try {
                int st = cudnnBackendDestroyDescriptor(descriptors.get(i));
                if (st != CUDNN_STATUS_SUCCESS()) LOG.log(System.Logger.Level.WARNING, "cuDNN: cudnnBackendDestroyDescriptor -> " + st);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "cuDNN: destroying a descriptor failed", e);
            }
        }
        descriptors.clear();
    }

    // ================================================================ statuses

    /** Throws {@link CudnnException} with the status name, the call, what we were doing and cuDNN's last error message. */
    static void check(int status, String call, String what) {
        if (status == CUDNN_STATUS_SUCCESS()) return;
        String detail = lastError();
        throw new CudnnException(call, status, statusName(status), what + (detail == null ? "" : " (cuDNN: " + detail + ")"));
    }

    static String statusName(int status) {
        try {
            MemorySegment p = cudnnGetErrorString(status);
            if (p != null && !p.equals(MemorySegment.NULL)) return cstring(p);
        } catch (RuntimeException | LinkageError e) {
            // unnamed below
        }
        return "cudnnStatus " + status;
    }

    /** cuDNN's message about the last failure on this thread, or null. */
    static String lastError() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1024);
            cudnnGetLastErrorString(buf, 1024);
            String s = buf.getString(0).trim();
            return s.isEmpty() ? null : s;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    @SuppressWarnings("restricted")
    private static String cstring(MemorySegment p) { return p.reinterpret(4096).getString(0); }
}
