package org.glm4j.bench.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeSizesTest {
    @Test
    void readProbe_splitsTheBufferIntoWholeVectorStepsPerThread() {
        long gib = 1L << 30;
        assertEquals(gib, ReadBandwidthProbe.bytesRead(gib, 2));
        long slice = ReadBandwidthProbe.sliceBytes(gib + 100, 3);
        assertEquals(0, slice % (4L * FmaProbe.lanes() * 4));
        assertTrue(slice * 3 <= gib + 100 && slice * 3 > gib - 3L * 4 * FmaProbe.lanes() * 4);
        assertThrows(IllegalArgumentException.class, () -> ReadBandwidthProbe.sliceBytes(64, 2));
    }

    @Test
    void fmaProbe_countsTwoFlopsPerLanePerChainPerTrip() {
        assertEquals(2.0 * 2 * 1000 * FmaProbe.CHAINS * FmaProbe.lanes(), FmaProbe.flops(2, 1000));
    }
}
