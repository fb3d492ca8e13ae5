package org.glm4j.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** Shared plumbing of the generated bindings: resolving a C function into a downcall handle. */
@SuppressWarnings("restricted")
public final class Downcalls {
    private Downcalls() {}

    /**
     * A downcall handle for {@code name} in {@code lookup}.
     *
     * @throws UnsatisfiedLinkError naming the symbol and library when it is absent
     */
    public static MethodHandle find(SymbolLookup lookup, String library, String name, FunctionDescriptor descriptor) {
        return lookup.find(name)
                .map(addr -> Linker.nativeLinker().downcallHandle(addr, descriptor))
                .orElseThrow(() -> new UnsatisfiedLinkError(library + ": symbol " + name + " not found"));
    }
}
