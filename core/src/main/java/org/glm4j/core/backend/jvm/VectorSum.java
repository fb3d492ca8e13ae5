package org.glm4j.core.backend.jvm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order, whether the code runs interpreted or compiled.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of a floating-point sum unspecified, and HotSpot uses it: the
 * interpreter adds lanes one after another while C2's intrinsic adds them as a tree, so the same inputs gave
 * last-bit different results before and after a kernel was compiled (two thirds of random 16-lane sums differ). A
 * reference backend must give the same numbers on every call, so the kernels sum with {@link #sum}: a butterfly of
 * lanewise adds (lane i with lane i xor h, for h = lanes/2 … 1), exact in both modes, and as fast as the intrinsic.
 */
public final class VectorSum {
    private static final VectorSpecies<Float> FS = RowIO.FS;
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] BUTTERFLY = new VectorShuffle[Integer.numberOfTrailingZeros(FS.length())];

    static {
        for (int i = 0, h = FS.length() / 2; h >= 1; i++, h /= 2) {
            int half = h;
            BUTTERFLY[i] = VectorShuffle.fromOp(FS, lane -> lane ^ half);
        }
    }

    private VectorSum() {}

    /** The sum of {@code v}'s lanes, always added in the same order. */
    public static float sum(FloatVector v) {
        if (v.species() != FS) return sequential(v);
        for (VectorShuffle<Float> s : BUTTERFLY) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    private static float sequential(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
