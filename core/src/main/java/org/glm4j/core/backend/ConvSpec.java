package org.glm4j.core.backend;

import java.util.Arrays;

/**
 * A 2-D or 3-D convolution whose kernel equals its stride (patch embedding, 2×2 merge), given as patch rows.
 *
 * <p>Weights are the checkpoint's {@code [out, inChannels, k0, (k1, k2)]}. Each output row {@code m} reads one
 * window of {@code inChannels·∏kernel} values:
 * <ul>
 *   <li>{@link Layout#CHANNELS_FIRST}: {@code x [M, inChannels·∏kernel]}, window values ordered like the weight
 *       ({@code c, k0, k1, …}) — the vision tower's pixel rows;</li>
 *   <li>{@link Layout#CHANNELS_LAST}: {@code x [M·∏kernel, inChannels]}, the window's positions as consecutive
 *       rows in kernel order ({@code k0, k1, …}) — the 2×2 spatial merge of four consecutive tokens.</li>
 * </ul>
 * Output {@code [M, out]}, plus the bias when given.
 *
 * @param inChannels input channels
 * @param kernel     kernel (= stride) sizes, 2 or 3 of them
 * @param layout     how window values are laid out in {@code x}
 */
public record ConvSpec(int inChannels, int[] kernel, Layout layout) {
    /** Layout of the input windows. */
    public enum Layout { CHANNELS_FIRST, CHANNELS_LAST }

    public ConvSpec {
        if (inChannels < 1) throw new IllegalArgumentException("conv: inChannels must be >= 1, got " + inChannels);
        if (kernel == null || kernel.length < 2 || kernel.length > 3)
            throw new IllegalArgumentException("conv: 2-D or 3-D kernels only, got " + Arrays.toString(kernel));
        for (int k : kernel)
            if (k < 1) throw new IllegalArgumentException("conv: kernel sizes must be >= 1, got " + Arrays.toString(kernel));
        kernel = kernel.clone();
        if (layout == null) throw new IllegalArgumentException("conv: layout is required");
    }

    @Override public int[] kernel() { return kernel.clone(); }

    /** Positions in one window ({@code ∏kernel}). */
    public int windowPositions() {
        int n = 1;
        for (int k : kernel) n *= k;
        return n;
    }

    /** Values in one window ({@code inChannels·∏kernel}). */
    public int windowSize() { return inChannels * windowPositions(); }

    @Override public boolean equals(Object o) {
        return o instanceof ConvSpec s && s.inChannels == inChannels && Arrays.equals(s.kernel, kernel) && s.layout == layout;
    }

    @Override public int hashCode() { return inChannels * 31 + Arrays.hashCode(kernel) * 7 + layout.hashCode(); }

    @Override public String toString() {
        return "ConvSpec[inChannels=" + inChannels + ", kernel=" + Arrays.toString(kernel) + ", layout=" + layout + "]";
    }
}
