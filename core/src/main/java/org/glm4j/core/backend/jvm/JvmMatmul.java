package org.glm4j.core.backend.jvm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.glm4j.core.tensor.Tensor;

/** {@code out = x·wᵀ + bias} on the host: f32 accumulation over any floating dtypes of x, w, bias and out. */
final class JvmMatmul {
    private JvmMatmul() {}

    static void matmul(Parallel parallel, Tensor out, Tensor x, Tensor w, Tensor bias) {
        int m = Math.toIntExact(x.rowCount()), k = x.dim(-1), n = w.dim(0);
        float[] xs = RowIO.loadAll(x);
        float[] b = bias == null ? null : RowIO.loadAll(bias);
        float[] result = new float[m * n];
        parallel.forRange(n, 16, (from, to) -> {
            float[] wr = RowIO.Buffers.get(0, k);
            for (int j = from; j < to; j++) {
                RowIO.loadRow(w, j, wr);
                for (int i = 0; i < m; i++) result[i * n + j] = dot(xs, i * k, wr, k) + (b == null ? 0f : b[j]);
            }
        });
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(result, i * n, row, 0, n);
            RowIO.storeRow(out, i, row);
        }
    }

    static float dot(float[] a, int aOff, float[] b, int n) {
        FloatVector acc = FloatVector.zero(RowIO.FS);
        int i = 0;
        for (int bound = RowIO.FS.loopBound(n); i < bound; i += RowIO.LANES)
            acc = FloatVector.fromArray(RowIO.FS, a, aOff + i).fma(FloatVector.fromArray(RowIO.FS, b, i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[i];
        return s;
    }
}
