package org.glm4j.tests.abi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.glm4j.bindings.cublas.cublas_api_h;
import org.glm4j.bindings.cublaslt.cublasLtMatmulAlgo_t;
import org.glm4j.bindings.cublaslt.cublasLtMatmulHeuristicResult_t;
import org.glm4j.bindings.cublaslt.cublasLt_h;
import org.glm4j.bindings.cuda.CUDA_MEMCPY2D;
import org.glm4j.bindings.cuda.CUgraphExecUpdateResultInfo;
import org.glm4j.bindings.cuda.CudaSearch;
import org.glm4j.bindings.cuda.cuda_h;
import org.glm4j.bindings.cudnn.cudnn_graph_h;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA bindings against the real headers (see {@link AbiProbe}). {@code cuda.h} ships with the CUDA toolkit;
 * the cuBLAS and cuDNN headers come with their toolkit packages or NVIDIA's Python wheels
 * ({@code site-packages/nvidia/*}{@code /include}). A header that is not on this machine skips its test with the
 * folders searched; a GPU machine with the wheels runs them. {@value #INCLUDE_ENV} (path-separated folders) is
 * searched first: the GPU check sets it to the wheels' include folders of every Python it finds.
 */
class CudaAbiTest {
    /** Environment variable: include folders searched before all others. */
    static final String INCLUDE_ENV = "GLM4J_CUDA_INCLUDE";

    /** Include folders: {@value #INCLUDE_ENV}, CUDA_HOME/CUDA_PATH, the toolkit folders, then the wheels' include folders. */
    private static List<Path> includeDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        String explicit = System.getenv(INCLUDE_ENV);
        if (explicit != null)
            for (String d : explicit.split(java.io.File.pathSeparator))
                if (!d.isBlank()) dirs.add(Path.of(d.trim()));
        for (String var : new String[] { "CUDA_HOME", "CUDA_PATH" }) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) dirs.add(Path.of(v, "include"));
        }
        dirs.add(Path.of("/usr/local/cuda/include"));
        try (Stream<Path> s = Files.list(Path.of("/usr/local"))) {
            s.filter(p -> p.getFileName().toString().startsWith("cuda-")).sorted().forEach(p -> dirs.add(p.resolve("include")));
        } catch (IOException e) {
            // no /usr/local
        }
        for (Path site : CudaSearch.sitePackages()) {
            try (Stream<Path> s = Files.list(site.resolve("nvidia"))) {
                s.sorted().forEach(p -> dirs.add(p.resolve("include")));
            } catch (IOException e) {
                // no wheels in this Python
            }
        }
        return dirs.stream().filter(Files::isDirectory).toList();
    }

    /** The include folders, with the one holding {@code header} first; skips the test when none has it. */
    private static List<Path> includesFor(String header) {
        List<Path> all = includeDirs();
        Path home = all.stream().filter(d -> Files.isRegularFile(d.resolve(header))).findFirst().orElse(null);
        Assumptions.assumeTrue(home != null, () -> header + " is not on this machine (searched " + all
                + " and site-packages/nvidia/*/include of " + CudaSearch.sitePackages().size() + " Python site folders)");
        List<Path> ordered = new ArrayList<>(List.of(home));
        all.stream().filter(d -> !d.equals(home)).forEach(ordered::add);
        return ordered;
    }

    @Test
    void driverApi_matchesCudaH(@TempDir Path tmp) throws Exception {
        List<Path> inc = includesFor("cuda.h");
        AbiProbe.create().constants(cuda_h.class, cuda_h.FUNCTIONS).struct(CUgraphExecUpdateResultInfo.class).struct(CUDA_MEMCPY2D.class)
                .assertMatches(tmp, List.of("cuda.h"), inc, "CUDA driver");
    }

    @Test
    void cublas_matchesCublasApiH(@TempDir Path tmp) throws Exception {
        List<Path> inc = includesFor("cublas_api.h");
        AbiProbe.create().constants(cublas_api_h.class, cublas_api_h.FUNCTIONS)
                .assertMatches(tmp, List.of("cublas_api.h"), inc, "cuBLAS");
    }

    @Test
    void cublasLt_matchesCublasLtH(@TempDir Path tmp) throws Exception {
        List<Path> inc = includesFor("cublasLt.h");
        AbiProbe.create().constants(cublasLt_h.class, cublasLt_h.FUNCTIONS).struct(cublasLtMatmulAlgo_t.class)
                .struct(cublasLtMatmulHeuristicResult_t.class)
                .assertMatches(tmp, List.of("cublasLt.h"), inc, "cuBLASLt");
    }

    /**
     * Every constant of the cuDNN bindings, including the fused SDPA operation (9.13), the diagonal band mask (9.20)
     * and the SDPA score-modifier subgraph (9.21): each of those only against headers at least that new
     * ({@code CUDNN_VERSION}); the ones older headers lack are printed, not failed (the backend does not use them with
     * such a library either).
     */
    @Test
    void cudnn_matchesCudnnGraphH(@TempDir Path tmp) throws Exception {
        List<Path> inc = includesFor("cudnn_graph.h");
        AbiProbe probe = AbiProbe.create().constants(cudnn_graph_h.class, cudnn_graph_h.FUNCTIONS).since(cudnn_graph_h.SINCE_VERSION, "CUDNN_VERSION");
        probe.assertMatches(tmp, List.of("cudnn_version.h", "cudnn_graph.h"), inc, "cuDNN");
        if (!probe.notInHeaders().isEmpty())
            System.out.println("[abi] cuDNN headers in " + inc.getFirst() + " predate " + probe.notInHeaders().size()
                    + " constants, not checked: " + probe.notInHeaders());
    }
}
