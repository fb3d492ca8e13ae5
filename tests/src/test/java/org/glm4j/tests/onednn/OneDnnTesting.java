package org.glm4j.tests.onednn;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.backend.onednn.OneDnnBackendProvider;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

/** Helpers of the oneDNN tests: opening the backend (a failure where the bundled build exists), random tensors, comparison. */
final class OneDnnTesting {
    private OneDnnTesting() {}

    /** The platforms whose oneDNN ships as a dependency of this build. */
    static boolean bundled() { return NativeLoader.platform().equals("linux-x86_64"); }

    /**
     * Opens the onednn backend. Where the build bundles oneDNN, failing to open is a test failure; elsewhere the
     * calling test is skipped with the reason.
     */
    static OneDnnBackend open() {
        try {
            return (OneDnnBackend) new OneDnnBackendProvider().open();
        } catch (BackendUnavailableException e) {
            if (bundled()) fail("onednn must open on " + NativeLoader.platform() + ": " + e.getMessage(), e);
            Assumptions.abort("onednn unavailable here: " + e.getMessage());
            throw e;
        }
    }

    /** Uniform values in [-1, 1) rounded to {@code dtype}. */
    static Tensor random(DType dtype, Shape shape, SplittableRandom rng, Arena arena) {
        Tensor t = Tensor.allocate(dtype, shape, arena);
        for (long i = 0, n = shape.numel(); i < n; i++) t.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }

    /**
     * Asserts {@code |actual − expected| ≤ atol + rtol·|expected| + scale[i]} element-wise, naming the worst element.
     *
     * @param scale per-element extra allowance (e.g. a reduction's error bound), or null
     */
    static void assertClose(Tensor expected, Tensor actual, double atol, double rtol, double[] scale, String what) {
        if (!expected.shape().equals(actual.shape())) fail(what + ": shape " + actual.shape() + " != " + expected.shape());
        long n = expected.numel();
        long worst = -1;
        double worstExcess = 0, maxDiff = 0, se = 0, ss = 0;
        for (long i = 0; i < n; i++) {
            double e = expected.getFloat(i), a = actual.getFloat(i), d = Math.abs(a - e);
            double allowed = atol + rtol * Math.abs(e) + (scale == null ? 0 : scale[(int) i]);
            maxDiff = Math.max(maxDiff, d);
            se += d * d;
            ss += e * e;
            if (!(d <= allowed) && (worst < 0 || d - allowed > worstExcess)) {
                worst = i;
                worstExcess = d - allowed;
            }
        }
        if (worst >= 0)
            fail(what + ": element " + worst + " expected " + expected.getFloat(worst) + " got " + actual.getFloat(worst)
                    + " (max abs diff " + maxDiff + ", NMSE " + (ss == 0 ? se : se / ss) + ")");
    }
}
