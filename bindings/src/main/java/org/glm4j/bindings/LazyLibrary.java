package org.glm4j.bindings;

import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One native library that the bindings of a package resolve against, loaded on the first {@link #load()} (or the
 * first call of one of its functions) and never before: nothing is touched when a class of the bindings is merely
 * referenced. Loading finds the file, resolves
 * every function the bindings declare (so a missing symbol is reported up front, not at the first call) and runs
 * an optional version check. The outcome, success or failure, is remembered for the life of the process.
 */
public final class LazyLibrary {
    private final String what;
    private final Supplier<NativeLoader.Found> find;
    private final Supplier<List<String>> functions;
    private final Consumer<LazyLibrary> check;
    private volatile SymbolLookup lookup;
    private NativeLoader.Found found;
    private LibraryUnavailableException failure;

    /**
     * @param what      the library's name in messages, e.g. {@code cuBLAS}
     * @param find      finds and loads the file (throws {@link LibraryUnavailableException})
     * @param functions the symbols the bindings call (a supplier: the header class may still be initialising)
     * @param check     run after the symbols resolved (e.g. a version check); throws {@link LibraryUnavailableException}
     */
    public LazyLibrary(String what, Supplier<NativeLoader.Found> find, Supplier<List<String>> functions, Consumer<LazyLibrary> check) {
        this.what = what;
        this.find = find;
        this.functions = functions;
        this.check = check;
    }

    /**
     * Loads the library once and checks it.
     *
     * @throws LibraryUnavailableException with one line naming what was looked for and where
     */
    public synchronized NativeLoader.Found load() {
        if (found != null) return found;
        if (failure != null) throw failure;
        try {
            NativeLoader.Found f = find.get();
            List<String> missing = new ArrayList<>();
            for (String fn : functions.get()) if (f.lookup().find(fn).isEmpty()) missing.add(fn);
            if (!missing.isEmpty())
                throw new LibraryUnavailableException(what + " from " + f.where() + " lacks " + missing.size() + " functions the bindings call ("
                        + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : "")
                        + "); it is older than the bindings need");
            lookup = f.lookup();
            try {
                if (check != null) check.accept(this);
            } catch (RuntimeException e) {
                lookup = null;
                throw e;
            }
            found = f;
            return f;
        } catch (LibraryUnavailableException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * The lookup the bindings resolve against, loading the library if no one has yet (a function called before
     * {@link #load()} loads it, or fails with the same one-line reason).
     */
    public SymbolLookup lookup() {
        SymbolLookup l = lookup;
        if (l != null) return l;
        load();
        return lookup;
    }

    /** Where the library was found; null before a successful {@link #load()}. */
    public synchronized String where() { return found == null ? null : found.where(); }

    @Override public String toString() { return what; }
}
