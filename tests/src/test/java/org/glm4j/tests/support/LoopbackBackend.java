package org.glm4j.tests.support;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
import org.glm4j.core.backend.StepGraph;
import org.glm4j.core.backend.StepGraphs;
import org.glm4j.core.backend.Unary;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * A stand-in accelerator for testing the test harness itself: its tensors claim to live on {@code cuda:9} and carry
 * zero-length segments, as a CUDA backend's do, but the memory is host memory and every op runs on the wrapped
 * backend. It lets the device paths of {@link Fixtures} and {@link Parity} (upload, views of device tensors, download)
 * run on a machine without a GPU. It is never registered with {@code Backends}.
 *
 * <p>Made with {@code graphs}, it also offers {@link StepGraphs} the way CUDA graphs behave: a capture runs nothing
 * and records each op with the tensors and values it was called with; a replay runs the recorded ops again on the
 * same memory. Allocating, copying host data or synchronising during a capture throws, as a CUDA stream capture
 * fails on them, so a step that captures here is one whose replays depend only on device data.
 */
public final class LoopbackBackend implements Backend {
    private static final Device DEVICE = Device.cuda(9);
    private final Backend host;
    private final boolean graphs;
    private List<Runnable> recording;
    private int captures, replays;

    public LoopbackBackend(Backend host) { this(host, false); }

    /** A loopback device over {@code host}; with {@code graphs} it offers step capture and replay. */
    public LoopbackBackend(Backend host, boolean graphs) {
        this.host = host;
        this.graphs = graphs;
    }

    @Override public String name() { return "loopback"; }

    @Override public Device device() { return DEVICE; }

    @Override public Tensor allocate(DType dtype, Shape shape, Arena owner) {
        if (recording != null) throw new IllegalStateException("loopback: allocate(" + dtype + shape + ") during a graph capture");
        MemorySegment memory = host.allocate(dtype, shape, owner).data();
        return Tensor.onDevice(DEVICE, dtype, shape, MemorySegment.ofAddress(memory.address()), 0);
    }

    @Override public boolean supports(Op op, DType dtype) { return host.supports(op, dtype); }

    /** The host view of a loopback tensor (or the tensor itself when it is already on the host). */
    private static Tensor h(Tensor t) {
        if (t == null || t.device().isHost()) return t;
        long end = t.numel() == 0 ? t.byteOffset() : t.addressSpan()[1] - t.data().address();
        MemorySegment memory = MemorySegment.ofAddress(t.data().address()).reinterpret(end);
        return new Tensor(t.dtype(), t.shape(), Device.CPU, memory, t.byteOffset(), t.strides());
    }

    /** Runs the op, or records it while a capture is on. */
    private void op(Runnable r) {
        if (recording != null) recording.add(r);
        else r.run();
    }

    @Override public void copy(Tensor dst, Tensor src) {
        if (recording != null && (dst.device().isHost() || src.device().isHost()))
            throw new IllegalStateException("loopback: a host copy (" + dst + " <- " + src + ") during a graph capture");
        Tensor d = h(dst), s = h(src);
        op(() -> host.copy(d, s));
    }
    @Override public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) {
        Tensor o = h(out), a = h(x), b = h(w), c = h(bias);
        op(() -> host.matmul(o, a, b, c));
    }
    @Override public void rmsNorm(Tensor out, Tensor x, Tensor w, float eps) {
        Tensor o = h(out), a = h(x), b = h(w);
        op(() -> host.rmsNorm(o, a, b, eps));
    }
    @Override public void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor w, float eps) {
        Tensor o = h(out), s = h(sum), a = h(x), r = h(residual), b = h(w);
        op(() -> host.addRmsNorm(o, s, a, r, b, eps));
    }
    @Override public void layerNorm(Tensor out, Tensor x, Tensor w, Tensor b, float eps) {
        Tensor o = h(out), a = h(x), c = h(w), d = h(b);
        op(() -> host.layerNorm(o, a, c, d, eps));
    }
    @Override public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) {
        Tensor a = h(qk), c = h(cos), s = h(sin);
        op(() -> host.rope(a, c, s, spec));
    }
    @Override public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        Tensor o = h(out), a = h(q), b = h(k), c = h(v);
        op(() -> host.attention(o, a, b, c, spec));
    }
    @Override public void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
        Tensor o = h(out), a = h(q), b = h(k), c = h(v), p = h(position);
        op(() -> host.attentionAt(o, a, b, c, spec, p));
    }
    @Override public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        Tensor o = h(out), a = h(x), b = h(w), c = h(bias);
        op(() -> host.conv(o, a, b, c, spec));
    }
    @Override public void swiglu(Tensor out, Tensor gateUp) {
        Tensor o = h(out), g = h(gateUp);
        op(() -> host.swiglu(o, g));
    }
    @Override public void unary(Tensor out, Tensor x, Unary fn) {
        Tensor o = h(out), a = h(x);
        op(() -> host.unary(o, a, fn));
    }
    @Override public void binary(Tensor out, Tensor a, Tensor b, Binary fn) {
        Tensor o = h(out), x = h(a), y = h(b);
        op(() -> host.binary(o, x, y, fn));
    }
    @Override public void softmax(Tensor out, Tensor x) {
        Tensor o = h(out), a = h(x);
        op(() -> host.softmax(o, a));
    }
    @Override public void embedding(Tensor out, Tensor table, Tensor ids) {
        Tensor o = h(out), t = h(table), i = h(ids);
        op(() -> host.embedding(o, t, i));
    }
    @Override public void resamplePositions(Tensor out, Tensor table, Tensor points, int th, int tw) {
        Tensor o = h(out), t = h(table), p = h(points);
        op(() -> host.resamplePositions(o, t, p, th, tw));
    }
    @Override public void sample(Tensor ids, Tensor logits, SamplingSpec spec) {
        Tensor i = h(ids), l = h(logits);
        op(() -> host.sample(i, l, spec));
    }
    @Override public void convert(Tensor out, Tensor x) {
        Tensor o = h(out), a = h(x);
        op(() -> host.convert(o, a));
    }
    @Override public void copyRowsAt(Tensor dst, Tensor src, Tensor at) {
        Tensor d = h(dst), s = h(src), a = h(at);
        op(() -> host.copyRowsAt(d, s, a));
    }
    @Override public void synchronize() {
        if (recording != null) throw new IllegalStateException("loopback: synchronize() during a graph capture");
        host.synchronize();
    }

    @Override public Optional<StepGraphs> stepGraphs() { return graphs ? Optional.of(this::capture) : Optional.empty(); }

    /** Graphs captured so far. */
    public int captures() { return captures; }

    /** Graph replays so far. */
    public int replays() { return replays; }

    private StepGraph capture(Runnable step) {
        if (recording != null) throw new IllegalStateException("loopback: a capture is already on");
        List<Runnable> ops = new ArrayList<>();
        recording = ops;
        try {
            step.run();
        } finally {
            recording = null;
        }
        captures++;
        return new StepGraph() {
            private boolean closed;

            @Override public void replay() {
                if (closed) throw new IllegalStateException("loopback: the graph is closed");
                replays++;
                ops.forEach(Runnable::run);
            }

            @Override public void close() { closed = true; }
        };
    }

    @Override public void close() {}
}
