package org.glm4j.core.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/** Finds backends registered through {@link BackendProvider} and picks the best one that opens here. */
public final class Backends {
    private Backends() {}

    /** Every registered provider, most preferred first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) list.add(p);
        list.sort(Comparator.comparingInt(BackendProvider::preference).reversed());
        return list;
    }

    /** Names of every registered backend, most preferred first. */
    public static List<String> names() {
        return providers().stream().map(BackendProvider::name).toList();
    }

    /**
     * Opens the named backend, or fails loudly.
     *
     * @throws IllegalArgumentException      for a name nobody registered
     * @throws BackendUnavailableException   when it cannot run here
     */
    public static Backend open(String name) {
        if (name.equals("auto")) return auto();
        for (BackendProvider p : providers())
            if (p.name().equals(name)) return p.open();
        throw new IllegalArgumentException("no backend named '" + name + "'; registered: " + names() + " or auto");
    }

    /** The most preferred backend that opens here; {@code log} receives the choice and why better ones were rejected. */
    public static Backend auto(Consumer<String> log) {
        List<String> rejected = new ArrayList<>();
        for (BackendProvider p : providers()) {
            try {
                Backend b = p.open();
                log.accept("backend: " + b.name() + (rejected.isEmpty() ? "" : " (" + String.join("; ", rejected) + ")"));
                return b;
            } catch (BackendUnavailableException e) {
                rejected.add(e.getMessage());
            }
        }
        throw new BackendUnavailableException("auto", "no backend opens here: " + String.join("; ", rejected));
    }

    /** {@link #auto(Consumer)} logging to {@link System.Logger}. */
    public static Backend auto() {
        System.Logger logger = System.getLogger("org.glm4j.backend");
        return auto(msg -> logger.log(System.Logger.Level.INFO, msg));
    }

    /** Every backend that opens here, most preferred first; the caller closes them. */
    public static List<Backend> openAvailable(Consumer<String> onUnavailable) {
        List<Backend> list = new ArrayList<>();
        for (BackendProvider p : providers()) {
            try {
                list.add(p.open());
            } catch (BackendUnavailableException e) {
                onUnavailable.accept(e.getMessage());
            }
        }
        return list;
    }
}
