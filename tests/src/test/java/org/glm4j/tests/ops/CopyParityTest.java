package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.glm4j.core.tensor.DType.I32;
import static org.glm4j.core.tensor.DType.I64;
import static org.glm4j.core.tensor.DType.U8;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.tests.support.Approx;
import org.glm4j.tests.support.Fixtures;
import org.glm4j.tests.support.Parity;
import org.glm4j.tests.support.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code copy} on every backend: bit-exact, between any strides (a column slice, heads out of a fused qkv row, a
 * column slice as destination), for every dtype; nothing outside the destination view changes.
 */
class CopyParityTest {

    /** How source and destination are laid out. */
    enum Layout { CONTIGUOUS, SRC_COLUMNS, DST_COLUMNS, HEADS_OF_FUSED_ROW }

    record Case(String name, DType dtype, int rows, int cols, Layout layout) {
        @Override public String toString() { return name; }
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (Backend b : TestBackends.all())
            for (DType dt : new DType[] { F32, BF16, F16, I32, I64, U8 }) {
                list.add(Arguments.of(b.name(), new Case(dt + " contiguous 5x37", dt, 5, 37, Layout.CONTIGUOUS)));
                list.add(Arguments.of(b.name(), new Case(dt + " from a column slice 4x19", dt, 4, 19, Layout.SRC_COLUMNS)));
                list.add(Arguments.of(b.name(), new Case(dt + " into a column slice 3x21", dt, 3, 21, Layout.DST_COLUMNS)));
            }
        for (Backend b : TestBackends.all()) {
            list.add(Arguments.of(b.name(), new Case("bf16 k heads out of a fused qkv row, 7 tokens", BF16, 7, 2 * 128,
                    Layout.HEADS_OF_FUSED_ROW)));
            list.add(Arguments.of(b.name(), new Case("f32 one k head out of a fused qkv row, 5 tokens", F32, 5, 128,
                    Layout.HEADS_OF_FUSED_ROW)));
            list.add(Arguments.of(b.name(), new Case("f32 single element", F32, 1, 1, Layout.CONTIGUOUS)));
        }
        return list.stream();
    }

    private static final int PAD = 6;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void copy_isExactBetweenAnyStrides(String backendName, Case c) {
        Backend backend = TestBackends.all().stream().filter(b -> b.name().equals(backendName)).findFirst().orElseThrow();
        Parity.requireSupport(backend, Op.COPY, c.dtype());
        double range = c.dtype() == U8 ? 255 : c.dtype().isFloating() ? 100 : 1e6;
        try (Arena arena = Arena.ofShared()) {
            Fixtures f = Fixtures.on(backend, arena, c.name().hashCode(), false);
            Shape shape = Shape.of(c.rows(), c.cols());
            Tensor src = switch (c.layout()) {
                case SRC_COLUMNS -> f.random(c.dtype(), Shape.of(c.rows(), c.cols() + 2 * PAD), 0, range)
                        .columns(PAD, c.cols());
                case HEADS_OF_FUSED_ROW -> f.random(c.dtype(), Shape.of(c.rows(), 4608), -1, 1)
                        .columns(4096, c.cols()).unflatten(1, c.cols() / 128, 128);
                default -> f.random(c.dtype(), shape, 0, range);
            };
            Tensor buffer = c.layout() == Layout.DST_COLUMNS
                    ? f.random(c.dtype(), Shape.of(c.rows(), c.cols() + 2 * PAD), 0, range) : null;
            Tensor dst = buffer != null ? buffer.columns(PAD, c.cols()) : f.zeros(c.dtype(), src.shape());
            float[] expected = f.download(src);
            float[] before = buffer == null ? null : f.download(buffer);
            new Ops(backend, null).copy(dst, src);
            String what = "copy on " + backendName + ", case '" + c + "'";
            Approx.assertSameBits(expected, f.download(dst), dst.shape(), what);
            if (buffer != null)
                Approx.assertUnchangedOutsideColumns(before, f.download(buffer), buffer.shape(), PAD, c.cols(),
                        what + ", buffer around dst");
        }
    }
}
