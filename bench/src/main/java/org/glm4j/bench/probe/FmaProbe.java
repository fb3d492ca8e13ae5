package org.glm4j.bench.probe;

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
 * f32 vector FMA throughput on registers: every thread runs {@link #CHAINS} independent {@code c = c·a + b} chains
 * of the preferred vector width, enough to cover the FMA latency times the number of FMA ports. {@code a < 1}
 * keeps every chain bounded and away from denormals. One call does {@link #flops(int, int)} floating-point ops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FmaProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Independent FMA chains per thread. */
    public static final int CHAINS = 12;

    /** Loop trips per thread and call; each trip issues one FMA per chain. */
    @Param("4194304")
    public int iterations;

    /** Threads; 0 means one per available processor. */
    @Param("0")
    public int threads;

    private ProbeThreads pool;

    @Setup(Level.Trial)
    public void setup() {
        pool = new ProbeThreads(threads > 0 ? threads : ProbeThreads.allCores());
    }

    @Benchmark
    public double fma() {
        int n = iterations;
        return pool.runAll(t -> chains(n, 0.999f, 1e-3f));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    private static double chains(int n, float scale, float offset) {
        FloatVector a = FloatVector.broadcast(S, scale), b = FloatVector.broadcast(S, offset);
        FloatVector c0 = FloatVector.broadcast(S, 0.1f), c1 = FloatVector.broadcast(S, 0.2f);
        FloatVector c2 = FloatVector.broadcast(S, 0.3f), c3 = FloatVector.broadcast(S, 0.4f);
        FloatVector c4 = FloatVector.broadcast(S, 0.5f), c5 = FloatVector.broadcast(S, 0.6f);
        FloatVector c6 = FloatVector.broadcast(S, 0.7f), c7 = FloatVector.broadcast(S, 0.8f);
        FloatVector c8 = FloatVector.broadcast(S, 0.9f), c9 = FloatVector.broadcast(S, 1.0f);
        FloatVector c10 = FloatVector.broadcast(S, 1.1f), c11 = FloatVector.broadcast(S, 1.2f);
        for (int i = 0; i < n; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /** Floating-point ops of one call: {@code threads · iterations · CHAINS · lanes · 2}. */
    public static double flops(int threads, int iterations) {
        return 2.0 * threads * iterations * CHAINS * S.length();
    }

    /** f32 lanes of the preferred vector species on this machine. */
    public static int lanes() { return S.length(); }
}
