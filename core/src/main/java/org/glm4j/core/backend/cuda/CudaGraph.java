package org.glm4j.core.backend.cuda;

import static org.glm4j.bindings.cuda.cuda_h.*;

import java.lang.foreign.MemorySegment;
import org.glm4j.core.backend.StepGraph;

/**
 * A captured sequence of ops (for example one decode step) replayed with one launch. The tensors it was captured
 * with are baked in: replaying reads and writes the same device memory, so inputs are updated in place between
 * replays. It owns the stream temporaries its ops were captured with. Made by {@link CudaBackend#capture(Runnable)};
 * closing releases it (never throws).
 */
public final class CudaGraph implements StepGraph {
    private final CudaBackend backend;
    private final MemorySegment graph, exec;
    private final long[] temps;
    private boolean closed;

    CudaGraph(CudaBackend backend, MemorySegment graph, MemorySegment exec, long[] temps) {
        this.backend = backend;
        this.graph = graph;
        this.exec = exec;
        this.temps = temps;
    }

    @Override public void replay() { launch(); }

    /** Replays the graph on the calling thread's stream (asynchronously, like any op). */
    public void launch() {
        if (closed) throw new IllegalStateException("cuda: the graph is closed");
        backend.launchGraph(exec);
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        backend.bindContext();
        Cuda.logIfFailed(cuGraphExecDestroy(exec), "cuGraphExecDestroy", "a graph");
        Cuda.logIfFailed(cuGraphDestroy(graph), "cuGraphDestroy", "a graph");
        backend.freeTemps(temps);
    }
}
