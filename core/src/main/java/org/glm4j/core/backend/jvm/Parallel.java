package org.glm4j.core.backend.jvm;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * A fixed pool of worker threads, one per core by default, that splits index ranges into contiguous chunks. Calls
 * made from a worker of the pool (nested parallelism) run inline. The pool belongs to one backend (the JVM backend's
 * kernels, the oneDNN backend's own Vector API kernels) and is shut down by its close.
 */
public final class Parallel implements AutoCloseable {
    /** A body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    private final ForkJoinPool pool;
    private final int threads;

    Parallel(int threads) { this(threads, "glm4j-jvm"); }

    /** A pool of {@code threads} daemon workers named {@code <name>-<index>}. */
    public Parallel(int threads, String name) {
        this.threads = Math.max(1, threads);
        this.pool = new ForkJoinPool(this.threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(name + "-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public int threads() { return threads; }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} indices, spread over the pool.
     * Returns when every chunk is done; an exception in any chunk is rethrown here.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        forChunks(n, Math.min(threads * 4, Math.max(1, n / Math.max(1, grain))), body);
    }

    /** Runs {@code body} over {@code [0, n)} split into up to {@code parts} contiguous chunks (e.g. one per worker). */
    public void forParts(int n, int parts, RangeBody body) {
        if (n <= 0) return;
        forChunks(n, Math.min(n, Math.max(1, parts)), body);
    }

    private void forChunks(int n, int chunks, RangeBody body) {
        if (chunks <= 1 || threads == 1 || ForkJoinTask.inForkJoinPool() && Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Chunk(body, n, chunks, 0, chunks));
    }

    private static final class Chunk extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final int n, chunks, lo, hi;

        Chunk(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks), to = (int) ((long) n * (lo + 1) / chunks);
                if (from < to) body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunk(body, n, chunks, lo, mid), new Chunk(body, n, chunks, mid, hi));
        }
    }

    @Override public void close() { pool.shutdownNow(); }
}
