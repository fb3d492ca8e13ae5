package org.glm4j.tests.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The golden reference cases copied into the test resources (see src/test/resources/golden/README.md). */
public final class GoldenCases {
    private GoldenCases() {}

    /** The image case: two images, f32 weights. */
    public static final String IMAGE = "glm4v-tiny";
    /** The video case: 12 frames at 3 fps. */
    public static final String VIDEO = "glm4v-tiny-video";

    /** The folder of a case. */
    public static Path dir(String name) {
        URL url = GoldenCases.class.getResource("/golden/" + name);
        if (url == null) throw new IllegalStateException("golden case " + name + " is missing from the test resources");
        return path(url);
    }

    /** Every shipped case (a folder under {@code golden/} with an {@code outputs.safetensors}), by name. */
    public static List<Path> all() {
        URL url = GoldenCases.class.getResource("/golden");
        if (url == null) throw new IllegalStateException("the golden cases are missing from the test resources");
        try (Stream<Path> s = Files.list(path(url))) {
            return s.filter(d -> Files.isRegularFile(d.resolve("outputs.safetensors"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path path(URL url) {
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new IllegalStateException("golden cases must be a folder on the class path, not " + url, e);
        }
    }
}
