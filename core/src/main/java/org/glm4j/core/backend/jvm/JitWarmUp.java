package org.glm4j.core.backend.jvm;

/**
 * Runs a Vector API kernel on a tiny problem until the JIT has compiled it, so that a real call does not run it
 * unoptimised.
 *
 * <p>Why: the Vector API is only fast in C2-compiled code. Interpreted or in C1 code every vector operation is a
 * call that boxes its result, 50–100× slower, and C2 compiles a method only after hundreds to thousands of calls
 * (its tiered thresholds count calls and loop iterations). A kernel that runs once per generated token (decode)
 * would spend its first hundreds of tokens that way, seconds per decode matmul. A warm-up call on a tiny problem
 * costs microseconds once compiled and milliseconds before, so calling it until it speeds up takes well under a
 * second of CPU.
 *
 * <p>It stops once a batch of calls runs {@value #SPEEDUP}× faster than the first batch (C2's code is installed)
 * after at least {@code minCalls} calls; at the latest after {@value #MAX_FACTOR}·{@code minCalls} calls (the
 * kernel was already compiled, the first batch was fast) or {@value #MAX_NANOS} ns. The factor separates the two
 * compilers: measured on the decode kernels, C1's code ran 4–20× faster than the first, interpreted batch, C2's
 * 700–4000× (GEMV: 2.3 ms, then 120–600 µs, then 3 µs per call; attention: 18 ms, 4 ms, 21 µs). A smaller factor
 * stopped at C1's code, and the real calls then ran unoptimised until C2 compiled them seconds later.
 */
public final class JitWarmUp {
    private static final int BATCH = 50;
    private static final int SPEEDUP = 100;
    private static final int MAX_FACTOR = 10;
    private static final long MAX_NANOS = 10_000_000_000L;

    private JitWarmUp() {}

    /**
     * Calls {@code call} in batches until it is compiled (see the class comment); returns the number of calls.
     *
     * @param minCalls calls past C2's thresholds for this kernel (a few hundred for one with loops)
     */
    public static int untilCompiled(Runnable call, int minCalls) {
        long start = System.nanoTime(), first = -1;
        int calls = 0;
        while (true) {
            long t0 = System.nanoTime();
            for (int i = 0; i < BATCH; i++) call.run();
            long t = System.nanoTime() - t0;
            calls += BATCH;
            if (first < 0) first = t;
            else if (calls >= minCalls && t * SPEEDUP <= first) return calls;
            if (calls >= MAX_FACTOR * minCalls || System.nanoTime() - start > MAX_NANOS) return calls;
        }
    }
}
