package org.glm4j.core.backend.onednn;

import static org.glm4j.bindings.onednn.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.glm4j.bindings.onednn.dnnl_exec_arg_t;

/**
 * A created oneDNN primitive with its primitive descriptor, as held by {@link PrimitiveCache}. The descriptor
 * answers the memory descriptors of its arguments; the scratchpad size is queried once. Reference-counted by the
 * cache so that an evicted primitive is destroyed only after the last execution using it has returned.
 *
 * <p>Memory objects for its arguments are made once and reused: an execution takes a set from {@link #takeArgs},
 * points each at its data ({@code dnnl_memory_set_data_handle}) and gives it back, so concurrent executions each
 * hold their own set and nothing is allocated per call once warm.
 */
final class Primitive {
    final MemorySegment pd;
    final MemorySegment primitive;
    final long scratchpadBytes;
    final String impl;
    int refs;
    boolean evicted;
    private final ConcurrentLinkedQueue<Args> argSets = new ConcurrentLinkedQueue<>();

    /** One execution's argument list: memory objects (by argument) and the native {@code dnnl_exec_arg_t} array. */
    static final class Args {
        final int[] ids;
        final MemorySegment[] memories;
        final MemorySegment array;
        private final Arena arena;

        Args(int[] ids, MemorySegment[] memories, MemorySegment array, Arena arena) {
            this.ids = ids;
            this.memories = memories;
            this.array = array;
            this.arena = arena;
        }

        void destroy() {
            for (MemorySegment m : memories) if (m != null) dnnl_memory_destroy(m);
            arena.close();
        }
    }

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

    /** A set of memory objects for arguments {@code ids}, made on first need; give it back with {@link #giveArgs}. */
    Args takeArgs(int[] ids, MemorySegment engine, Supplier<String> context) {
        for (Args a : argSets)
            if (Arrays.equals(a.ids, ids) && argSets.remove(a)) return a;
        Arena arena = Arena.ofShared();
        MemorySegment[] memories = new MemorySegment[ids.length];
        try {
            MemorySegment array = dnnl_exec_arg_t.allocateArray(ids.length, arena);
            MemorySegment slot = arena.allocate(C_POINTER);
            for (int i = 0; i < ids.length; i++) {
                Dnnl.check(dnnl_memory_create(slot, md(ids[i]), engine, DNNL_MEMORY_NONE()), "dnnl_memory_create", context);
                memories[i] = slot.get(C_POINTER, 0);
                MemorySegment e = dnnl_exec_arg_t.asSlice(array, i);
                dnnl_exec_arg_t.arg(e, ids[i]);
                dnnl_exec_arg_t.memory(e, memories[i]);
            }
            return new Args(ids.clone(), memories, array, arena);
        } catch (RuntimeException e) {
            new Args(ids, memories, MemorySegment.NULL, arena).destroy();
            throw e;
        }
    }

    void giveArgs(Args a) { argSets.add(a); }

    void destroy() {
        for (Args a; (a = argSets.poll()) != null; ) a.destroy();
        dnnl_primitive_destroy(primitive);
        dnnl_primitive_desc_destroy(pd);
    }

    @Override public String toString() { return "Primitive[" + impl + "]"; }
}
