package org.glm4j.core.backend.onednn;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The worker pool of the backend's own kernels (decode matrix-vector products, attention blocks): a fixed
 * {@link ForkJoinPool} of the backend's thread count. A range is cut into one contiguous part per worker. Calls from
 * a worker of this pool run inline.
 */
final class KernelPool implements AutoCloseable {
    /** A body over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody { void run(int from, int to); }

    private final ForkJoinPool pool;
    private final int threads;

    KernelPool(int threads) {
        this.threads = threads;
        this.pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("glm4j-onednn-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    int threads() { return threads; }

    /** Runs {@code body} over {@code [0, n)} split into up to {@code parts} contiguous chunks; rethrows a chunk's exception. */
    void forRange(int n, int parts, RangeBody body) {
        int chunks = Math.min(n, Math.max(1, parts));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool() && Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool) {
            if (n > 0) body.run(0, n);
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
