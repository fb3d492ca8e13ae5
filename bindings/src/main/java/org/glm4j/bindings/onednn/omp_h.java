package org.glm4j.bindings.onednn;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.glm4j.bindings.Downcalls;

/**
 * The two OpenMP runtime functions ({@code omp.h}) glm4j calls to size oneDNN's thread team, in jextract's form.
 * They resolve through oneDNN's lookup, which searches the OpenMP runtime it was linked against; a oneDNN built
 * on another threading runtime has no such symbols (check {@link #available()}).
 */
public final class omp_h {
    private omp_h() {}

    static final String LIBRARY = "OpenMP runtime of oneDNN";

    /** Every function these bindings call. */
    public static final List<String> FUNCTIONS = List.of("omp_set_num_threads", "omp_get_max_threads");

    /** Whether the loaded oneDNN's lookup has these functions. */
    public static boolean available() {
        return FUNCTIONS.stream().allMatch(f -> DnnlLibrary.lookup().find(f).isPresent());
    }

    private static final class omp_set_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(dnnl_h.C_INT);
        static final MethodHandle HANDLE = Downcalls.find(DnnlLibrary.lookup(), LIBRARY, "omp_set_num_threads", DESC);
    }

    /** {@code void omp_set_num_threads(int num_threads)}: the team size of parallel regions started by the calling thread. */
    public static void omp_set_num_threads(int num_threads) {
        try {
            omp_set_num_threads.HANDLE.invokeExact(num_threads);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("omp_set_num_threads", t);
        }
    }

    private static final class omp_get_max_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(dnnl_h.C_INT);
        static final MethodHandle HANDLE = Downcalls.find(DnnlLibrary.lookup(), LIBRARY, "omp_get_max_threads", DESC);
    }

    /** {@code int omp_get_max_threads(void)}: the calling thread's team size for its next parallel region. */
    public static int omp_get_max_threads() {
        try {
            return (int) omp_get_max_threads.HANDLE.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("omp_get_max_threads", t);
        }
    }
}
