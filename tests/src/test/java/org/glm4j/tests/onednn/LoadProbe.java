package org.glm4j.tests.onednn;

import java.lang.foreign.Arena;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.onednn.OneDnnBackend;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;

/**
 * Run in a child JVM by {@link OneDnnLoadingTest}: opens {@code onednn} and runs one small matmul. Prints
 * {@code OK <library origin>} and exits 0, or prints the unavailability message on one line and exits 3.
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) {
        try (Backend b = Backends.open("onednn"); Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.of(DType.F32, Shape.of(1, 2), arena, 1, 2);
            Tensor w = Tensor.of(DType.BF16, Shape.of(1, 2), arena, 3, 4);
            Tensor out = Tensor.allocate(DType.F32, Shape.of(1, 1), arena);
            new Ops(b, null).matmul(out, x, w, null);
            if (out.getFloat(0) != 11f) {
                System.out.println("WRONG " + out.getFloat(0));
                System.exit(4);
            }
            System.out.println("OK " + ((OneDnnBackend) b).library().origin());
        } catch (BackendUnavailableException e) {
            System.out.println("UNAVAILABLE " + e.getMessage());
            System.exit(3);
        }
    }
}
