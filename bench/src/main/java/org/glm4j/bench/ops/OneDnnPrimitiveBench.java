package org.glm4j.bench.ops;

import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.glm4j.bindings.onednn.dnnl_exec_arg_t;
import org.glm4j.bindings.onednn.omp_h;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code onednn-matmul-prefill-primitive}: the oneDNN matmul primitive of {@code matmul-prefill} (bf16
 * {@code [512, 4096]} times bf16 {@code [4096, 4096]}ᵀ, bf16 out) timed alone, straight through the bindings: created
 * once with the weight layout it picks itself, the weights reordered into it once, then executed and waited for
 * with memory objects, scratchpad and OpenMP team set up beforehand. It is the reference that the backend's own
 * {@code matmul-prefill} (weight cache, primitive cache, argument binding) is compared with, and that layer runs
 * here too, in turns with the primitive on the same operands ({@link PairedTimings}): the case's figure is the
 * primitive's, and the layer's ratio to it comes from the same iterations.
 *
 * <p>The primitive's path goes through the bindings only; the layer's through {@code Ops} on the opened backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OneDnnPrimitiveBench extends OpBench {
    private static final int M = MatmulPrefillBench.M, K = MatmulPrefillBench.K, N = MatmulPrefillBench.N;

    private Tensor x, w, out, layerOut;
    private Arena native_;
    private MemorySegment engine, stream, pd, primitive, args;
    private final MemorySegment[] memories = new MemorySegment[4];
    private int argCount;

    @Setup(Level.Trial)
    public void setup() {
        if (!OneDnnBackend.NAME.equals(backend))
            throw new IllegalArgumentException("onednn-matmul-prefill-primitive runs on onednn only, not " + backend);
        open(Op.MATMUL, DType.BF16);
        x = random(DType.BF16, Shape.of(M, K), -1f, 1f);
        w = random(DType.BF16, Shape.of(N, K), -0.05f, 0.05f);
        out = zeros(DType.BF16, Shape.of(M, N));
        layerOut = zeros(DType.BF16, Shape.of(M, N));
        native_ = Arena.ofShared();
        if (omp_h.available()) omp_h.omp_set_num_threads(((OneDnnBackend) opened).threads());

        MemorySegment slot = native_.allocate(ValueLayout.ADDRESS);
        check(dnnl_engine_create(slot, dnnl_cpu(), 0), "dnnl_engine_create");
        engine = slot.get(ValueLayout.ADDRESS, 0);
        check(dnnl_stream_create(slot, engine, dnnl_stream_default_flags()), "dnnl_stream_create");
        stream = slot.get(ValueLayout.ADDRESS, 0);
        check(dnnl_primitive_attr_create(slot), "dnnl_primitive_attr_create");
        MemorySegment attr = slot.get(ValueLayout.ADDRESS, 0);
        MemorySegment srcMd = md(new long[] { M, K }, new long[] { K, 1 });
        MemorySegment userWMd = md(new long[] { K, N }, new long[] { 1, K });      // w [N, K] seen as [K, N]
        MemorySegment dstMd = md(new long[] { M, N }, new long[] { N, 1 });
        MemorySegment anyMd = tagged(new long[] { K, N }, dnnl_format_tag_any());
        try {
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user()), "dnnl_primitive_attr_set_scratchpad_mode");
            check(dnnl_matmul_primitive_desc_create(slot, engine, srcMd, anyMd, MemorySegment.NULL, dstMd, attr),
                    "dnnl_matmul_primitive_desc_create");
            pd = slot.get(ValueLayout.ADDRESS, 0);
            check(dnnl_primitive_create(slot, pd), "dnnl_primitive_create");
            primitive = slot.get(ValueLayout.ADDRESS, 0);

            MemorySegment packedMd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md(), 0);
            MemorySegment packed = native_.allocate(dnnl_memory_desc_get_size(packedMd), 64);
            reorder(userWMd, w.data().asSlice(w.byteOffset()), packedMd, packed, attr);

            MemorySegment spMd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md(), 0);
            long spBytes = spMd.equals(MemorySegment.NULL) ? 0 : dnnl_memory_desc_get_size(spMd);
            argCount = spBytes > 0 ? 4 : 3;
            args = dnnl_exec_arg_t.allocateArray(argCount, native_);
            bind(0, DNNL_ARG_SRC(), srcMd, x.data().asSlice(x.byteOffset()));
            bind(1, DNNL_ARG_WEIGHTS(), packedMd, packed);
            bind(2, DNNL_ARG_DST(), dstMd, out.data().asSlice(out.byteOffset()));
            if (spBytes > 0) bind(3, DNNL_ARG_SCRATCHPAD(), spMd, native_.allocate(spBytes, 64));
        } finally {
            dnnl_memory_desc_destroy(srcMd);
            dnnl_memory_desc_destroy(userWMd);
            dnnl_memory_desc_destroy(dstMd);
            dnnl_memory_desc_destroy(anyMd);
            dnnl_primitive_attr_destroy(attr);
        }
    }

    /** One call of the primitive and one of the layer, in turns. */
    @Benchmark
    public void run(PairedTimings timings) {
        timings.time(this::primitive, this::layer);
    }

    private void primitive() {
        check(dnnl_primitive_execute(primitive, stream, argCount, args), "dnnl_primitive_execute");
        check(dnnl_stream_wait(stream), "dnnl_stream_wait");
    }

    private void layer() {
        ops.matmul(layerOut, x, w, null);
        ops.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            requireFinite("onednn-matmul-prefill-primitive", out);
            requireFinite("onednn-matmul-prefill-primitive (layer)", layerOut);
        } finally {
            for (MemorySegment m : memories) if (m != null) dnnl_memory_destroy(m);
            if (primitive != null) dnnl_primitive_destroy(primitive);
            if (pd != null) dnnl_primitive_desc_destroy(pd);
            if (stream != null) dnnl_stream_destroy(stream);
            if (engine != null) dnnl_engine_destroy(engine);
            if (native_ != null) native_.close();
            close();
        }
    }

    private void bind(int i, int arg, MemorySegment md, MemorySegment data) {
        MemorySegment slot = native_.allocate(ValueLayout.ADDRESS);
        check(dnnl_memory_create(slot, md, engine, data), "dnnl_memory_create");
        memories[i] = slot.get(ValueLayout.ADDRESS, 0);
        MemorySegment e = dnnl_exec_arg_t.asSlice(args, i);
        dnnl_exec_arg_t.arg(e, arg);
        dnnl_exec_arg_t.memory(e, memories[i]);
    }

    private void reorder(MemorySegment fromMd, MemorySegment from, MemorySegment toMd, MemorySegment to, MemorySegment attr) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(ValueLayout.ADDRESS);
            check(dnnl_reorder_primitive_desc_create(slot, fromMd, engine, toMd, engine, attr), "dnnl_reorder_primitive_desc_create");
            MemorySegment rpd = slot.get(ValueLayout.ADDRESS, 0);
            MemorySegment r = MemorySegment.NULL, src = MemorySegment.NULL, dst = MemorySegment.NULL, sp = MemorySegment.NULL;
            try {
                check(dnnl_primitive_create(slot, rpd), "dnnl_primitive_create");
                r = slot.get(ValueLayout.ADDRESS, 0);
                check(dnnl_memory_create(slot, fromMd, engine, from), "dnnl_memory_create");
                src = slot.get(ValueLayout.ADDRESS, 0);
                check(dnnl_memory_create(slot, toMd, engine, to), "dnnl_memory_create");
                dst = slot.get(ValueLayout.ADDRESS, 0);
                MemorySegment spMd = dnnl_primitive_desc_query_md(rpd, dnnl_query_scratchpad_md(), 0);
                long spBytes = spMd.equals(MemorySegment.NULL) ? 0 : dnnl_memory_desc_get_size(spMd);
                int n = spBytes > 0 ? 3 : 2;
                MemorySegment a = dnnl_exec_arg_t.allocateArray(n, call);
                dnnl_exec_arg_t.arg(dnnl_exec_arg_t.asSlice(a, 0), DNNL_ARG_FROM());
                dnnl_exec_arg_t.memory(dnnl_exec_arg_t.asSlice(a, 0), src);
                dnnl_exec_arg_t.arg(dnnl_exec_arg_t.asSlice(a, 1), DNNL_ARG_TO());
                dnnl_exec_arg_t.memory(dnnl_exec_arg_t.asSlice(a, 1), dst);
                if (spBytes > 0) {
                    check(dnnl_memory_create(slot, spMd, engine, call.allocate(spBytes, 64)), "dnnl_memory_create");
                    sp = slot.get(ValueLayout.ADDRESS, 0);
                    dnnl_exec_arg_t.arg(dnnl_exec_arg_t.asSlice(a, 2), DNNL_ARG_SCRATCHPAD());
                    dnnl_exec_arg_t.memory(dnnl_exec_arg_t.asSlice(a, 2), sp);
                }
                check(dnnl_primitive_execute(r, stream, n, a), "dnnl_primitive_execute (reorder)");
                check(dnnl_stream_wait(stream), "dnnl_stream_wait");
            } finally {
                for (MemorySegment m : new MemorySegment[] { src, dst, sp }) if (!m.equals(MemorySegment.NULL)) dnnl_memory_destroy(m);
                if (!r.equals(MemorySegment.NULL)) dnnl_primitive_destroy(r);
                dnnl_primitive_desc_destroy(rpd);
            }
        }
    }

    private static MemorySegment md(long[] dims, long[] strides) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(ValueLayout.ADDRESS);
            check(dnnl_memory_desc_create_with_strides(slot, dims.length, call.allocateFrom(ValueLayout.JAVA_LONG, dims), dnnl_bf16(),
                    call.allocateFrom(ValueLayout.JAVA_LONG, strides)), "dnnl_memory_desc_create_with_strides");
            return slot.get(ValueLayout.ADDRESS, 0);
        }
    }

    private static MemorySegment tagged(long[] dims, int tag) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(ValueLayout.ADDRESS);
            check(dnnl_memory_desc_create_with_tag(slot, dims.length, call.allocateFrom(ValueLayout.JAVA_LONG, dims), dnnl_bf16(), tag),
                    "dnnl_memory_desc_create_with_tag");
            return slot.get(ValueLayout.ADDRESS, 0);
        }
    }

    private static void check(int status, String call) {
        if (status != dnnl_success()) throw new IllegalStateException("onednn-matmul-prefill-primitive: " + call + " returned " + status);
    }
}
