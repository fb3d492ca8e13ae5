package org.glm4j.core.backend;

/** The ops of {@link Backend}, for {@link Backend#supports(Op, org.glm4j.core.tensor.DType)}. */
public enum Op {
    COPY, MATMUL, RMS_NORM, LAYER_NORM, ROPE, ATTENTION, CONV, SWIGLU, UNARY, BINARY, SOFTMAX, EMBEDDING,
    RESAMPLE_POSITIONS, SAMPLE, CONVERT
}
