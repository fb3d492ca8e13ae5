package org.glm4j.tests.support;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Binary;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.backend.SamplingSpec;
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
 */
public final class LoopbackBackend implements Backend {
    private static final Device DEVICE = Device.cuda(9);
    private final Backend host;

    public LoopbackBackend(Backend host) { this.host = host; }

    @Override public String name() { return "loopback"; }

    @Override public Device device() { return DEVICE; }

    @Override public Tensor allocate(DType dtype, Shape shape, Arena owner) {
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

    @Override public void copy(Tensor dst, Tensor src) { host.copy(h(dst), h(src)); }
    @Override public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) { host.matmul(h(out), h(x), h(w), h(bias)); }
    @Override public void rmsNorm(Tensor out, Tensor x, Tensor w, float eps) { host.rmsNorm(h(out), h(x), h(w), eps); }
    @Override public void layerNorm(Tensor out, Tensor x, Tensor w, Tensor b, float eps) {
        host.layerNorm(h(out), h(x), h(w), h(b), eps);
    }
    @Override public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) { host.rope(h(qk), h(cos), h(sin), spec); }
    @Override public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        host.attention(h(out), h(q), h(k), h(v), spec);
    }
    @Override public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        host.conv(h(out), h(x), h(w), h(bias), spec);
    }
    @Override public void swiglu(Tensor out, Tensor gateUp) { host.swiglu(h(out), h(gateUp)); }
    @Override public void unary(Tensor out, Tensor x, Unary fn) { host.unary(h(out), h(x), fn); }
    @Override public void binary(Tensor out, Tensor a, Tensor b, Binary fn) { host.binary(h(out), h(a), h(b), fn); }
    @Override public void softmax(Tensor out, Tensor x) { host.softmax(h(out), h(x)); }
    @Override public void embedding(Tensor out, Tensor table, Tensor ids) { host.embedding(h(out), h(table), h(ids)); }
    @Override public void resamplePositions(Tensor out, Tensor table, Tensor points, int th, int tw) {
        host.resamplePositions(h(out), h(table), h(points), th, tw);
    }
    @Override public void sample(Tensor ids, Tensor logits, SamplingSpec spec) { host.sample(h(ids), h(logits), spec); }
    @Override public void convert(Tensor out, Tensor x) { host.convert(h(out), h(x)); }
    @Override public void synchronize() { host.synchronize(); }
    @Override public void close() {}
}
