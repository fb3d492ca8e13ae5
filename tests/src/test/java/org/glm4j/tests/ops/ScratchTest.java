package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.Scratch;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.Fixtures;
import org.glm4j.tests.support.TestBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Scratch}: aligned, disjoint bump allocations, reset, capacity errors; the allocating forms of {@link Ops}. */
class ScratchTest {
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void close() { arena.close(); }

    @Test
    void allocations_areAlignedAndDisjoint() {
        Scratch s = new Scratch(TestBackends.jvm(), 4096, arena);
        List<Tensor> got = new ArrayList<>();
        for (int n : new int[] { 1, 3, 17, 64, 5, 100 }) got.add(s.allocate(n % 2 == 0 ? F32 : BF16, Shape.of(n)));
        for (int i = 0; i < got.size(); i++) {
            Tensor t = got.get(i);
            assertEquals(0, (t.data().address() + t.byteOffset()) % Tensor.ALIGNMENT, "allocation " + i + " alignment");
            for (int j = 0; j < i; j++) assertFalse(t.overlaps(got.get(j)), "allocations " + j + " and " + i + " overlap");
        }
        assertEquals(got.getLast().byteOffset() + 100 * 4, s.used());      // the last is f32[100]
    }

    @Test
    void reset_reusesTheSpaceAndKeepsTheHighWater() {
        Scratch s = new Scratch(TestBackends.jvm(), 1024, arena);
        Tensor a = s.allocate(F32, Shape.of(100));
        s.allocate(F32, Shape.of(10));
        long high = s.used();
        s.reset();
        assertEquals(0, s.used());
        assertEquals(high, s.highWater());
        Tensor b = s.allocate(F32, Shape.of(3));
        assertEquals(a.data().address() + a.byteOffset(), b.data().address() + b.byteOffset());
        assertEquals(high, s.highWater());
    }

    @Test
    void capacity_isEnforcedWithAClearMessage() {
        Scratch s = new Scratch(TestBackends.jvm(), 1000, arena);
        assertEquals(1000, s.capacity());
        s.allocate(BF16, Shape.of(470));                   // 940 bytes; the next allocation starts at 960
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.allocate(F32, Shape.of(11)));
        assertTrue(e.getMessage().contains("scratch: f32[11] needs 44 bytes, only 40 of 1000 left"), e::getMessage);
        s.allocate(F32, Shape.of(10));                     // exactly the 40 left
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new Scratch(TestBackends.jvm(), 0, arena));
        assertTrue(bad.getMessage().contains("scratch: capacity must be > 0, got 0"), bad::getMessage);
    }

    @Test
    void allocatingOps_takeTheirOutputFromTheScratch() {
        Scratch s = new Scratch(TestBackends.jvm(), 1 << 16, arena);
        Ops ops = new Ops(TestBackends.jvm(), s);
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = Fixtures.randomHost(F32, Shape.of(3, 64), -1, 1, rng, arena);
        Tensor w = Fixtures.randomHost(F32, Shape.of(64), 0.5, 1.5, rng, arena);
        Tensor out = ops.rmsNorm(x, w, 1e-5f);
        long start = s.used() - out.numel() * 4;
        assertTrue(s.used() > 0 && out.byteOffset() == start, "the output is the scratch's latest allocation");
        Tensor expected = Tensor.allocate(F32, x.shape(), arena);
        ops.rmsNorm(expected, x, w, 1e-5f);
        assertArrayEquals(expected.toFloatArray(), out.toFloatArray());
        Tensor logits = Fixtures.randomHost(F32, Shape.of(2, 50), -1, 1, rng, arena);
        Tensor ids = ops.argmax(logits);
        assertEquals(Shape.of(2), ids.shape());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Ops(TestBackends.jvm(), null).gelu(x));
        assertTrue(e.getMessage().contains("this Ops has no scratch"), e::getMessage);
    }
}
