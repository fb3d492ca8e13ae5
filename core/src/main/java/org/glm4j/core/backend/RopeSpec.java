package org.glm4j.core.backend;

/**
 * Rotary position embedding applied in place to {@code [tokens, heads, headDim]}.
 *
 * <p>The cos/sin tables are {@code [tokens, rotaryDims/2]}: one angle per rotated pair. Pairing
 * {@link Pairing#INTERLEAVED} (GLM text M-RoPE) rotates dims {@code (2j, 2j+1)} by angle {@code j} for
 * {@code j < rotaryDims/2} and leaves dims {@code ≥ rotaryDims} untouched. {@link Pairing#HALF_SPLIT} (vision 2-D
 * RoPE, "rotate half") rotates dims {@code (j, j + rotaryDims/2)} by angle {@code j}.
 *
 * @param rotaryDims dims of each head that rotate, even and ≤ headDim
 * @param pairing    which dims form a rotated pair
 */
public record RopeSpec(int rotaryDims, Pairing pairing) {
    /** How dims are paired for rotation. */
    public enum Pairing { INTERLEAVED, HALF_SPLIT }

    public RopeSpec {
        if (rotaryDims <= 0 || rotaryDims % 2 != 0)
            throw new IllegalArgumentException("rope: rotaryDims must be positive and even, got " + rotaryDims);
        if (pairing == null) throw new IllegalArgumentException("rope: pairing is required");
    }

    public static RopeSpec interleaved(int rotaryDims) { return new RopeSpec(rotaryDims, Pairing.INTERLEAVED); }

    public static RopeSpec halfSplit(int rotaryDims) { return new RopeSpec(rotaryDims, Pairing.HALF_SPLIT); }
}
