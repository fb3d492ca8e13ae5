package org.glm4j.core.backend;

/**
 * A device backend's ability to record the ops one thread issues for a step (a decode step) and replay them with
 * one launch, as CUDA graphs do. Offered through {@link Backend#stepGraphs()}; host backends do not offer it.
 *
 * <p>A replay repeats the recorded ops on the same memory with the same arguments, so a step fit for capture takes
 * everything that changes between replays from device data written before each replay: token ids, positions,
 * rotary rows ({@link Backend#copyRowsAt} and {@link Backend#attentionAt} read their positions that way).
 */
public interface StepGraphs {
    /**
     * Records what {@code step} issues on the calling thread; nothing runs while it records. The step must have run
     * once before on this thread (so the backend's temporaries and plans exist), and must not allocate, copy host
     * data, read results or synchronise. Replay the graph on the same thread; close it before the memory it uses.
     *
     * @throws IllegalStateException when the step does something a graph cannot hold (the capture is abandoned)
     */
    StepGraph capture(Runnable step);
}
