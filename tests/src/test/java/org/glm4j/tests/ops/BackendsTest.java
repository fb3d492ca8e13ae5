package org.glm4j.tests.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.tensor.Device;
import org.junit.jupiter.api.Test;

/** Backend discovery through {@link Backends}: the jvm backend is always registered and opens. */
class BackendsTest {

    @Test
    void jvm_isRegisteredAndOpens() {
        assertTrue(Backends.names().contains("jvm"), () -> "registered: " + Backends.names());
        try (Backend b = Backends.open("jvm")) {
            assertEquals("jvm", b.name());
            assertEquals(Device.CPU, b.device());
        }
    }

    @Test
    void unknownName_failsListingTheRegisteredOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open("nope"));
        assertTrue(e.getMessage().startsWith("no backend named 'nope'; registered: ["), e::getMessage);
        assertTrue(e.getMessage().contains("jvm"), e::getMessage);
    }

    @Test
    void auto_picksOneAndSaysWhich() {
        List<String> log = new ArrayList<>();
        try (Backend b = Backends.auto(log::add)) {
            assertEquals(1, log.size());
            assertTrue(log.getFirst().startsWith("backend: " + b.name()), log::toString);
            assertEquals(Backends.names().indexOf(b.name()), firstOpening(), "auto takes the most preferred that opens");
        }
    }

    private static int firstOpening() {
        List<String> names = Backends.names();
        for (int i = 0; i < names.size(); i++) {
            try (Backend b = Backends.open(names.get(i))) {
                return i;
            } catch (BackendUnavailableException unavailable) {
                continue;                                  // auto must skip it too
            }
        }
        return -1;
    }
}
