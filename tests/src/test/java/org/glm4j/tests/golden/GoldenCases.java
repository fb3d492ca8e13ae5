package org.glm4j.tests.golden;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

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
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
