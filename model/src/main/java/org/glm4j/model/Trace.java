package org.glm4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.glm4j.core.tensor.Tensor;

/**
 * Keeps named intermediate tensors ({@code vision.patch_embed}, {@code text.hidden.1}, …) for golden comparisons
 * when enabled; a no-op otherwise. Recorded tensors are copied (widened to f32) at record time, so later in-place
 * ops do not change them. Host tensors only. Not thread-safe: one per forward pass.
 */
public final class Trace {
    /** A trace that records nothing. */
    public static final Trace OFF = new Trace(false, null);

    private final boolean on;
    private final org.glm4j.core.backend.Backend backend;     // for copies of device tensors; null: host only
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    private Trace(boolean on, org.glm4j.core.backend.Backend backend) {
        this.on = on;
        this.backend = backend;
    }

    /** A recording trace of host tensors. */
    public static Trace recording() { return new Trace(true, null); }

    /** A recording trace that copies device tensors of {@code backend} to the host. */
    public static Trace recording(org.glm4j.core.backend.Backend backend) { return new Trace(true, backend); }

    public boolean enabled() { return on; }

    /** Records {@code t} under {@code name} (when on) and returns {@code t}. */
    public Tensor record(String name, Tensor t) {
        if (on) {
            values.put(name, backend == null ? t.toFloatArray() : HostData.toFloats(backend, t));
            shapes.put(name, t.shape().toArray());
        }
        return t;
    }

    /** {@link #record(String, Tensor)} with a formatted name. */
    public Tensor record(String format, int index, Tensor t) {
        return on ? record(String.format(format, index), t) : t;
    }

    /** The recorded values, row-major f32, by name. */
    public Map<String, float[]> values() { return java.util.Collections.unmodifiableMap(values); }

    /** The recorded shapes by name. */
    public Map<String, int[]> shapes() { return java.util.Collections.unmodifiableMap(shapes); }
}
