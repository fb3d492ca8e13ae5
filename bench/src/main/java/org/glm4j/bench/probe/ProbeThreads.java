package org.glm4j.bench.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntToDoubleFunction;

/** A fixed pool of platform threads that runs one task per thread and waits for all of them. */
final class ProbeThreads implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;

    ProbeThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("probe: threads must be >= 1, got " + threads);
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "glm4j-probe");
            t.setDaemon(true);
            return t;
        });
    }

    int threads() { return threads; }

    /** Runs {@code task(i)} for every thread index {@code i} at once; returns the sum of their results. */
    double runAll(IntToDoubleFunction task) {
        List<Callable<Double>> calls = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int index = i;
            calls.add(() -> task.applyAsDouble(index));
        }
        try {
            double sum = 0;
            for (Future<Double> f : pool.invokeAll(calls)) sum += f.get();
            return sum;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("probe interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("probe task failed: " + e.getCause(), e.getCause());
        }
    }

    /** The processors this JVM may use: the probes' default "all cores". */
    static int allCores() { return Runtime.getRuntime().availableProcessors(); }

    @Override public void close() { pool.shutdownNow(); }
}
