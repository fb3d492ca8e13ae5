package org.glm4j.tests.ops;

import static org.glm4j.core.backend.ConvSpec.Layout.CHANNELS_FIRST;
import static org.glm4j.core.backend.ConvSpec.Layout.CHANNELS_LAST;
import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.glm4j.core.backend.ConvSpec;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
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
 * {@code conv} with kernel = stride, 2-D and 3-D, channels-first (the patch embedding's pixel rows) and
 * channels-last (the 2×2 merge of consecutive tokens), against the index definitions of {@link ConvSpec}.
 */
class ConvParityTest {

    /**
     * One case: {@code windows} output rows, {@code out} output channels; {@code xPad > 0} makes x a column slice of
     * a wider buffer.
     */
    record Case(String name, int windows, int out, ConvSpec spec, DType x, DType w, DType bias, DType outType, int xPad) {
        @Override public String toString() { return name; }
    }

    private static ConvSpec spec(int channels, ConvSpec.Layout layout, int... kernel) {
        return new ConvSpec(channels, kernel, layout);
    }

    static List<Case> cases() {
        return List.of(
                new Case("odd 3-D first, 3 ch, k [2,3,5], 4 windows -> 7 f32 +bias", 4, 7, spec(3, CHANNELS_FIRST, 2, 3, 5),
                        F32, F32, F32, F32, 0),
                new Case("odd 2-D first, 2 ch, k [3,2], 5 windows -> 5 bf16", 5, 5, spec(2, CHANNELS_FIRST, 3, 2),
                        BF16, BF16, null, BF16, 0),
                new Case("odd 2-D last, 5 ch, k [2,2], 3 windows -> 6 f32 +bias", 3, 6, spec(5, CHANNELS_LAST, 2, 2),
                        F32, F32, F32, F32, 0),
                new Case("odd 3-D last, 3 ch, k [2,1,3], 2 windows -> 4 bf16 +bias", 2, 4, spec(3, CHANNELS_LAST, 2, 1, 3),
                        BF16, BF16, BF16, BF16, 0),
                new Case("odd 2-D last, 7 ch, k [3,1], 2 windows -> 3 f16", 2, 3, spec(7, CHANNELS_LAST, 3, 1),
                        F16, F16, null, F16, 0),
                new Case("x column slice, 2-D first, 2 ch, k [2,2] -> 3 f32", 3, 3, spec(2, CHANNELS_FIRST, 2, 2),
                        F32, F32, F32, F32, 5),
                new Case("x column slice, 2-D last, 4 ch, k [2,2] -> 5 bf16", 2, 5, spec(4, CHANNELS_LAST, 2, 2),
                        BF16, BF16, null, BF16, 3),
                new Case("single window, 1 ch, k [1,1] -> 1 f32", 1, 1, spec(1, CHANNELS_FIRST, 1, 1),
                        F32, F32, null, F32, 0),
                new Case("real patch embed 6 x 1176 -> 1536 bf16 +bias", 6, 1536, spec(3, CHANNELS_FIRST, 2, 14, 14),
                        BF16, BF16, BF16, BF16, 0),
                new Case("real patch embed 3 x 1176 -> 1536 f32 x, bf16 w, f32 out", 3, 1536,
                        spec(3, CHANNELS_FIRST, 2, 14, 14), F32, BF16, BF16, F32, 0),
                new Case("real downsample 2 windows of 4 x 1536 -> 4096 bf16 +bias", 2, 4096, spec(1536, CHANNELS_LAST, 2, 2),
                        BF16, BF16, BF16, BF16, 0),
                new Case("real downsample 1 window of 4 x 1536 -> 4096 f32 +bias", 1, 4096, spec(1536, CHANNELS_LAST, 2, 2),
                        F32, F32, F32, F32, 0));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    private static Outcome run(Case c, Fixtures f, Ops ops) {
        ConvSpec s = c.spec();
        boolean first = s.layout() == CHANNELS_FIRST;
        int rows = first ? c.windows() : c.windows() * s.windowPositions();
        int width = first ? s.windowSize() : s.inChannels();
        Tensor x = c.xPad() > 0
                ? f.random(c.x(), Shape.of(rows, width + 2 * c.xPad())).columns(c.xPad(), width)
                : f.random(c.x(), Shape.of(rows, width));
        int[] wDims = IntStream.concat(IntStream.of(c.out(), s.inChannels()), IntStream.of(s.kernel())).toArray();
        double scale = 1 / Math.sqrt(s.windowSize());
        Tensor w = f.random(c.w(), Shape.of(wDims), -scale, scale);
        Tensor bias = c.bias() == null ? null : f.random(c.bias(), Shape.of(c.out()), -0.5, 0.5);
        Tensor out = f.zeros(c.outType(), Shape.of(c.windows(), c.out()));
        double[] expected = f.reference(() -> Reference.conv(f.host(x), f.host(w), bias == null ? null : f.host(bias), s));
        ops.conv(out, x, w, bias, s);
        return new Outcome(out, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv_jvmMatchesReference(Case c) {
        Parity.againstReference("conv", Op.CONV, c.w(), c.name(), c.name().hashCode(), Tolerance.of(c.outType()),
                c.spec().windowSize(), (f, ops) -> run(c, f, ops));
    }

    /** As for matmul, a backend may round f32 inputs to its weights' dtype. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void conv_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "conv", Op.CONV, c.w(), c.name(), c.name().hashCode(),
                Tolerance.widest(c.outType(), c.x(), c.w()), c.spec().windowSize(), (f, ops) -> run(c, f, ops));
    }
}
