package org.glm4j.tests.ops;

import static org.glm4j.core.tensor.DType.BF16;
import static org.glm4j.core.tensor.DType.F16;
import static org.glm4j.core.tensor.DType.F32;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Op;
import org.glm4j.core.backend.Ops;
import org.glm4j.core.backend.SamplingSpec;
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
 * {@code sample}: greedy and temperature/top-k/top-p/penalty draws, compared id for id with {@link Reference#sample}
 * (level 1) and with {@code jvm} (level 2). Each case draws several times with different uniforms.
 */
class SampleParityTest {

    /** One case: {@code rows × vocab} logits uniform in {@code [−range, range)}, {@code draws} uniforms per spec. */
    record Case(String name, int rows, int vocab, DType logits, double range, float temperature, int topK, float topP,
                float penalty, int penalized, int draws) {
        @Override public String toString() { return name; }

        SamplingSpec spec(int[] penalizedIds, double uniform) {
            return new SamplingSpec(temperature, topK, topP, penalty, penalizedIds, uniform);
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("greedy 5x37 f32", 5, 37, F32, 4, 0, 0, 1, 1, 0, 1),
                new Case("greedy 4x300 bf16 (ties)", 4, 300, BF16, 1, 0, 0, 1, 1, 0, 1),
                new Case("greedy with penalty 1.5 on 10 ids, 3x50 f32", 3, 50, F32, 2, 0, 0, 1, 1.5f, 10, 1),
                new Case("temperature 0.7, 2x50 f32", 2, 50, F32, 3, 0.7f, 0, 1, 1, 0, 40),
                new Case("top-k 5, temperature 1, 2x50 f32", 2, 50, F32, 3, 1, 5, 1, 1, 0, 40),
                new Case("top-p 0.9, temperature 0.8, 2x50 bf16", 2, 50, BF16, 3, 0.8f, 0, 0.9f, 1, 0, 40),
                new Case("top-k 20, top-p 0.5, penalty 1.2, temperature 1.3, 3x64 f16", 3, 64, F16, 3, 1.3f, 20, 0.5f,
                        1.2f, 12, 40),
                new Case("top-k 1 is greedy, 2x40 f32", 2, 40, F32, 3, 1, 1, 1, 1, 0, 10),
                new Case("tiny top-p keeps the argmax, 2x40 f32", 2, 40, F32, 3, 1, 0, 1e-6f, 1, 0, 10),
                new Case("single token vocabulary", 1, 1, F32, 3, 1, 0, 0.9f, 1.3f, 1, 5),
                new Case("real vocabulary greedy 3x151552 bf16", 3, 151552, BF16, 10, 0, 0, 1, 1, 0, 1),
                new Case("real vocabulary greedy 1x151552 f32, penalty 1.1", 1, 151552, F32, 10, 0, 0, 1, 1.1f, 200, 1),
                new Case("real vocabulary top-k 50, top-p 0.95, temperature 0.6, 1x151552 f32", 1, 151552, F32, 10, 0.6f,
                        50, 0.95f, 1, 0, 6),
                new Case("real vocabulary temperature 1, 1x151552 bf16", 1, 151552, BF16, 5, 1, 0, 1, 1, 0, 6));
    }

    static Stream<Arguments> backendCases() { return TestBackends.othersCrossed(cases()); }

    /** Draws every uniform of the case on the same logits; the outcome is the ids of all draws, draw-major. */
    private static Outcome run(Case c, Fixtures f, Ops ops) {
        Tensor logits = f.random(c.logits(), Shape.of(c.rows(), c.vocab()), -c.range(), c.range());
        int[] penalized = new int[c.penalized()];
        for (int i = 0; i < penalized.length; i++) penalized[i] = f.rng().nextInt(c.vocab());
        Tensor ids = f.zeros(DType.I32, Shape.of(c.draws(), c.rows()));
        double[] expected = f.computesReference() ? new double[c.draws() * c.rows()] : null;
        for (int d = 0; d < c.draws(); d++) {
            SamplingSpec spec = c.spec(penalized, f.rng().nextDouble());
            if (expected != null) {
                int[] e = Reference.sample(f.host(logits), spec);
                for (int r = 0; r < e.length; r++) expected[d * c.rows() + r] = e[r];
            }
            ops.sample(ids.rows(d, 1).view(c.rows()), logits, spec);
        }
        return new Outcome(ids, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sample_jvmMatchesReference(Case c) {
        Parity.againstReference("sample", Op.SAMPLE, c.logits(), c.name(), c.name().hashCode(), Tolerance.EXACT, 1,
                (f, ops) -> run(c, f, ops));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void sample_matchesJvm(TestBackends.Candidate backend, Case c) {
        Parity.againstJvm(backend, "sample", Op.SAMPLE, c.logits(), c.name(), c.name().hashCode(), Tolerance.EXACT, 1,
                (f, ops) -> run(c, f, ops));
    }

    /** Hand-made rows whose answer follows from SamplingSpec's Javadoc alone, on every backend. */
    static Stream<Arguments> handmade() {
        List<Arguments> list = new ArrayList<>();
        for (Backend b : TestBackends.all()) {
            list.add(Arguments.of(b.name(), "ties pick the lowest id", new float[] { 1, 3, 2, 3, 3 }, SamplingSpec.greedy(), 1));
            list.add(Arguments.of(b.name(), "all equal picks id 0", new float[] { -2, -2, -2 }, SamplingSpec.greedy(), 0));
            list.add(Arguments.of(b.name(), "positive logit is divided by the penalty, once per id",
                    new float[] { 3, 2 }, new SamplingSpec(0, 0, 1, 1.4f, new int[] { 0, 0 }, 0), 0));
            list.add(Arguments.of(b.name(), "negative logit is multiplied by the penalty",
                    new float[] { -1, -1.2f }, new SamplingSpec(0, 0, 1, 1.3f, new int[] { 0 }, 0), 1));
            // probabilities ∝ e^0, e^-1, e^-2 over ids 2, 0, 1: cumulative 0.665, 0.910, 1.0
            float[] three = { -1, -2, 0 };
            list.add(Arguments.of(b.name(), "draw 0.6 takes the most probable", three, new SamplingSpec(1, 0, 1, 1, null, 0.6), 2));
            list.add(Arguments.of(b.name(), "draw 0.7 takes the second", three, new SamplingSpec(1, 0, 1, 1, null, 0.7), 0));
            list.add(Arguments.of(b.name(), "draw 0.95 takes the third", three, new SamplingSpec(1, 0, 1, 1, null, 0.95), 1));
            list.add(Arguments.of(b.name(), "top-k 2 drops the third", three, new SamplingSpec(1, 2, 1, 1, null, 0.95), 0));
            list.add(Arguments.of(b.name(), "top-p 0.9 keeps two (mass 0.910 reaches it)", three,
                    new SamplingSpec(1, 0, 0.9f, 1, null, 0.95), 0));
            list.add(Arguments.of(b.name(), "top-p 0.5 keeps one", three, new SamplingSpec(1, 0, 0.5f, 1, null, 0.99), 2));
            // top-k 1 over {0, 0, -5}: both tokens tied with the first stay (transformers keeps ties), each half the mass.
            float[] tied = { 0, -5, 0 };
            list.add(Arguments.of(b.name(), "top-k keeps ties with the k-th (draw 0.3)", tied, new SamplingSpec(1, 1, 1, 1, null, 0.3), 0));
            list.add(Arguments.of(b.name(), "top-k keeps ties with the k-th (draw 0.7)", tied, new SamplingSpec(1, 1, 1, 1, null, 0.7), 2));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("handmade")
    void sample_handmadeRows(String backendName, String what, float[] logits, SamplingSpec spec, int expected) {
        Backend backend = TestBackends.all().stream().filter(b -> b.name().equals(backendName)).findFirst().orElseThrow();
        for (DType dtype : new DType[] { F32, BF16 }) {
            Parity.requireSupport(backend, Op.SAMPLE, dtype);
            try (Arena arena = Arena.ofShared()) {
                Fixtures f = Fixtures.on(backend, arena, 0, false);
                Tensor ids = f.zeros(DType.I32, Shape.of(1));
                new Ops(backend, null).sample(ids, f.of(dtype, Shape.of(1, logits.length), logits), spec);
                assertEquals(expected, f.downloadLongs(ids)[0], what + " (" + dtype + " logits on " + backendName + ")");
            }
        }
    }
}
