package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.glm4j.core.tensor.DType.I32;
import static org.glm4j.core.tensor.DType.I64;

import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.Approx;
import org.glm4j.tests.support.Fixtures;
import org.glm4j.tests.support.Parity;
import org.glm4j.tests.support.Parity.Outcome;
import org.glm4j.tests.support.Reference;
import org.glm4j.tests.support.TestBackends;
import org.glm4j.tests.support.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code embedding}: a row gather, so exact: rows are copied, or rounded once (to nearest even) when the output dtype
 * is narrower than the table's. Ids include the first and last rows and repeats.
 */
class EmbeddingParityTest {

    /** One case: a {@code [vocab, width]} table, {@code ids}; {@code outPad > 0} writes into a column slice. */
    record Case(String name, int vocab, int width, DType table, DType out, DType idType, long[] ids, int outPad) {
        @Override public String toString() { return name; }
    }

    static List<Case> cases() {
        long[] few = { 0, 6, 3, 6, 12 };
        long[] vocab = { 151551, 0, 151329, 151343, 151343, 75000 };
        return List.of(
                new Case("odd 13x7 bf16, i32 ids", 13, 7, BF16, BF16, I32, few, 0),
                new Case("odd 13x7 f32, i64 ids", 13, 7, F32, F32, I64, few, 0),
                new Case("odd 13x7 f16 table, f32 out", 13, 7, F16, F32, I32, few, 0),
                new Case("odd 13x7 bf16 table, f32 out (widen)", 13, 7, BF16, F32, I64, few, 0),
                new Case("odd 13x7 f32 table, bf16 out (round)", 13, 7, F32, BF16, I32, few, 0),
                new Case("odd 13x7 f32 table, f16 out (round)", 13, 7, F32, F16, I32, few, 0),
                new Case("single id, single column f32", 1, 1, F32, F32, I32, new long[] { 0 }, 0),
                new Case("out column slice 9x24 bf16", 9, 24, BF16, BF16, I32, new long[] { 8, 0, 4 }, 5),
                new Case("real vocabulary 151552 rows x 8 bf16, i32", 151552, 8, BF16, BF16, I32, vocab, 0),
                new Case("real vocabulary 151552 rows x 8 f32, i64", 151552, 8, F32, F32, I64, vocab, 0),
                new Case("real width 1000 x 4096 bf16", 1000, 4096, BF16, BF16, I32, new long[] { 999, 1, 500 }, 0));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Tensor table = f.random(c.table(), Shape.of(c.vocab(), c.width()), -2, 2);
        Tensor ids = f.ids(c.idType(), c.ids());
        int n = c.ids().length;
        Tensor buffer = c.outPad() > 0 ? f.random(c.out(), Shape.of(n, c.width() + 2 * c.outPad())) : null;
        Tensor out = buffer != null ? buffer.columns(c.outPad(), c.width()) : f.zeros(c.out(), Shape.of(n, c.width()));
        double[] expected = f.reference(() -> {
            double[] rows = Reference.embedding(f.host(table), f.host(ids));
            for (int i = 0; i < rows.length; i++) rows[i] = Reference.round(rows[i], c.out());
            return rows;
        });
        float[] before = buffer == null ? null : f.download(buffer);
        ops.embedding(out, table, ids);
        if (buffer != null)
            Approx.assertUnchangedOutsideColumns(before, f.download(buffer), buffer.shape(), c.outPad(), c.width(),
                    "embedding on " + f.backend().name() + ", case '" + c + "', buffer around out");
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void embedding_jvmMatchesReference(Case c) {
        Parity.againstReference("embedding", Op.EMBEDDING, c.out(), c.name(), c.name().hashCode(), Tolerance.EXACT,
                1, (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void embedding_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "embedding", Op.EMBEDDING, c.out(), c.name(), c.name().hashCode(), Tolerance.EXACT,
                1, (f, ops) -> run(c, f, ops));
    }
}
