package org.glm4j.bench.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RotationTest {
    @Test
    void rotationCopies_spanTheRequestedBytes() {
        assertEquals(1, OpBench.rotationCopies(0, 100));
        assertEquals(1, OpBench.rotationCopies(50, 100));
        assertEquals(6, OpBench.rotationCopies(600L << 20, MatmulDecodeBench.rotatedBytesPerCopy()));   // 112 MB each
        assertEquals(10, OpBench.rotationCopies(600L << 20, AttentionDecodeBench.rotatedBytesPerCopy())); // 64 MiB each
        assertThrows(IllegalArgumentException.class, () -> OpBench.rotationCopies(1, 0));
    }
}
