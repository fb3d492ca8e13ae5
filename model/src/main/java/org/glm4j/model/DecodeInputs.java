package org.glm4j.model;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.text.MRope;

/**
 * What changes from one decode step to the next, held in fixed tensors on the backend's device so a step captured
 * once as a graph ({@link org.glm4j.core.backend.StepGraphs}) reads each token's values on replay: the token id,
 * its cache row, and its M-RoPE rotary rows. {@link #write} stages them from the host (no synchronisation: the
 * copies queue before the step); on a host backend they are written in place. Owned by the caller's arena; one
 * writer at a time (a session's thread).
 */
public final class DecodeInputs {
    private final Tensor tokenId, position, cos, sin;
    private final Tensor hostToken, hostPosition, hostCos, hostSin;
    private final MRope mrope;

    DecodeInputs(Backend backend, MRope mrope, DType dtype, Arena owner) {
        this.mrope = mrope;
        int half = mrope.rotaryDim() / 2;
        tokenId = backend.allocate(DType.I32, Shape.of(1), owner);
        position = backend.allocate(DType.I32, Shape.of(1), owner);
        cos = backend.allocate(dtype, Shape.of(1, half), owner);
        sin = backend.allocate(dtype, Shape.of(1, half), owner);
        boolean host = backend.device().isHost();
        hostToken = host ? tokenId : Tensor.allocate(DType.I32, tokenId.shape(), owner);
        hostPosition = host ? position : Tensor.allocate(DType.I32, position.shape(), owner);
        hostCos = host ? cos : Tensor.allocate(dtype, cos.shape(), owner);
        hostSin = host ? sin : Tensor.allocate(dtype, sin.shape(), owner);
    }

    /** The token id, I32 {@code [1]}. */
    public Tensor tokenId() { return tokenId; }

    /** The cache row the step writes (the number of tokens cached before it), I32 {@code [1]}. */
    public Tensor position() { return position; }

    /** The token's rotary rows {@code [1, rotaryDim/2]} in the activation dtype. */
    public Tensor cos() { return cos; }

    public Tensor sin() { return sin; }

    /**
     * Sets the next step's inputs: token {@code id} at cache row {@code cacheRow}, rotated by its M-RoPE positions
     * {@code ropePositions[axis][0]} (see {@link org.glm4j.model.text.RopeIndex#continuation}).
     */
    public void write(Ops ops, int id, int cacheRow, int[][] ropePositions) {
        hostToken.setLong(0, id);
        hostPosition.setLong(0, cacheRow);
        mrope.fill(hostCos, hostSin, ropePositions, 0);
        if (hostToken == tokenId) return;
        ops.copy(tokenId, hostToken);
        ops.copy(position, hostPosition);
        ops.copy(cos, hostCos);
        ops.copy(sin, hostSin);
    }
}
