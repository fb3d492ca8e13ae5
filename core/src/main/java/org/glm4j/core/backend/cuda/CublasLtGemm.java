package org.glm4j.core.backend.cuda;

import static org.glm4j.bindings.cublaslt.cublasLt_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.glm4j.bindings.cublaslt.cublasLtMatmulAlgo_t;
import org.glm4j.bindings.cublaslt.cublasLtMatmulHeuristicResult_t;
import org.glm4j.core.tensor.DType;

/**
 * Row-major {@code D[M, N] = X[M, K]·W[N, K]ᵀ (+ bias[N])} through cuBLASLt, seen column-major as
 * {@code Dᵀ (N×M) = op_T(W: K×N)·(Xᵀ: K×M)}: f32 compute ({@code CUBLAS_COMPUTE_32F}, never TF32), A and B of one
 * dtype, D of that dtype or f32, the bias added by the {@code BIAS} epilogue. Plans (descriptors, layouts and the
 * heuristic's algorithm) are cached per stream by shape, leading dimensions, dtypes, epilogue and pointer alignment.
 */
final class CublasLtGemm {
    private CublasLtGemm() {}

    /** Plan cache key. */
    record Key(int m, int n, int k, long lda, long ldb, long ldd, DType ab, DType d, DType bias, int alignA, int alignB, int alignD) {}

    /** Descriptors and the chosen algorithm; owned by one stream. */
    static final class Plan {
        final MemorySegment desc, a, b, d, algo;
        final Arena arena = Arena.ofShared();

        Plan(MemorySegment desc, MemorySegment a, MemorySegment b, MemorySegment d, MemorySegment algo) {
            this.desc = desc;
            this.a = a;
            this.b = b;
            this.d = d;
            this.algo = this.arena.allocate(cublasLtMatmulAlgo_t.sizeof(), 8).copyFrom(algo);
        }

        void destroy() {
            cublasLtMatrixLayoutDestroy(a);
            cublasLtMatrixLayoutDestroy(b);
            cublasLtMatrixLayoutDestroy(d);
            cublasLtMatmulDescDestroy(desc);
            arena.close();
        }
    }

    static int cudaType(DType t) {
        return switch (t) {
            case F32 -> CUDA_R_32F();
            case BF16 -> CUDA_R_16BF();
            case F16 -> CUDA_R_16F();
            default -> throw new IllegalArgumentException("cuBLASLt: no GEMM for " + t);
        };
    }

    /** Largest power of two ≤ 256 dividing {@code address}. */
    static int alignment(long address) {
        int a = 256;
        while (a > 1 && address % a != 0) a >>= 1;
        return a;
    }

    /** The cached plan for {@code key}, made on first use; null when cuBLASLt offers no algorithm (e.g. for the bias epilogue). */
    static Plan plan(CudaStream s, Key key) {
        if (s.plans.containsKey(key)) return s.plans.get(key);
        Plan p = create(s, key);
        s.plans.put(key, p);
        return p;
    }

    private static Plan create(CudaStream s, Key key) {
        String what = "plan for " + key;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(C_POINTER);
            Cuda.checkCublas(cublasLtMatmulDescCreate(slot, CUBLAS_COMPUTE_32F(), CUDA_R_32F()), "cublasLtMatmulDescCreate", () -> what);
            MemorySegment desc = slot.get(C_POINTER, 0);
            MemorySegment a = null, b = null, d = null, pref = null;
            try {
                setInt(call, desc, CUBLASLT_MATMUL_DESC_TRANSA(), CUBLAS_OP_T(), what);
                setInt(call, desc, CUBLASLT_MATMUL_DESC_TRANSB(), CUBLAS_OP_N(), what);
                if (key.bias() != null) {
                    setInt(call, desc, CUBLASLT_MATMUL_DESC_EPILOGUE(), CUBLASLT_EPILOGUE_BIAS(), what);
                    setInt(call, desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE(), cudaType(key.bias()), what);
                }
                a = layout(call, key.ab(), key.k(), key.n(), key.lda(), what);
                b = layout(call, key.ab(), key.k(), key.m(), key.ldb(), what);
                d = layout(call, key.d(), key.n(), key.m(), key.ldd(), what);
                Cuda.checkCublas(cublasLtMatmulPreferenceCreate(slot), "cublasLtMatmulPreferenceCreate", () -> what);
                pref = slot.get(C_POINTER, 0);
                MemorySegment ws = call.allocate(ValueLayout.JAVA_LONG);
                ws.set(ValueLayout.JAVA_LONG, 0, CudaStream.LT_WORKSPACE);
                Cuda.checkCublas(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES(), ws, 8),
                        "cublasLtMatmulPreferenceSetAttribute", () -> what);
                int[] aligns = { key.alignA(), key.alignB(), key.alignD(), key.alignD() };
                int[] attrs = { CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES(),
                        CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES() };
                for (int i = 0; i < 4; i++) {
                    MemorySegment v = call.allocate(ValueLayout.JAVA_INT);
                    v.set(ValueLayout.JAVA_INT, 0, aligns[i]);
                    Cuda.checkCublas(cublasLtMatmulPreferenceSetAttribute(pref, attrs[i], v, 4), "cublasLtMatmulPreferenceSetAttribute", () -> what);
                }
                MemorySegment results = call.allocate(cublasLtMatmulHeuristicResult_t.sizeof(), 8);
                MemorySegment count = call.allocate(C_INT);
                int st = cublasLtMatmulAlgoGetHeuristic(s.lt, desc, a, b, d, d, pref, 1, results, count);
                boolean none = st == CUBLAS_STATUS_NOT_SUPPORTED() || (st == CUBLAS_STATUS_SUCCESS() && count.get(C_INT, 0) == 0);
                if (none && key.bias() != null) {
                    cleanup(desc, a, b, d, pref);
                    return null;
                }
                if (none) throw new CublasException("cublasLtMatmulAlgoGetHeuristic", CUBLAS_STATUS_NOT_SUPPORTED(),
                        "CUBLAS_STATUS_NOT_SUPPORTED", "no algorithm", what);
                Cuda.checkCublas(st, "cublasLtMatmulAlgoGetHeuristic", () -> what);
                cublasLtMatmulPreferenceDestroy(pref);
                return new Plan(desc, a, b, d, cublasLtMatmulHeuristicResult_t.algo(results));
            } catch (RuntimeException e) {
                cleanup(desc, a, b, d, pref);
                throw e;
            }
        }
    }

    private static void cleanup(MemorySegment desc, MemorySegment a, MemorySegment b, MemorySegment d, MemorySegment pref) {
        if (pref != null) cublasLtMatmulPreferenceDestroy(pref);
        if (a != null) cublasLtMatrixLayoutDestroy(a);
        if (b != null) cublasLtMatrixLayoutDestroy(b);
        if (d != null) cublasLtMatrixLayoutDestroy(d);
        cublasLtMatmulDescDestroy(desc);
    }

    private static void setInt(Arena call, MemorySegment desc, int attr, int value, String what) {
        MemorySegment v = call.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        Cuda.checkCublas(cublasLtMatmulDescSetAttribute(desc, attr, v, 4), "cublasLtMatmulDescSetAttribute", () -> what);
    }

    private static MemorySegment layout(Arena call, DType t, long rows, long cols, long ld, String what) {
        MemorySegment slot = call.allocate(C_POINTER);
        Cuda.checkCublas(cublasLtMatrixLayoutCreate(slot, cudaType(t), rows, cols, Math.max(ld, rows)), "cublasLtMatrixLayoutCreate", () -> what);
        return slot.get(C_POINTER, 0);
    }

    /** Runs {@code plan} on the stream: {@code d = w·x} (+ bias through the epilogue when the plan has one). */
    static void run(CudaStream s, Plan plan, long w, long x, long d, long bias, String context) {
        try (Arena call = Arena.ofConfined()) {
            if (bias != 0) {
                MemorySegment v = call.allocate(ValueLayout.JAVA_LONG);
                v.set(ValueLayout.JAVA_LONG, 0, bias);
                Cuda.checkCublas(cublasLtMatmulDescSetAttribute(plan.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER(), v, 8),
                        "cublasLtMatmulDescSetAttribute", () -> context);
            }
            Cuda.checkCublas(cublasLtMatmul(s.lt, plan.desc, s.alpha, MemorySegment.ofAddress(w), plan.a, MemorySegment.ofAddress(x), plan.b,
                    s.beta, MemorySegment.ofAddress(d), plan.d, MemorySegment.ofAddress(d), plan.d, plan.algo,
                    MemorySegment.ofAddress(s.ltWorkspace), CudaStream.LT_WORKSPACE, s.handle), "cublasLtMatmul", () -> context);
        }
    }
}
