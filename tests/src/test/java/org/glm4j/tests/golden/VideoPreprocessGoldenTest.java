package org.glm4j.tests.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.Json;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.preprocess.VideoSampler;
import org.junit.jupiter.api.Test;

/** Frame sampling against transformers' {@code Glm4vVideoProcessor.sample_frames} table. */
class VideoPreprocessGoldenTest {
    @Test
    void frameSampling_matchesReferenceTable() throws Exception {
        Path file = GoldenCases.dir(GoldenCases.VIDEO).resolve("video_sampling_cases.json");
        List<?> cases = (List<?>) Json.parse(Files.readString(file), file.getFileName().toString());
        for (Object o : cases) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) o;
            int frames = (int) Json.asLong(c.get("total_num_frames"), "total_num_frames");
            double fps = Json.asDouble(c.get("fps"), "fps");
            double duration = c.get("duration") == null ? Double.NaN : Json.asDouble(c.get("duration"), "duration");
            VideoSampler.Sample s = VideoSampler.sample(frames, fps, duration, 2, 300);
            String label = "F=" + frames + " fps=" + fps + " duration=" + duration;
            List<?> idx = (List<?>) c.get("indices"), ts = (List<?>) c.get("timestamps");
            int[] expected = idx.stream().mapToInt(v -> (int) Json.asLong(v, "index")).toArray();
            assertArrayEquals(expected, s.indices(), label);
            for (int i = 0; i < ts.size(); i++)
                assertEquals(Json.asDouble(ts.get(i), "timestamp"), s.timestamps()[i], 1e-12, label + " timestamp " + i);
        }
        assertTrue(cases.size() >= 20);
    }

    @Test
    void unknownFrameRate_samplesAt2fpsAndStampsAt24fps() {
        VideoSampler.Sample s = VideoSampler.sample(10, Double.NaN, Double.NaN, 2, 300);
        // duration = rint(9 / 2) + 1 = 5 s → 10 samples at ceil(i·2/2) = i; timestamps i / 24
        assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, s.indices());
        assertEquals(9 / 24.0, s.timestamps()[9], 1e-12);
    }

    @Test
    void tooShortVideo_isRejectedClearly() {
        VideoProcessor p = VideoProcessor.defaults();
        List<RgbImage> frames = java.util.Collections.nCopies(10, new RgbImage(56, 56, new byte[56 * 56 * 3]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.process(Video.of(frames, 24, 10 / 24.0)));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }
}
