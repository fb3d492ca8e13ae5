package org.glm4j.core.backend.onednn;

import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * A created oneDNN primitive with its primitive descriptor, as held by {@link PrimitiveCache}. The descriptor
 * answers the memory descriptors of its arguments; the scratchpad size is queried once. Reference-counted by the
 * cache so that an evicted primitive is destroyed only after the last execution using it has returned.
 */
final class Primitive {
    final MemorySegment pd;
    final MemorySegment primitive;
    final long scratchpadBytes;
    final String impl;
    int refs;
    boolean evicted;

    /**
     * Creates the primitive of {@code pd}, taking ownership of {@code pd} (destroyed with the primitive, or here if
     * creation fails).
     */
    Primitive(MemorySegment pd, Supplier<String> context) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            Dnnl.check(dnnl_primitive_create(slot, pd), "dnnl_primitive_create", context);
            this.primitive = slot.get(C_POINTER, 0);
            MemorySegment str = call.allocate(C_POINTER);
            impl = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str(), 0, str) == dnnl_success()
                    ? str.get(C_POINTER, 0).getString(0) : "?";
        } catch (RuntimeException e) {
            dnnl_primitive_desc_destroy(pd);
            throw e;
        }
        this.pd = pd;
        MemorySegment sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md(), 0);
        this.scratchpadBytes = sp.equals(MemorySegment.NULL) ? 0 : dnnl_memory_desc_get_size(sp);
    }

    /** The primitive's descriptor for argument {@code arg} ({@code DNNL_ARG_*}); owned by the primitive. */
    MemorySegment md(int arg) {
        return dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md(), arg);
    }

    void destroy() {
        dnnl_primitive_destroy(primitive);
        dnnl_primitive_desc_destroy(pd);
    }

    @Override public String toString() { return "Primitive[" + impl + "]"; }
}
