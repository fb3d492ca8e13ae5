package org.glm4j.bench.ops;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Times of a benchmark that runs two versions of one op in turns in the same process (a vendor primitive alone and
 * our layer over it), per measured iteration: JMH reports each field as a secondary result of that iteration, and
 * the bench takes the reference's time per call and the ratio of the two from them. Comparing versions measured in
 * separate forks swung with the machine's load from one fork to the next (0.35–1.34 for a ratio near 1); taken in
 * turns, load hits both alike.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class PairedTimings {
    /** JMH's names of the secondary results (the fields' names; JMH allows no other public fields here). */
    public static final class Names {
        public static final String REFERENCE = "referenceNs", PAIRED = "pairedNs", PAIRS = "pairs";

        private Names() {}
    }

    /** Nanoseconds in the reference version (the primitive alone) this iteration. */
    public long referenceNs;
    /** Nanoseconds in the paired version (our layer) this iteration. */
    public long pairedNs;
    /** Calls of each this iteration. */
    public long pairs;

    @Setup(Level.Iteration)
    public void reset() {
        referenceNs = 0;
        pairedNs = 0;
        pairs = 0;
    }

    /** Runs both once, the one that goes first alternating, and adds their times. */
    public void time(Runnable reference, Runnable paired) {
        boolean pairedFirst = (pairs & 1) == 1;
        if (pairedFirst) pairedNs += nanos(paired);
        referenceNs += nanos(reference);
        if (!pairedFirst) pairedNs += nanos(paired);
        pairs++;
    }

    private static long nanos(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }
}
