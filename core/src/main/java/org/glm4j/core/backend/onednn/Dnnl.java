package org.glm4j.core.backend.onednn;

import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.glm4j.bindings.onednn.omp_h;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * oneDNN plumbing shared by the backend's ops: the status check, the CPU engine, one stream and one scratchpad per
 * calling thread, the OpenMP team size, memory descriptors over tensors, and primitive execution.
 *
 * <p>Threads: oneDNN runs each primitive on an OpenMP team started by the calling thread. The team size is set on
 * the calling thread ({@code omp_set_num_threads}, only when it changes): the backend's thread count, the same as
 * its Java pools, so they never oversubscribe the cores (they never run at the same time: ops are synchronous), or
 * one for small element-wise ops and for the attention workers, which are themselves a pool.
 *
 * <p>Scratchpads are user-provided: each calling thread owns one buffer, grown to the largest primitive it has
 * run, instead of every cached primitive holding its own.
 */
final class Dnnl implements AutoCloseable {
    /** Status check: throws {@link DnnlException} naming the call, the status and {@code context}. */
    static void check(int status, String call, Supplier<String> context) {
        if (status != dnnl_success()) throw new DnnlException(call, status, statusName(status), context == null ? null : context.get());
    }

    static void check(int status, String call, String context) {
        if (status != dnnl_success()) throw new DnnlException(call, status, statusName(status), context);
    }

    /** oneDNN's name for a status ({@code dnnl_status2str}). */
    static String statusName(int status) {
        MemorySegment s = dnnl_status2str(status);
        return s.equals(MemorySegment.NULL) ? "status " + status : s.getString(0);
    }

    /** oneDNN's data type for a floating dtype. */
    static int dataType(DType dtype) {
        return switch (dtype) {
            case F32 -> dnnl_f32();
            case BF16 -> dnnl_bf16();
            case F16 -> dnnl_f16();
            case I32 -> dnnl_s32();
            case U8 -> dnnl_u8();
            case I64 -> throw new IllegalArgumentException("oneDNN has no i64");
        };
    }

    /** State owned by one calling thread: its stream, scratchpad and temporaries. */
    static final class ThreadState {
        static final int SCRATCHPAD = 0, SLOTS = 10;
        final MemorySegment stream;
        /** The OpenMP team size last set on this thread. */
        int team;
        private final Arena[] arenas = new Arena[SLOTS];
        private final MemorySegment[] buffers = new MemorySegment[SLOTS];

        ThreadState(MemorySegment stream) { this.stream = stream; }

        /**
         * This thread's buffer {@code slot} ({@link #SCRATCHPAD} or 1..9 for temporaries) with at least {@code bytes},
         * valid until this thread asks the same slot for more. Shared memory: the Java pool may fill it.
         */
        MemorySegment buffer(int slot, long bytes) {
            if (bytes <= 0) return MemorySegment.NULL;
            MemorySegment b = buffers[slot];
            if (b == null || b.byteSize() < bytes) {
                if (arenas[slot] != null) arenas[slot].close();
                arenas[slot] = Arena.ofShared();
                buffers[slot] = b = arenas[slot].allocate(Math.max(bytes + (bytes >> 3), 1 << 16), 64);
            }
            return b;
        }

        void close() {
            dnnl_stream_destroy(stream);
            for (Arena a : arenas) if (a != null) a.close();
        }
    }

    final MemorySegment engine;
    /** Primitive attributes every primitive is created with: user-provided scratchpad. */
    final MemorySegment attr;
    final int threads;
    private final boolean setOmpThreads;
    private final List<ThreadState> states = new ArrayList<>();
    private final ThreadLocal<ThreadState> local = new ThreadLocal<>();
    private volatile boolean closed;

    Dnnl(int threads) {
        this.threads = threads;
        this.setOmpThreads = omp_h.available();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            check(dnnl_engine_create(slot, dnnl_cpu(), 0), "dnnl_engine_create", "creating the CPU engine");
            engine = slot.get(C_POINTER, 0);
            check(dnnl_primitive_attr_create(slot), "dnnl_primitive_attr_create", "creating attributes");
            attr = slot.get(C_POINTER, 0);
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode", "selecting user scratchpads");
        }
    }

    /** Whether this oneDNN runs on OpenMP, whose team size we set per calling thread. */
    boolean controlsThreads() { return setOmpThreads; }

    /** The calling thread's stream and scratchpad, created (and its OpenMP team sized) on its first call. */
    ThreadState thread() {
        ThreadState s = local.get();
        if (s != null) return s;
        if (closed) throw new IllegalStateException("onednn: the backend is closed");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            check(dnnl_stream_create(slot, engine, dnnl_stream_default_flags()), "dnnl_stream_create", "creating a stream");
            s = new ThreadState(slot.get(C_POINTER, 0));
        }
        if (setOmpThreads) omp_h.omp_set_num_threads(threads);
        s.team = threads;
        synchronized (states) {
            states.add(s);
        }
        local.set(s);
        return s;
    }

    // ---------------------------------------------------------------- memory descriptors

    /** A plain memory descriptor with explicit element strides; the caller destroys it ({@link #destroy}). */
    static MemorySegment md(DType dtype, long[] dims, long[] strides, Supplier<String> context) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            MemorySegment d = call.allocateFrom(ValueLayout.JAVA_LONG, dims);
            MemorySegment s = call.allocateFrom(ValueLayout.JAVA_LONG, strides);
            check(dnnl_memory_desc_create_with_strides(slot, dims.length, d, dataType(dtype), s),
                    "dnnl_memory_desc_create_with_strides", context);
            return slot.get(C_POINTER, 0);
        }
    }

    /** A memory descriptor with a format tag ({@code dnnl_format_tag_any} lets the primitive choose). */
    static MemorySegment mdTag(DType dtype, long[] dims, int tag, Supplier<String> context) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            MemorySegment d = call.allocateFrom(ValueLayout.JAVA_LONG, dims);
            check(dnnl_memory_desc_create_with_tag(slot, dims.length, d, dataType(dtype), tag),
                    "dnnl_memory_desc_create_with_tag", context);
            return slot.get(C_POINTER, 0);
        }
    }

    /** A descriptor of a tensor's rows as a matrix {@code [rows, cols]} with its row stride. */
    static MemorySegment matrixMd(Tensor t, Supplier<String> context) {
        return md(t.dtype(), new long[] { t.rowCount(), t.dim(-1) }, new long[] { t.rowStride(), 1 }, context);
    }

    /** A tensor with uniform rows seen as the matrix {@code [rows, cols]} (a view). */
    static Tensor matrix(Tensor t) {
        if (t.rank() == 2) return t;
        return new Tensor(t.dtype(), Shape.of(Math.toIntExact(t.rowCount()), t.dim(-1)), t.device(), t.data(), t.byteOffset(),
                new long[] { t.rowStride(), 1 });
    }

    /** A copy of a descriptor the caller owns (e.g. one queried from a primitive descriptor). */
    static MemorySegment clone(MemorySegment md, Supplier<String> context) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            check(dnnl_memory_desc_clone(slot, md), "dnnl_memory_desc_clone", context);
            return slot.get(C_POINTER, 0);
        }
    }

    /** The part {@code dims} at {@code offsets} of {@code parent} (offsets a multiple of its blocks); the caller destroys it. */
    static MemorySegment submemory(MemorySegment parent, long[] dims, long[] offsets, Supplier<String> context) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            check(dnnl_memory_desc_create_submemory(slot, parent, call.allocateFrom(ValueLayout.JAVA_LONG, dims),
                    call.allocateFrom(ValueLayout.JAVA_LONG, offsets)), "dnnl_memory_desc_create_submemory", context);
            return slot.get(C_POINTER, 0);
        }
    }

    static void destroy(MemorySegment... mds) {
        for (MemorySegment md : mds) if (md != null && !md.equals(MemorySegment.NULL)) dnnl_memory_desc_destroy(md);
    }

    /** The address of a tensor's first element, as oneDNN's data handle. */
    static MemorySegment handle(Tensor t) {
        return MemorySegment.ofAddress(t.data().address() + t.byteOffset());
    }

    // ---------------------------------------------------------------- primitives and execution

    /** A {@code dnnl_*_primitive_desc_create} call that writes the descriptor into {@code slot}. */
    @FunctionalInterface
    interface DescriptorCall { int create(MemorySegment slot); }

    /** Creates a primitive descriptor with {@code call} (named {@code name} in errors), then its primitive. */
    static Primitive primitive(String name, DescriptorCall call, Supplier<String> context) {
        MemorySegment pd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment slot = a.allocate(C_POINTER);
            check(call.create(slot), name, context);
            pd = slot.get(C_POINTER, 0);
        }
        return new Primitive(pd, context);
    }

    /** Bytes below which an element-wise primitive runs on the calling thread alone (see {@link #execute}). */
    static final long SMALL_BYTES = 1 << 18;

    /**
     * Runs {@code p} on the calling thread's stream with the given arguments ({@code DNNL_ARG_*} ids and data
     * addresses; the descriptors are the primitive's own) plus the thread's scratchpad, and waits for it, with the
     * full OpenMP team.
     */
    void execute(Primitive p, int[] args, MemorySegment[] data, Supplier<String> context) {
        execute(p, args, data, threads, context);
    }

    /**
     * As {@link #execute(Primitive, int[], MemorySegment[], Supplier)} with an OpenMP team of {@code team} threads.
     * Small element-wise ops (a decode step's rows) run with a team of one: waking a sleeping OpenMP worker costs
     * more than the op, and far more when the cores are busy.
     */
    void execute(Primitive p, int[] args, MemorySegment[] data, int team, Supplier<String> context) {
        ThreadState t = thread();
        if (setOmpThreads && t.team != team) {
            omp_h.omp_set_num_threads(team);
            t.team = team;
        }
        int[] ids = args;
        if (p.scratchpadBytes > 0) {
            ids = java.util.Arrays.copyOf(args, args.length + 1);
            ids[args.length] = DNNL_ARG_SCRATCHPAD();
        }
        Primitive.Args a = p.takeArgs(ids, engine, context);
        try {
            for (int i = 0; i < args.length; i++)
                check(dnnl_memory_set_data_handle(a.memories[i], data[i]), "dnnl_memory_set_data_handle", context);
            if (p.scratchpadBytes > 0)
                check(dnnl_memory_set_data_handle(a.memories[args.length], t.buffer(ThreadState.SCRATCHPAD, p.scratchpadBytes)),
                        "dnnl_memory_set_data_handle", context);
            check(dnnl_primitive_execute(p.primitive, t.stream, ids.length, a.array), "dnnl_primitive_execute", context);
            check(dnnl_stream_wait(t.stream), "dnnl_stream_wait", context);
        } finally {
            p.giveArgs(a);
        }
    }

    @Override public void close() {
        closed = true;
        synchronized (states) {
            for (ThreadState s : states) s.close();
            states.clear();
        }
        dnnl_primitive_attr_destroy(attr);
        dnnl_engine_destroy(engine);
    }
}
