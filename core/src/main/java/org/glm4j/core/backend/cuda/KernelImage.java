package org.glm4j.core.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The fatbin of our kernels, a resource of the {@code glm4j-native} jar: {@value #PROPERTIES} says whether the build
 * had {@code nvcc} ({@code kernels=built}) or why not ({@code kernels=not-built}, {@code reason=…}).
 *
 * @param bytes      the fatbin image
 * @param properties what the build recorded (source hash, nvcc version, targets, ABI version)
 */
public record KernelImage(byte[] bytes, Properties properties) {
    /** Resource with the build's record. */
    public static final String PROPERTIES = "org/glm4j/native/glmk.properties";
    /** Resource with the fatbin. */
    public static final String FATBIN = "org/glm4j/native/glmk.fatbin";
    /** The {@code GLMK_ABI_VERSION} this backend marshals. */
    public static final int ABI_VERSION = 3;

    /**
     * Reads the image through {@code loader}.
     *
     * @throws IllegalStateException with a one-line reason when the kernels are not built, missing or of another ABI
     */
    public static KernelImage load(ClassLoader loader) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(PROPERTIES)) {
            if (in == null)
                throw new IllegalStateException("kernels not built: " + PROPERTIES + " is not on the class path (the glm4j-native jar is missing)");
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("kernels not built: cannot read " + PROPERTIES + ": " + e.getMessage(), e);
        }
        String state = p.getProperty("kernels", "");
        String reason = p.getProperty("reason", "").trim();
        if (!state.equals("built"))
            throw new IllegalStateException("kernels not built" + (reason.isEmpty() ? "" : ": " + reason)
                    + " (rebuild with nvcc on the PATH or GLM4J_NVCC)");
        String abi = p.getProperty("abi.version", "unknown");
        if (!abi.trim().equals(String.valueOf(ABI_VERSION)))
            throw new IllegalStateException("kernels built for glmk ABI " + abi + ", this backend speaks ABI " + ABI_VERSION);
        try (InputStream in = loader.getResourceAsStream(FATBIN)) {
            if (in == null) throw new IllegalStateException("kernels not built: " + PROPERTIES + " says built but " + FATBIN + " is missing");
            return new KernelImage(in.readAllBytes(), p);
        } catch (IOException e) {
            throw new IllegalStateException("kernels not built: cannot read " + FATBIN + ": " + e.getMessage(), e);
        }
    }
}
