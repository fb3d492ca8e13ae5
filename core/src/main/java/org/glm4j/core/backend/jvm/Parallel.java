package org.glm4j.core.backend.jvm;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads, one per core by default, that splits index ranges into contiguous chunks, which
 * the calling thread and the workers take in turn ({@link Job}). Calls made from a worker of the pool (nested
 * parallelism) run inline. The pool belongs to one backend (the JVM backend's kernels, the oneDNN backend's own
 * Vector API kernels) and is shut down by its close.
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
        Job job = new Job(body, n, chunks, Thread.currentThread());
        for (int i = Math.min(threads - 1, chunks - 1); i > 0; i--) pool.execute(job::work);
        job.work();
        job.await();
    }

    /**
     * One call's chunks, handed out in order to whichever thread asks next: the calling thread starts on them at
     * once and up to {@code threads − 1} workers join as they wake up. The caller does not wait for a worker to be
     * scheduled before work starts (tens to hundreds of µs on a loaded machine, per call), and a worker that other
     * work delays takes fewer chunks instead of holding up the call.
     */
    private static final class Job {
        private final RangeBody body;
        private final int n, chunks;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        private volatile Throwable failure;

        Job(RangeBody body, int n, int chunks, Thread caller) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.caller = caller;
        }

        /** Runs chunks until none is left. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) {
                        int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
                        if (from < to) body.run(from, to);
                    }
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    if (done.incrementAndGet() == chunks) LockSupport.unpark(caller);
                }
            }
        }

        /** Waits for the chunks other threads took; rethrows the first failure. */
        void await() {
            while (done.get() < chunks) LockSupport.park(this);
            Throwable t = failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }

    @Override public void close() { pool.shutdownNow(); }
}
