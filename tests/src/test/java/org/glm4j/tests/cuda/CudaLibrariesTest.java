package org.glm4j.tests.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.glm4j.bindings.LibraryUnavailableException;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.cublas.CublasLibrary;
import org.glm4j.bindings.cublaslt.CublasLtLibrary;
import org.glm4j.bindings.cuda.CudaDriverLibrary;
import org.glm4j.bindings.cuda.cuda_h;
import org.glm4j.bindings.cudnn.CudnnLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA libraries load lazily and are never required: on a machine without them each {@code load()} fails with
 * one line naming the file and every place looked at, and nothing crashes; where they exist, loading resolves every
 * function the bindings declare. Both outcomes are checked, whichever this machine gives.
 */
class CudaLibrariesTest {
    static Stream<Arguments> libraries() {
        return Stream.of(
                Arguments.of("CUDA driver", CudaDriverLibrary.FILE, (Supplier<NativeLoader.Found>) CudaDriverLibrary::load),
                Arguments.of("cuBLASLt", CublasLtLibrary.FILE, (Supplier<NativeLoader.Found>) CublasLtLibrary::load),
                Arguments.of("cuBLAS", CublasLibrary.FILE, (Supplier<NativeLoader.Found>) CublasLibrary::load),
                Arguments.of("cuDNN", CudnnLibrary.FILE, (Supplier<NativeLoader.Found>) CudnnLibrary::load));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void load_succeedsOrGivesOneLineReason(String name, String file, Supplier<NativeLoader.Found> load) {
        try {
            NativeLoader.Found found = load.get();
            assertNotNull(found.lookup(), name + " loaded without a lookup");
            assertNotNull(found.where(), name + " loaded from nowhere");
        } catch (LibraryUnavailableException e) {
            String msg = e.getMessage();
            assertFalse(msg.contains("\n"), () -> name + ": the reason must be one line: " + msg);
            assertTrue(msg.contains(file) || msg.contains("needs"), () -> name + ": the reason must name " + file + ": " + msg);
            assertTrue(msg.contains("looked in") || msg.contains("from "), () -> name + ": the reason must say where: " + msg);
        }
    }

    @Test
    void load_failureIsRememberedAndRepeatedIdentically() {
        String first = reason(CudnnLibrary::load), second = reason(CudnnLibrary::load);
        if (first == null) return;                                   // cuDNN is installed here: nothing to repeat
        assertTrue(first.equals(second), "the same reason both times: " + first + " / " + second);
    }

    /** A binding function called with no driver fails with the loading reason instead of crashing the JVM. */
    @Test
    void driverFunction_withoutADriver_failsWithTheReason() {
        if (reason(CudaDriverLibrary::load) == null) return;         // a driver is installed: calls are legitimate
        try {
            cuda_h.cuInit(0);
            fail("cuInit returned without a driver");
        } catch (LibraryUnavailableException | ExceptionInInitializerError | NoClassDefFoundError e) {
            Throwable t = e;
            while (t.getCause() != null && !(t instanceof LibraryUnavailableException)) t = t.getCause();
            assertTrue(t instanceof LibraryUnavailableException || e instanceof NoClassDefFoundError,
                    () -> "expected the loading failure, got " + e);
        }
    }

    private static String reason(Supplier<NativeLoader.Found> load) {
        try {
            load.get();
            return null;
        } catch (LibraryUnavailableException e) {
            return e.getMessage();
        }
    }
}
