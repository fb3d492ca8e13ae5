package org.glm4j.tests.support;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.AttentionSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.RopeSpec;
import org.glm4j.core.tensor.Device;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The harness's device paths, exercised through {@link LoopbackBackend} so that they are known to work before a GPU
 * machine runs them: same seed gives the same operands everywhere, views of device operands map back to their host
 * copies, and a level-2 comparison passes for an equal backend and fails for a wrong one.
 */
class FixturesTest {
    private static final LoopbackBackend LOOPBACK = new LoopbackBackend(TestBackends.jvm());
    private static final TestBackends.Candidate CANDIDATE = new TestBackends.Candidate("loopback", LOOPBACK, null);

    @Test
    void operands_areTheSameOnEveryBackendAndViewsMapBack() {
        try (Arena arena = Arena.ofShared()) {
            Fixtures onJvm = Fixtures.on(TestBackends.jvm(), arena, 5, false);
            Fixtures onDevice = Fixtures.on(LOOPBACK, arena, 5, false);
            Tensor a = onJvm.random(BF16, Shape.of(4, 40));
            Tensor b = onDevice.random(BF16, Shape.of(4, 40));
            assertEquals(Device.cuda(9), b.device());
            assertEquals(0, b.data().byteSize(), "device tensors carry zero-length segments");
            assertArrayEquals(a.toFloatArray(), onDevice.download(b));
            Tensor view = b.columns(8, 16).unflatten(1, 2, 8).slice(1, 1, 1);
            assertArrayEquals(a.columns(8, 16).unflatten(1, 2, 8).slice(1, 1, 1).toFloatArray(),
                    onDevice.host(view).toFloatArray());
            assertArrayEquals(onDevice.host(view).toFloatArray(), onDevice.download(view));
            Tensor foreign = LOOPBACK.allocate(F32, Shape.of(2), arena);
            assertThrows(IllegalArgumentException.class, () -> onDevice.host(foreign));
        }
    }

    @Test
    void levelTwo_runsThroughDeviceCopiesOfStridedOperands() {
        int L = 5, qw = 4 * 16, kw = 2 * 16;
        Parity.againstJvm(CANDIDATE, "attention", Op.ATTENTION, BF16, "loopback fused qkv", 1, Tolerance.EXACT, 16,
                (f, ops) -> {
                    Tensor qkv = f.random(BF16, Shape.of(L, qw + 2 * kw));
                    Tensor out = f.random(BF16, Shape.of(L, 2 * qw)).columns(qw, qw).unflatten(1, 4, 16);
                    ops.attention(out, qkv.columns(0, qw).unflatten(1, 4, 16), qkv.columns(qw, kw).unflatten(1, 2, 16),
                            qkv.columns(qw + kw, kw).unflatten(1, 2, 16), AttentionSpec.causal(16, 2, 0));
                    return new Parity.Outcome(out, null);
                });
        Parity.againstJvm(CANDIDATE, "rope", Op.ROPE, F32, "loopback head view", 2, Tolerance.EXACT, 8, (f, ops) -> {
            Tensor qk = f.random(F32, Shape.of(3, 5 * 8)).columns(16, 8).unflatten(1, 1, 8);
            ops.rope(qk, f.random(F32, Shape.of(3, 4)), f.random(F32, Shape.of(3, 4)), RopeSpec.halfSplit(8));
            return new Parity.Outcome(qk, null);
        });
    }

    @Test
    void levelTwo_failsForADifferentResult() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Parity.againstJvm(CANDIDATE, "softmax", Op.SOFTMAX, F32, "differs on the device", 3,
                        Tolerance.of(F32), 1, (f, ops) -> {
                            Tensor x = f.random(F32, Shape.of(2, 9));
                            Tensor out = f.zeros(F32, x.shape());
                            if (f.backend() == LOOPBACK) ops.unary(out, x, org.glm4j.core.backend.Unary.NEG);
                            else ops.softmax(out, x);
                            return new Parity.Outcome(out, null);
                        }));
        assertFalse(e.getMessage().isEmpty());
        assertEquals(true, e.getMessage().startsWith("softmax on loopback, out f32[2,9]@cuda:9, case 'differs on the device' vs jvm"),
                e::getMessage);
    }
}
