package org.glm4j.core.backend.jvm;

import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;

/** Registers {@link JvmBackend}: always available, least preferred. */
public final class JvmBackendProvider implements BackendProvider {
    @Override public String name() { return JvmBackend.NAME; }

    @Override public int preference() { return 0; }

    @Override public Backend open() { return new JvmBackend(); }
}
