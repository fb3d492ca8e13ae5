package org.glm4j.core.backend;

/** Element-wise functions of {@link Backend#unary}. All are computed in f32 and rounded to the output dtype. */
public enum Unary {
    /** Exact GELU: {@code 0.5·x·(1 + erf(x/√2))} (not the tanh approximation). */
    GELU,
    /** SiLU: {@code x·σ(x)}. */
    SILU,
    /** {@code -x}. */
    NEG
}
