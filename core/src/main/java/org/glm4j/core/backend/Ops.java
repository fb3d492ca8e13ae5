package org.glm4j.core.backend;

import java.util.Optional;
import java.util.function.Supplier;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * The single choke point between model code and a {@link Backend}: every op is validated here once (device, dtype,
 * shape, strides, aliasing, emptiness) with a message naming the op and its operands, then dispatched. A failure
 * inside the backend comes back as an {@link OpException} naming the op, operands and backend.
 *
 * <p>Each op exists twice: with a destination ({@code matmul(out, x, w, bias)}, for KV-cache and persistent
 * writes) and allocating ({@code matmul(x, w, bias)}, output taken from the {@link Scratch}). An {@code Ops} is
 * as thread-safe as its scratch: share the backend, give each thread its own {@code Ops}.
 */
public final class Ops {
    private final Backend backend;
    private final Scratch scratch;

    /** Ops over {@code backend}; allocating forms take their outputs from {@code scratch} (may be null). */
    public Ops(Backend backend, Scratch scratch) {
        this.backend = backend;
        this.scratch = scratch;
    }

    public Backend backend() { return backend; }

    public Scratch scratch() { return scratch; }

    // ================================================================ allocation

    /** A temporary from the scratch, valid until its next reset. */
    public Tensor temp(DType dtype, Shape shape) {
        if (scratch == null) throw new IllegalStateException("ops: this Ops has no scratch; pass the output explicitly");
        return scratch.allocate(dtype, shape);
    }

    // ================================================================ copy and convert

    /** {@code dst = src} (same dtype and shape, any strides, across devices). */
    public void copy(Tensor dst, Tensor src) {
        String op = "copy";
        nonEmpty(op, "src", src);
        if (dst.dtype() != src.dtype()) fail(op, "dst " + dst + " and src " + src + " differ in dtype; use convert");
        sameShape(op, "dst", dst, "src", src);
        noPartialOverlap(op, dst, "src", src);
        supported(Op.COPY, src.dtype(), op);
        if (!dst.equals(src)) run(op, () -> "dst=" + dst + ", src=" + src, () -> backend.copy(dst, src));
    }

    /** {@code out = x} converted to {@code out}'s dtype. */
    public void convert(Tensor out, Tensor x) {
        String op = "convert";
        onDevice(op, "out", out);
        onDevice(op, "x", x);
        nonEmpty(op, "x", x);
        sameShape(op, "out", out, "x", x);
        if (!out.dtype().isFloating()) fail(op, "out " + out + " must be f32, bf16 or f16");
        if (!x.dtype().isFloating() && x.dtype() != DType.I32 && x.dtype() != DType.I64)
            fail(op, "x " + x + " must be a floating dtype, i32 or i64");
        if (!x.dtype().isFloating() && out.dtype() != DType.F32)
            fail(op, "integer x " + x + " converts to f32 only (one rounding), not to " + out.dtype());
        lastContiguous(op, "out", out);
        lastContiguous(op, "x", x);
        noOverlapUnlessSame(op, out, "x", x);
        supported(Op.CONVERT, out.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x, () -> backend.convert(out, x));
    }

    public Tensor convert(Tensor x, DType dtype) {
        Tensor out = temp(dtype, x.shape());
        convert(out, x);
        return out;
    }

    // ================================================================ matmul and conv

    /** {@code out = x·wᵀ (+ bias)}, see {@link Backend#matmul}. */
    public void matmul(Tensor out, Tensor x, Tensor w, Tensor bias) {
        String op = "matmul";
        onDevice(op, "out", out);
        onDevice(op, "x", x);
        onDevice(op, "w", w);
        floating(op, "out", out);
        floating(op, "x", x);
        floating(op, "w", w);
        nonEmpty(op, "x", x);
        nonEmpty(op, "w", w);
        rows(op, "x", x);
        rows(op, "out", out);
        if (w.rank() != 2) fail(op, "w " + w + " must be [out, in]");
        rows(op, "w", w);
        if (w.dim(1) != x.dim(-1)) fail(op, "w " + w + " does not match x " + x + " (in features " + w.dim(1) + " vs " + x.dim(-1) + ")");
        if (out.rowCount() != x.rowCount() || out.dim(-1) != w.dim(0))
            fail(op, "out " + out + " must be [" + x.rowCount() + "," + w.dim(0) + "] for x " + x + " and w " + w);
        if (bias != null) {
            onDevice(op, "bias", bias);
            floating(op, "bias", bias);
            if (bias.rank() != 1 || bias.dim(0) != w.dim(0)) fail(op, "bias " + bias + " does not match w " + w);
            rows(op, "bias", bias);
            noOverlap(op, out, "bias", bias);
        }
        noOverlap(op, out, "x", x);
        noOverlap(op, out, "w", w);
        supported(Op.MATMUL, w.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x + ", w=" + w + (bias == null ? "" : ", bias=" + bias),
                () -> backend.matmul(out, x, w, bias));
    }

    public Tensor matmul(Tensor x, Tensor w, Tensor bias) {
        Tensor out = temp(x.dtype(), x.rank() == 2 ? Shape.of(x.dim(0), w.dim(0)) : x.shape().with(-1, w.dim(0)));
        matmul(out, x, w, bias);
        return out;
    }

    /** Kernel-equals-stride convolution over patch rows, see {@link ConvSpec}. */
    public void conv(Tensor out, Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        String op = "conv";
        onDevice(op, "out", out);
        onDevice(op, "x", x);
        onDevice(op, "w", w);
        floating(op, "out", out);
        floating(op, "x", x);
        floating(op, "w", w);
        nonEmpty(op, "x", x);
        int[] k = spec.kernel();
        if (w.rank() != 2 + k.length) fail(op, "w " + w + " must be [out, " + spec.inChannels() + ", " + join(k) + "] for " + spec);
        if (w.dim(1) != spec.inChannels()) fail(op, "w " + w + " has " + w.dim(1) + " input channels, spec says " + spec.inChannels());
        for (int i = 0; i < k.length; i++)
            if (w.dim(2 + i) != k[i]) fail(op, "w " + w + " does not match kernel [" + join(k) + "]");
        if (!w.isContiguous()) fail(op, "w " + w + " must be contiguous");
        rows(op, "x", x);
        rows(op, "out", out);
        if (x.rank() != 2 || out.rank() != 2) fail(op, "x " + x + " and out " + out + " must be matrices of patch rows");
        long m;
        if (spec.layout() == ConvSpec.Layout.CHANNELS_FIRST) {
            if (x.dim(1) != spec.windowSize())
                fail(op, "x " + x + " rows must hold one window of " + spec.windowSize() + " values for " + spec);
            m = x.dim(0);
        } else {
            if (x.dim(1) != spec.inChannels()) fail(op, "x " + x + " rows must hold " + spec.inChannels() + " channels for " + spec);
            if (x.dim(0) % spec.windowPositions() != 0)
                fail(op, "x " + x + " row count must be a multiple of the window's " + spec.windowPositions() + " positions");
            m = x.dim(0) / spec.windowPositions();
        }
        if (out.dim(0) != m || out.dim(1) != w.dim(0)) fail(op, "out " + out + " must be [" + m + "," + w.dim(0) + "]");
        if (bias != null) {
            onDevice(op, "bias", bias);
            if (bias.rank() != 1 || bias.dim(0) != w.dim(0)) fail(op, "bias " + bias + " does not match w " + w);
            rows(op, "bias", bias);
        }
        noOverlap(op, out, "x", x);
        noOverlap(op, out, "w", w);
        supported(Op.CONV, w.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x + ", w=" + w + ", " + spec, () -> backend.conv(out, x, w, bias, spec));
    }

    public Tensor conv(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        int m = spec.layout() == ConvSpec.Layout.CHANNELS_FIRST ? x.dim(0) : x.dim(0) / spec.windowPositions();
        Tensor out = temp(x.dtype(), Shape.of(m, w.dim(0)));
        conv(out, x, w, bias, spec);
        return out;
    }

    // ================================================================ norms

    /** RMSNorm over the last dimension, see {@link Backend#rmsNorm}. */
    public void rmsNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        String op = "rmsNorm";
        rowOp(op, out, x);
        vector(op, "weight", weight, x);
        epsilon(op, eps);
        supported(Op.RMS_NORM, out.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x + ", weight=" + weight, () -> backend.rmsNorm(out, x, weight, eps));
    }

    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        Tensor out = temp(x.dtype(), x.shape());
        rmsNorm(out, x, weight, eps);
        return out;
    }

    /** {@code sum = x + residual}, then {@code out = rmsNorm(sum)}, see {@link Backend#addRmsNorm}. */
    public void addRmsNorm(Tensor out, Tensor sum, Tensor x, Tensor residual, Tensor weight, float eps) {
        String op = "addRmsNorm";
        String[] names = { "out", "sum", "x", "residual" };
        Tensor[] ts = { out, sum, x, residual };
        for (int i = 0; i < ts.length; i++) {
            onDevice(op, names[i], ts[i]);
            floating(op, names[i], ts[i]);
            rows(op, names[i], ts[i]);
            if (i > 0) sameShape(op, names[i], ts[i], "out", out);
            for (int j = 0; j < i; j++) exactOrApart(op, names[j], ts[j], names[i], ts[i]);
        }
        nonEmpty(op, "x", x);
        vector(op, "weight", weight, x);
        epsilon(op, eps);
        supported(Op.BINARY, sum.dtype(), op);
        supported(Op.RMS_NORM, out.dtype(), op);
        run(op, () -> "out=" + out + ", sum=" + sum + ", x=" + x + ", residual=" + residual + ", weight=" + weight,
                () -> backend.addRmsNorm(out, sum, x, residual, weight, eps));
    }

    /** {@code x += residual} in place, then the norm of the new x from the scratch: the decoder's residual add and next norm. */
    public Tensor addRmsNorm(Tensor x, Tensor residual, Tensor weight, float eps) {
        Tensor out = temp(x.dtype(), x.shape());
        addRmsNorm(out, x, x, residual, weight, eps);
        return out;
    }

    /** LayerNorm over the last dimension, see {@link Backend#layerNorm}. */
    public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        String op = "layerNorm";
        rowOp(op, out, x);
        vector(op, "weight", weight, x);
        vector(op, "bias", bias, x);
        epsilon(op, eps);
        supported(Op.LAYER_NORM, out.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x + ", weight=" + weight + ", bias=" + bias,
                () -> backend.layerNorm(out, x, weight, bias, eps));
    }

    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        Tensor out = temp(x.dtype(), x.shape());
        layerNorm(out, x, weight, bias, eps);
        return out;
    }

    // ================================================================ rope and attention

    /** Rotary embedding in place on {@code qk [tokens, heads, headDim]}, see {@link RopeSpec}. */
    public void rope(Tensor qk, Tensor cos, Tensor sin, RopeSpec spec) {
        String op = "rope";
        onDevice(op, "qk", qk);
        onDevice(op, "cos", cos);
        onDevice(op, "sin", sin);
        floating(op, "qk", qk);
        floating(op, "cos", cos);
        floating(op, "sin", sin);
        nonEmpty(op, "qk", qk);
        if (qk.rank() != 3) fail(op, "qk " + qk + " must be [tokens, heads, headDim]");
        lastContiguous(op, "qk", qk);
        if (spec.rotaryDims() > qk.dim(2))
            fail(op, "rotaryDims " + spec.rotaryDims() + " exceeds headDim " + qk.dim(2) + " of qk " + qk);
        Shape table = Shape.of(qk.dim(0), spec.rotaryDims() / 2);
        if (!cos.shape().equals(table)) fail(op, "cos " + cos + " must be " + table + " for qk " + qk + " and " + spec);
        if (!sin.shape().equals(table)) fail(op, "sin " + sin + " must be " + table + " for qk " + qk + " and " + spec);
        rows(op, "cos", cos);
        rows(op, "sin", sin);
        if (qk.overlaps(cos)) fail(op, "qk " + qk + " overlaps cos " + cos);
        if (qk.overlaps(sin)) fail(op, "qk " + qk + " overlaps sin " + sin);
        supported(Op.ROPE, qk.dtype(), op);
        run(op, () -> "qk=" + qk + ", cos=" + cos + ", " + spec, () -> backend.rope(qk, cos, sin, spec));
    }

    /** Scaled dot-product attention, see {@link AttentionSpec}. */
    public void attention(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        String op = "attention";
        attentionOperands(op, out, q, k, v, spec);
        if (spec.causal() && (long) spec.queryOffset() + q.dim(0) > k.dim(0))
            fail(op, "causal queries at positions " + spec.queryOffset() + ".." + (spec.queryOffset() + q.dim(0) - 1)
                    + " need at least " + (spec.queryOffset() + q.dim(0)) + " keys, k has " + k.dim(0));
        run(op, () -> "out=" + out + ", q=" + q + ", k=" + k + ", v=" + v + ", " + spec,
                () -> backend.attention(out, q, k, v, spec));
    }

    public Tensor attention(Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        Tensor out = temp(q.dtype(), q.shape());
        attention(out, q, k, v, spec);
        return out;
    }

    /**
     * Causal attention at a query offset held in device data ({@code position}, I32 {@code [1]}), over the first
     * {@code position[0] + Lq} rows of k and v, see {@link Backend#attentionAt}. spec must be causal, unsegmented and
     * at offset 0 (the offset is the tensor's). A host position is checked against k here; a device one when the op runs.
     */
    public void attentionAt(Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
        String op = "attentionAt";
        attentionOperands(op, out, q, k, v, spec);
        if (!spec.causal() || spec.segments() != null || spec.queryOffset() != 0)
            fail(op, "spec must be causal, without segments and at queryOffset 0 (the offset is position[0]), got " + spec);
        index(op, "position", position);
        if (position.device().isHost()) {
            long p = position.getLong(0);
            if (p < 0 || p + q.dim(0) > k.dim(0))
                fail(op, "position " + p + " puts the " + q.dim(0) + " queries outside the " + k.dim(0) + " keys of k " + k);
        }
        run(op, () -> "out=" + out + ", q=" + q + ", k=" + k + ", v=" + v + ", " + spec + ", position=" + position,
                () -> backend.attentionAt(out, q, k, v, spec, position));
    }

    public Tensor attentionAt(Tensor q, Tensor k, Tensor v, AttentionSpec spec, Tensor position) {
        Tensor out = temp(q.dtype(), q.shape());
        attentionAt(out, q, k, v, spec, position);
        return out;
    }

    private void attentionOperands(String op, Tensor out, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        for (Tensor t : new Tensor[] { out, q, k, v }) {
            String n = t == out ? "out" : t == q ? "q" : t == k ? "k" : "v";
            onDevice(op, n, t);
            floating(op, n, t);
            if (t.rank() != 3) fail(op, n + " " + t + " must be [tokens, heads, headDim]");
            lastContiguous(op, n, t);
            nonEmpty(op, n, t);
        }
        if (!k.shape().equals(v.shape())) fail(op, "k " + k + " and v " + v + " must have one shape");
        if (!out.shape().equals(q.shape())) fail(op, "out " + out + " must have q's shape " + q.shape());
        if (q.dim(2) != k.dim(2)) fail(op, "q " + q + " and k " + k + " differ in headDim");
        if (q.dim(1) != k.dim(1) * spec.groupSize())
            fail(op, "q " + q + " has " + q.dim(1) + " heads, k " + k + " has " + k.dim(1) + " kv heads; groupSize "
                    + spec.groupSize() + " needs " + (long) k.dim(1) * spec.groupSize() + " query heads");
        if (spec.segments() != null) {
            int[] s = spec.segments();
            if (q.dim(0) != k.dim(0) || s[s.length - 1] != q.dim(0))
                fail(op, "segments end at " + s[s.length - 1] + " but q has " + q.dim(0) + " and k " + k.dim(0) + " tokens");
        }
        if (!spec.causal() && spec.segments() == null && spec.queryOffset() != 0)
            fail(op, "queryOffset applies to causal attention only");
        noOverlap(op, out, "q", q);
        noOverlap(op, out, "k", k);
        noOverlap(op, out, "v", v);
        supported(Op.ATTENTION, q.dtype(), op);
    }

    // ================================================================ element-wise

    /** {@code out [R, I] = silu(gate) ⊙ up} for {@code gateUp [R, 2I]}. */
    public void swiglu(Tensor out, Tensor gateUp) {
        String op = "swiglu";
        onDevice(op, "out", out);
        onDevice(op, "gateUp", gateUp);
        floating(op, "out", out);
        floating(op, "gateUp", gateUp);
        nonEmpty(op, "gateUp", gateUp);
        rows(op, "out", out);
        rows(op, "gateUp", gateUp);
        if (gateUp.dim(-1) % 2 != 0) fail(op, "gateUp " + gateUp + " must have an even last dimension");
        if (out.rowCount() != gateUp.rowCount() || out.dim(-1) * 2L != gateUp.dim(-1))
            fail(op, "out " + out + " must be gateUp " + gateUp + " with half the last dimension");
        noOverlap(op, out, "gateUp", gateUp);
        supported(Op.SWIGLU, out.dtype(), op);
        run(op, () -> "out=" + out + ", gateUp=" + gateUp, () -> backend.swiglu(out, gateUp));
    }

    public Tensor swiglu(Tensor gateUp) {
        Tensor out = temp(gateUp.dtype(), gateUp.shape().with(-1, gateUp.dim(-1) / 2));
        swiglu(out, gateUp);
        return out;
    }

    /** {@code out = fn(x)}; {@code out} may be {@code x} itself. */
    public void unary(Tensor out, Tensor x, Unary fn) {
        String op = "unary " + fn;
        rowOp(op, out, x);
        supported(Op.UNARY, out.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x, () -> backend.unary(out, x, fn));
    }

    public Tensor unary(Tensor x, Unary fn) {
        Tensor out = temp(x.dtype(), x.shape());
        unary(out, x, fn);
        return out;
    }

    public Tensor gelu(Tensor x) { return unary(x, Unary.GELU); }

    public Tensor silu(Tensor x) { return unary(x, Unary.SILU); }

    /** {@code out = fn(a, b)}; {@code b} is {@code a}'s shape or one row; {@code out} may be {@code a} or {@code b}. */
    public void binary(Tensor out, Tensor a, Tensor b, Binary fn) {
        String op = "binary " + fn;
        rowOp(op, out, a);
        onDevice(op, "b", b);
        floating(op, "b", b);
        rows(op, "b", b);
        boolean broadcast = b.numel() == a.dim(-1) && b.dim(-1) == a.dim(-1) && b.rowCount() == 1;
        if (!b.shape().equals(a.shape()) && !broadcast)
            fail(op, "b " + b + " must have a's shape " + a.shape() + " or be one row of " + a.dim(-1));
        noOverlapUnlessSame(op, out, "b", b);
        supported(Op.BINARY, out.dtype(), op);
        run(op, () -> "out=" + out + ", a=" + a + ", b=" + b, () -> backend.binary(out, a, b, fn));
    }

    public Tensor add(Tensor a, Tensor b) {
        Tensor out = temp(a.dtype(), a.shape());
        binary(out, a, b, Binary.ADD);
        return out;
    }

    public Tensor mul(Tensor a, Tensor b) {
        Tensor out = temp(a.dtype(), a.shape());
        binary(out, a, b, Binary.MUL);
        return out;
    }

    /** Softmax over the last dimension; {@code out} may be {@code x}. */
    public void softmax(Tensor out, Tensor x) {
        String op = "softmax";
        rowOp(op, out, x);
        supported(Op.SOFTMAX, out.dtype(), op);
        run(op, () -> "out=" + out + ", x=" + x, () -> backend.softmax(out, x));
    }

    public Tensor softmax(Tensor x) {
        Tensor out = temp(x.dtype(), x.shape());
        softmax(out, x);
        return out;
    }

    // ================================================================ lookups

    /** {@code out[i] = table[ids[i]]}; every id is checked against the table's rows before the backend runs. */
    public void embedding(Tensor out, Tensor table, Tensor ids) {
        String op = "embedding";
        onDevice(op, "out", out);
        onDevice(op, "table", table);
        onDevice(op, "ids", ids);
        floating(op, "out", out);
        floating(op, "table", table);
        if (ids.dtype() != DType.I32 && ids.dtype() != DType.I64) fail(op, "ids " + ids + " must be i32 or i64");
        if (ids.rank() != 1) fail(op, "ids " + ids + " must be [n]");
        nonEmpty(op, "ids", ids);
        if (table.rank() != 2) fail(op, "table " + table + " must be [rows, width]");
        rows(op, "table", table);
        rows(op, "out", out);
        if (out.rank() != 2 || out.dim(0) != ids.dim(0) || out.dim(1) != table.dim(1))
            fail(op, "out " + out + " must be [" + ids.dim(0) + "," + table.dim(1) + "]");
        if (ids.device().isHost()) {
            for (int i = 0; i < ids.dim(0); i++) {
                long id = ids.getLong(i);
                if (id < 0 || id >= table.dim(0))
                    fail(op, "ids[" + i + "] = " + id + " is outside the table's " + table.dim(0) + " rows");
            }
        }
        noOverlap(op, out, "table", table);
        supported(Op.EMBEDDING, out.dtype(), op);
        run(op, () -> "out=" + out + ", table=" + table + ", ids=" + ids, () -> backend.embedding(out, table, ids));
    }

    /** Bicubic grid-sample of a position table, see {@link Backend#resamplePositions}. */
    public void resamplePositions(Tensor out, Tensor table, Tensor points, int tableHeight, int tableWidth) {
        String op = "resamplePositions";
        onDevice(op, "out", out);
        onDevice(op, "table", table);
        onDevice(op, "points", points);
        floating(op, "out", out);
        floating(op, "table", table);
        if (points.dtype() != DType.F32) fail(op, "points " + points + " must be f32");
        if (points.rank() != 2 || points.dim(1) != 2) fail(op, "points " + points + " must be [n, 2] of (x, y)");
        nonEmpty(op, "points", points);
        if (tableHeight < 1 || tableWidth < 1) fail(op, "table grid " + tableHeight + "x" + tableWidth + " must be positive");
        if (table.rank() != 2 || (long) tableHeight * tableWidth != table.dim(0))
            fail(op, "table " + table + " must have " + tableHeight + "x" + tableWidth + " rows");
        rows(op, "table", table);
        rows(op, "points", points);
        rows(op, "out", out);
        if (out.rank() != 2 || out.dim(0) != points.dim(0) || out.dim(1) != table.dim(1))
            fail(op, "out " + out + " must be [" + points.dim(0) + "," + table.dim(1) + "]");
        noOverlap(op, out, "table", table);
        noOverlap(op, out, "points", points);
        supported(Op.RESAMPLE_POSITIONS, out.dtype(), op);
        run(op, () -> "out=" + out + ", table=" + table + ", points=" + points,
                () -> backend.resamplePositions(out, table, points, tableHeight, tableWidth));
    }

    /** One id per logits row into {@code ids} (I32 {@code [R]}), see {@link SamplingSpec}. */
    public void sample(Tensor ids, Tensor logits, SamplingSpec spec) {
        String op = "sample";
        onDevice(op, "ids", ids);
        onDevice(op, "logits", logits);
        floating(op, "logits", logits);
        nonEmpty(op, "logits", logits);
        rows(op, "logits", logits);
        if (ids.dtype() != DType.I32 || ids.rank() != 1 || ids.dim(0) != logits.rowCount())
            fail(op, "ids " + ids + " must be i32[" + logits.rowCount() + "] for logits " + logits);
        for (int id : spec.penalizedIds())
            if (id < 0 || id >= logits.dim(-1))
                fail(op, "penalized id " + id + " is outside the vocabulary of " + logits.dim(-1));
        supported(Op.SAMPLE, logits.dtype(), op);
        run(op, () -> "ids=" + ids + ", logits=" + logits + ", " + spec, () -> backend.sample(ids, logits, spec));
    }

    /** Argmax of each logits row. */
    public Tensor argmax(Tensor logits) {
        Tensor ids = temp(DType.I32, Shape.of(Math.toIntExact(logits.rowCount())));
        sample(ids, logits, SamplingSpec.greedy());
        return ids;
    }

    /**
     * {@code dst[at[0] + r, :] = src[r, :]} with the row index held in device data, see {@link Backend#copyRowsAt}.
     * A host index is checked here; a device one when the op runs.
     */
    public void copyRowsAt(Tensor dst, Tensor src, Tensor at) {
        String op = "copyRowsAt";
        onDevice(op, "dst", dst);
        onDevice(op, "src", src);
        nonEmpty(op, "src", src);
        if (dst.rank() != 2 || src.rank() != 2) fail(op, "dst " + dst + " and src " + src + " must be matrices [rows, width]");
        if (dst.dtype() != src.dtype()) fail(op, "dst " + dst + " and src " + src + " differ in dtype");
        rows(op, "dst", dst);
        rows(op, "src", src);
        if (dst.dim(1) != src.dim(1) || src.dim(0) > dst.dim(0))
            fail(op, "src " + src + " must be at most " + dst.dim(0) + " rows of dst's width " + dst.dim(1));
        index(op, "at", at);
        if (dst.overlaps(src)) fail(op, "dst " + dst + " overlaps src " + src);
        if (at.device().isHost()) {
            long a = at.getLong(0);
            if (a < 0 || a + src.dim(0) > dst.dim(0))
                fail(op, "at " + a + " puts the " + src.dim(0) + " rows of src outside the " + dst.dim(0) + " rows of dst");
        }
        supported(Op.COPY, src.dtype(), op);
        run(op, () -> "dst=" + dst + ", src=" + src + ", at=" + at, () -> backend.copyRowsAt(dst, src, at));
    }

    /** The backend's step capture (CUDA graphs), or empty when its ops run as they are called. */
    public Optional<StepGraphs> stepGraphs() { return backend.stepGraphs(); }

    /** Waits for the backend to finish every op issued so far. */
    public void synchronize() { backend.synchronize(); }

    // ================================================================ checks

    private static String join(int[] k) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < k.length; i++) sb.append(i == 0 ? "" : ",").append(k[i]);
        return sb.toString();
    }

    /** The backend must implement the op for this dtype; asked up front, never by catching. */
    private void supported(Op which, DType dtype, String op) {
        if (!backend.supports(which, dtype))
            throw new UnsupportedOpException(backend.name() + " on " + backend.device() + " has no " + op + " for " + dtype);
    }

    private static void fail(String op, String what) {
        throw new IllegalArgumentException(op + ": " + what);
    }

    private void onDevice(String op, String name, Tensor t) {
        if (t == null) fail(op, name + " is null");
        if (!t.device().equals(backend.device()))
            fail(op, name + " " + t + " is on " + t.device() + ", backend " + backend.name() + " runs on " + backend.device());
    }

    private static void floating(String op, String name, Tensor t) {
        if (!t.dtype().isFloating()) fail(op, name + " " + t + " must be f32, bf16 or f16");
    }

    private static void nonEmpty(String op, String name, Tensor t) {
        if (t.numel() == 0) fail(op, name + " " + t + " is empty");
    }

    private static void lastContiguous(String op, String name, Tensor t) {
        if (t.stride(-1) != 1 && t.dim(-1) > 1) fail(op, name + " " + t + " must be contiguous in its last dimension");
    }

    /** Matrix operand: contiguous rows of one stride. */
    private static void rows(String op, String name, Tensor t) {
        if (!t.hasUniformRows())
            fail(op, name + " " + t + " must be rows of one stride with a contiguous last dimension");
    }

    private static void sameShape(String op, String na, Tensor a, String nb, Tensor b) {
        if (!a.shape().equals(b.shape())) fail(op, na + " " + a + " does not match " + nb + " " + b);
    }

    private static void epsilon(String op, float eps) {
        if (!(eps >= 0) || Float.isInfinite(eps)) fail(op, "eps must be >= 0 and finite, got " + eps);
    }

    /** Row-wise op: out and x on the device, floating, same shape, row layout, out aliasing x exactly or not at all. */
    private void rowOp(String op, Tensor out, Tensor x) {
        onDevice(op, "out", out);
        onDevice(op, "x", x);
        floating(op, "out", out);
        floating(op, "x", x);
        nonEmpty(op, "x", x);
        sameShape(op, "out", out, "x", x);
        rows(op, "out", out);
        rows(op, "x", x);
        noOverlapUnlessSame(op, out, "x", x);
    }

    /** A per-column vector (norm weight, bias) matching x's last dimension. */
    private void vector(String op, String name, Tensor v, Tensor x) {
        onDevice(op, name, v);
        floating(op, name, v);
        if (v.rank() != 1 || v.dim(0) != x.dim(-1)) fail(op, name + " " + v + " does not match x " + x);
        rows(op, name, v);
    }

    /** A device index operand: I32 {@code [1]} on the backend's device. */
    private void index(String op, String name, Tensor t) {
        onDevice(op, name, t);
        if (t.dtype() != DType.I32 || t.rank() != 1 || t.dim(0) != 1) fail(op, name + " " + t + " must be i32[1]");
    }

    /** Two operands that are the same elements exactly, or share none. */
    private static void exactOrApart(String op, String na, Tensor a, String nb, Tensor b) {
        if (a.overlaps(b) && !(a.equals(b) || sameLayout(a, b)))
            fail(op, na + " " + a + " partially overlaps " + nb + " " + b + "; use the same tensor or a separate one");
    }

    private static void noOverlap(String op, Tensor out, String name, Tensor in) {
        if (out.overlaps(in)) fail(op, "out " + out + " overlaps " + name + " " + in);
    }

    private static void noOverlapUnlessSame(String op, Tensor out, String name, Tensor in) {
        if (out.overlaps(in) && !(out.equals(in) || sameLayout(out, in)))
            fail(op, "out " + out + " partially overlaps " + name + " " + in + "; use the same tensor or a separate one");
    }

    private static void noPartialOverlap(String op, Tensor dst, String name, Tensor src) {
        if (dst.overlaps(src) && !dst.equals(src)) fail(op, "dst " + dst + " overlaps " + name + " " + src);
    }

    /** Same element addresses (exact aliasing), possibly through different but equivalent views. */
    private static boolean sameLayout(Tensor a, Tensor b) {
        return a.dtype() == b.dtype() && a.shape().equals(b.shape())
                && a.data().address() + a.byteOffset() == b.data().address() + b.byteOffset()
                && java.util.Arrays.equals(a.strides(), b.strides());
    }

    private void run(String op, Supplier<String> operands, Runnable call) {
        try {
            call.run();
        } catch (IllegalArgumentException | UnsupportedOpException | OpException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new OpException(e.getClass().getSimpleName() + " in " + op + "(" + operands.get() + ") on "
                    + backend.name() + ": " + e.getMessage(), e);
        }
    }
}
