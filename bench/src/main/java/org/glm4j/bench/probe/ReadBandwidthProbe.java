package org.glm4j.bench.probe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Streaming read bandwidth: every thread sums its own slice of one off-heap buffer with vector loads into four
 * independent accumulators. The buffer is written (first-touched) by the thread that later reads each slice.
 * One call reads {@link #bytesRead(long, int)} bytes; the buffer should be several times the last-level cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReadBandwidthProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int UNROLL = 4;

    /** Buffer size in bytes. */
    @Param("1073741824")
    public long bytes;

    /** Reading threads; 0 means one per available processor. */
    @Param("0")
    public int threads;

    private Arena arena;
    private MemorySegment buffer;
    private ProbeThreads pool;
    private long slice;

    @Setup(Level.Trial)
    public void setup() {
        pool = new ProbeThreads(threads > 0 ? threads : ProbeThreads.allCores());
        slice = sliceBytes(bytes, pool.threads());
        arena = Arena.ofShared();
        buffer = arena.allocate(slice * pool.threads(), 4096);
        pool.runAll(t -> {                            // 1.0f everywhere: no denormals, sums stay exact enough
            MemorySegment s = buffer.asSlice(t * slice, slice);
            for (long off = 0; off < slice; off += 4) s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, 1f);
            return 0;
        });
    }

    @Benchmark
    public double read() {
        return pool.runAll(t -> sum(buffer, t * slice, slice));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    private static double sum(MemorySegment seg, long from, long length) {
        long step = S.vectorByteSize();
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (long off = from, end = from + length; off < end; off += UNROLL * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(S, seg, off, LE));
            a1 = a1.add(FloatVector.fromMemorySegment(S, seg, off + step, LE));
            a2 = a2.add(FloatVector.fromMemorySegment(S, seg, off + 2 * step, LE));
            a3 = a3.add(FloatVector.fromMemorySegment(S, seg, off + 3 * step, LE));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    /** Bytes each thread reads: its share of {@code bytes}, rounded down to whole unrolled vector steps. */
    public static long sliceBytes(long bytes, int threads) {
        long unit = (long) UNROLL * S.vectorByteSize();
        long slice = bytes / threads / unit * unit;
        if (slice <= 0) throw new IllegalArgumentException("probe: " + bytes + " bytes is too small for " + threads + " threads");
        return slice;
    }

    /** Bytes one call reads with {@code threads} threads over a {@code bytes} buffer. */
    public static double bytesRead(long bytes, int threads) {
        return (double) sliceBytes(bytes, threads) * threads;
    }
}
