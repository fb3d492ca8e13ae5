package org.glm4j.tests.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendProvider;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.backend.cuda.CudaBackend;
import org.glm4j.core.backend.cuda.KernelImage;
import org.junit.jupiter.api.Test;

/**
 * Detection of the cuda backend without depending on this machine: it is registered above onednn, and opening it
 * either works or fails with one line naming what is missing; the kernel image reports "kernels not built" and its
 * reason, a missing jar, and an ABI mismatch.
 */
class CudaBackendAvailabilityTest {
    @Test
    void cuda_isRegisteredFirst() {
        assertEquals("cuda", Backends.names().getFirst(), "registered: " + Backends.names());
        BackendProvider cuda = Backends.providers().getFirst();
        BackendProvider onednn = Backends.providers().stream().filter(p -> p.name().equals("onednn")).findFirst().orElseThrow();
        assertTrue(cuda.preference() > onednn.preference());
    }

    @Test
    void open_worksOrGivesOneLineReason() {
        try (Backend b = Backends.open(CudaBackend.NAME)) {
            assertEquals(CudaBackend.NAME, b.name());
        } catch (BackendUnavailableException e) {
            String m = e.getMessage();
            assertFalse(m.contains("\n"), () -> "one line: " + m);
            assertTrue(m.startsWith("cuda unavailable: "), m);
            assertTrue(m.contains("libcuda.so.1") || m.contains("cuInit") || m.contains("device") || m.contains("cuBLASLt")
                    || m.contains("kernels"), () -> "the reason names what is missing: " + m);
        }
    }

    @Test
    void badDeviceIndex_isAReason() {
        String old = System.getProperty(CudaBackend.DEVICE_PROPERTY);
        System.setProperty(CudaBackend.DEVICE_PROPERTY, "minus-one");
        try {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.open(CudaBackend.NAME));
            assertTrue(e.getMessage().contains(CudaBackend.DEVICE_PROPERTY), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(CudaBackend.DEVICE_PROPERTY); else System.setProperty(CudaBackend.DEVICE_PROPERTY, old);
        }
    }

    private static ClassLoader resources(Map<String, String> files) {
        return new ClassLoader(null) {
            @Override public InputStream getResourceAsStream(String name) {
                String v = files.get(name);
                return v == null ? null : new ByteArrayInputStream(v.getBytes(StandardCharsets.ISO_8859_1));
            }
        };
    }

    @Test
    void kernelsNotBuilt_reportsTheBuildsReason() {
        var e = assertThrows(IllegalStateException.class, () -> KernelImage.load(resources(Map.of(KernelImage.PROPERTIES,
                "kernels=not-built\nreason=no nvcc found\n"))));
        assertTrue(e.getMessage().startsWith("kernels not built: no nvcc found"), e.getMessage());
    }

    @Test
    void missingJar_andOtherAbi_areReasons() {
        var missing = assertThrows(IllegalStateException.class, () -> KernelImage.load(resources(Map.of())));
        assertTrue(missing.getMessage().contains("glm4j-native"), missing.getMessage());
        var abi = assertThrows(IllegalStateException.class, () -> KernelImage.load(resources(Map.of(KernelImage.PROPERTIES,
                "kernels=built\nabi.version=99\n", KernelImage.FATBIN, "x"))));
        assertTrue(abi.getMessage().contains("ABI 99"), abi.getMessage());
    }

    @Test
    void builtImage_isOnTheClassPathWhenNvccWasThere() {
        try {
            KernelImage img = KernelImage.load(CudaBackend.class.getClassLoader());
            assertTrue(img.bytes().length > 1000, "fatbin of " + img.bytes().length + " bytes");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().startsWith("kernels not built"), e.getMessage());
        }
    }
}
