package org.glm4j.core.backend;

/**
 * A step recorded by {@link StepGraphs#capture}: its ops, their arguments and the memory they touch, replayed with one
 * launch. Replays run asynchronously on the capturing thread's stream, in order with that thread's other ops.
 * Closing releases it (never throws); the memory it uses stays owned by its arenas.
 */
public interface StepGraph extends AutoCloseable {
    /** Runs the recorded ops once more. */
    void replay();

    @Override void close();
}
