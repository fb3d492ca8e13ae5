package org.glm4j.tests.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.tensor.DType;
import org.glm4j.model.golden.GoldenCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden case on every available backend, through the same {@link GoldenCheck} that {@code ./glm4j
 * golden-check} runs: pixels, positions, every vision and text stage, prefill logits and a greedy decode with f32
 * weights; prefill logits with bf16 weights.
 */
class ModelGoldenTest {
    private static final List<Backend> BACKENDS =
            Backends.openAvailable(reason -> System.out.println("skipped backend: " + reason));

    @AfterAll
    static void close() {
        BACKENDS.forEach(Backend::close);
    }

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (Backend b : BACKENDS) {
            args.add(Arguments.of(b, GoldenCases.IMAGE, DType.F32));
            args.add(Arguments.of(b, GoldenCases.VIDEO, DType.F32));
            args.add(Arguments.of(b, GoldenCases.IMAGE, DType.BF16));
        }
        return args.stream();
    }

    /**
     * The model's device path — weights uploaded through the backend, inputs staged, tables copied, traces and
     * logits downloaded — on a stand-in device whose memory is host memory, so it runs without a GPU.
     */
    @org.junit.jupiter.api.Test
    void devicePath_matchesTransformersOnALoopbackDevice() throws Exception {
        try (Backend jvm = Backends.open("jvm")) {
            org.glm4j.tests.support.LoopbackBackend device = new org.glm4j.tests.support.LoopbackBackend(jvm);
            GoldenCheck.Result r = GoldenCheck.run(GoldenCases.dir(GoldenCases.IMAGE), device, DType.F32, System.out::println);
            System.out.println(r.table());
            assertTrue(r.passed(), r.table());
        }
    }

    @ParameterizedTest(name = "{1} {2} weights on {0}", autoCloseArguments = false)   // backends are shared, closed once
    @MethodSource("cases")
    void goldenCase_matchesTransformers(Backend backend, String golden, DType weights) throws Exception {
        GoldenCheck.Result r = GoldenCheck.run(GoldenCases.dir(golden), backend, weights, System.out::println);
        System.out.println(golden + " " + weights + " on " + backend.name() + ":\n" + r.table());
        assertTrue(r.passed(), r.table());
    }
}
