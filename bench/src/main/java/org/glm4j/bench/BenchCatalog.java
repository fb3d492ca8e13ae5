package org.glm4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Every case and target: the {@link StandardCases} first, then those of each {@link BenchContributor} found. */
public record BenchCatalog(List<BenchCase> cases, List<Target> targets) {
    public BenchCatalog {
        cases = List.copyOf(cases);
        targets = List.copyOf(targets);
        Map<String, BenchCase> byName = new LinkedHashMap<>();
        for (BenchCase c : cases)
            if (byName.putIfAbsent(c.name(), c) != null)
                throw new IllegalArgumentException("bench: two cases are named '" + c.name() + "'");
        for (Target t : targets) {
            BenchCase c = byName.get(t.caseName());
            if (c == null) throw new IllegalArgumentException("bench: target for unknown case '" + t.caseName() + "'");
            if (t.reference() != null) {
                BenchCase r = byName.get(t.reference());
                if (r == null)
                    throw new IllegalArgumentException("bench: target for " + t.caseName() + " refers to unknown case '"
                            + t.reference() + "'");
                if (r.metric() != c.metric())
                    throw new IllegalArgumentException("bench: target for " + t.caseName() + " compares " + c.metric().unit()
                            + " with " + r.name() + "'s " + r.metric().unit());
            }
        }
    }

    /** The standard cases plus every contributor on the class path. */
    public static BenchCatalog load() {
        List<BenchContributor> contributors = new ArrayList<>();
        contributors.add(new StandardCases());
        for (BenchContributor c : ServiceLoader.load(BenchContributor.class, BenchCatalog.class.getClassLoader()))
            if (!(c instanceof StandardCases)) contributors.add(c);
        return of(contributors);
    }

    /** The cases and targets of {@code contributors}, in order. */
    public static BenchCatalog of(List<? extends BenchContributor> contributors) {
        List<BenchCase> cases = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (BenchContributor c : contributors) {
            cases.addAll(c.cases());
            targets.addAll(c.targets());
        }
        return new BenchCatalog(cases, targets);
    }

    /** The case called {@code name}, or null. */
    public BenchCase find(String name) {
        for (BenchCase c : cases) if (c.name().equals(name)) return c;
        return null;
    }

    /** Case names in order. */
    public List<String> names() {
        return cases.stream().map(BenchCase::name).toList();
    }
}
