package org.glm4j.tests.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.jvm.JvmBackend;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The backends the parity tests run on: every backend {@link Backends#openAvailable} gives in this JVM (today
 * {@code jvm}; {@code onednn} and {@code cuda} join as soon as they are registered and open here). They are opened
 * once per test JVM and closed when it exits.
 *
 * <p>{@code -D}{@value #ONLY_PROPERTY}{@code =cuda} (comma-separated names) restricts the backends compared with
 * {@code jvm} to those named: the others are not even opened, and a named one that does not open is reported as
 * the reason the level-2 tests skip. {@code jvm}, the reference, is always open. The prepared GPU check
 * ({@code bench/gpu-check.sh}) runs the suite this way on the cuda backend alone.
 */
public final class TestBackends {
    private TestBackends() {}

    /** System property: comma-separated backend names to compare with {@code jvm}; unset means every backend. */
    public static final String ONLY_PROPERTY = "glm4j.test.backends";

    /**
     * A backend to compare with {@code jvm}, or the reason there is none: the level-2 tests take these as arguments
     * and skip visibly on an unavailable one.
     *
     * @param name        backend name, or {@code none}
     * @param backend     the open backend, or null
     * @param unavailable why no other backend runs here, or null
     */
    public record Candidate(String name, Backend backend, String unavailable) {
        @Override public String toString() { return name; }
    }

    private static final class Holder {
        static final List<String> UNAVAILABLE = new ArrayList<>();
        static final List<Backend> ALL = open();

        private static List<Backend> open() {
            List<Backend> list = List.copyOf(selected() == null ? Backends.openAvailable(UNAVAILABLE::add) : openSelected());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> list.forEach(Backend::close), "close-test-backends"));
            return list;
        }
    }

    /** The names {@value #ONLY_PROPERTY} selects, or null when it is unset or blank. */
    static Set<String> selected() {
        String v = System.getProperty(ONLY_PROPERTY, "").trim();
        if (v.isEmpty()) return null;
        Set<String> names = new LinkedHashSet<>();
        for (String n : v.split(",")) if (!n.isBlank()) names.add(n.trim());
        return names;
    }

    /** {@code jvm} plus the selected backends that open; the others' reasons go to {@code UNAVAILABLE}. */
    private static List<Backend> openSelected() {
        Set<String> names = selected();
        List<String> registered = Backends.names();
        for (String n : names)
            if (!registered.contains(n))
                throw new IllegalArgumentException("-D" + ONLY_PROPERTY + " names '" + n + "', registered: " + registered);
        List<Backend> list = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            if (!p.name().equals(JvmBackend.NAME) && !names.contains(p.name())) continue;
            try {
                list.add(p.open());
            } catch (BackendUnavailableException e) {
                Holder.UNAVAILABLE.add(e.getMessage());
            }
        }
        return list;
    }

    /** Every backend that opens here, most preferred first. */
    public static List<Backend> all() { return Holder.ALL; }

    /** The JVM reference backend. */
    public static Backend jvm() {
        for (Backend b : all())
            if (b.name().equals(JvmBackend.NAME)) return b;
        throw new IllegalStateException("the jvm backend is not registered; registered: " + Backends.names());
    }

    /** Every available backend except {@code jvm}, or a single {@code none} candidate saying why there is none. */
    public static List<Candidate> others() {
        List<Candidate> list = new ArrayList<>();
        for (Backend b : all())
            if (!b.name().equals(JvmBackend.NAME)) list.add(new Candidate(b.name(), b, null));
        if (list.isEmpty()) {
            Set<String> only = selected();
            String why = (only == null ? "no backend besides jvm opens here" : "none of " + only + " (-D" + ONLY_PROPERTY + ") opens here")
                    + " (registered: " + Backends.names() + ")"
                    + (Holder.UNAVAILABLE.isEmpty() ? "" : "; unavailable: " + String.join("; ", Holder.UNAVAILABLE));
            list.add(new Candidate("none", null, why));
        }
        return list;
    }

    /**
     * The candidate named {@code name} when it opens here, else a single {@code none} candidate saying why (its
     * unavailability reason, or that it was not selected): for tests of one backend's own paths.
     */
    public static Candidate named(String name) {
        for (Backend b : all())
            if (b.name().equals(name)) return new Candidate(name, b, null);
        Set<String> only = selected();
        String why = only != null && !only.contains(name) ? name + " is not among -D" + ONLY_PROPERTY + "=" + only
                : Holder.UNAVAILABLE.stream().filter(r -> r.startsWith(name)).findFirst()
                        .orElse(name + " does not open here (registered: " + Backends.names() + ")");
        return new Candidate("none", null, why);
    }

    /**
     * Level-2 arguments: every {@link #others() candidate} crossed with every case; when no other backend opens, the
     * single {@code none} candidate with the first case, so the skip and its reason show once per test, not per case.
     */
    public static Stream<Arguments> othersCrossed(List<?> cases) {
        List<Candidate> others = others();
        if (others.getFirst().backend() == null) return Stream.of(Arguments.of(others.getFirst(), cases.getFirst()));
        return others.stream().flatMap(b -> cases.stream().map(c -> Arguments.of(b, c)));
    }
}
