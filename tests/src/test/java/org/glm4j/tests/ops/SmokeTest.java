package org.glm4j.tests.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void matmul_smallKnownProduct() {
        try (Backend b = Backends.open("jvm"); Arena arena = Arena.ofShared()) {
            Ops ops = new Ops(b, null);
            Tensor x = Tensor.of(DType.F32, Shape.of(2, 3), arena, 1, 2, 3, 4, 5, 6);
            Tensor w = Tensor.of(DType.BF16, Shape.of(2, 3), arena, 1, 0, -1, 0.5f, 0.5f, 0.5f);
            Tensor out = Tensor.allocate(DType.F32, Shape.of(2, 2), arena);
            ops.matmul(out, x, w, null);
            assertEquals(-2f, out.getFloat(0));
            assertEquals(3f, out.getFloat(1));
            assertEquals(-2f, out.getFloat(2));
            assertEquals(7.5f, out.getFloat(3));
        }
    }
}
