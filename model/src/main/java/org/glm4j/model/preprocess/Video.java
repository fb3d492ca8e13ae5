package org.glm4j.model.preprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.Json;

/**
 * Decoded video frames with their source frame rate and duration (NaN when unknown), all frames of the source
 * (sampling happens in {@link VideoProcessor}).
 */
public record Video(List<RgbImage> frames, double sourceFps, double duration) {
    public Video {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) throw new IllegalArgumentException("video has no frames");
        RgbImage first = frames.get(0);
        for (int i = 1; i < frames.size(); i++)
            if (frames.get(i).width() != first.width() || frames.get(i).height() != first.height())
                throw new IllegalArgumentException("frame " + i + " is " + frames.get(i).width() + "x" + frames.get(i).height()
                        + ", frame 0 is " + first.width() + "x" + first.height());
    }

    /**
     * A folder of frames: with a {@code frames.json} ({@code source_fps}, optional {@code duration_s}, and
     * {@code frames: [{file, …}]} in order) or, without one, every PNG/JPEG in name order at {@code fps}.
     */
    public static Video fromFolder(Path dir, double fps, ImageDecoder decoder) throws IOException {
        Path meta = dir.resolve("frames.json");
        List<Path> files = new ArrayList<>();
        double sourceFps = fps, duration = Double.NaN;
        if (Files.isRegularFile(meta)) {
            String src = meta.getFileName().toString();
            Map<String, Object> m = Json.parseObject(Files.readString(meta), src);
            if (m.containsKey("source_fps")) sourceFps = Json.asDouble(m.get("source_fps"), src + ": source_fps");
            if (m.get("duration_s") != null) duration = Json.asDouble(m.get("duration_s"), src + ": duration_s");
            Path real = dir.toRealPath();
            for (Object o : Json.array(m, "frames", src)) {
                if (!(o instanceof Map<?, ?> f) || !(f.get("file") instanceof String name))
                    throw new IOException(src + ": every frame needs a \"file\"");
                Path p = real.resolve(name).normalize();
                if (!p.startsWith(real)) throw new IOException(src + ": frame file " + name + " is outside " + dir);
                files.add(p);
            }
        } else {
            try (var s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpe?g|bmp)$")).sorted().forEach(files::add);
            }
            if (Double.isNaN(fps)) throw new IOException(dir + ": no frames.json; give the frame rate (--fps)");
        }
        if (files.isEmpty()) throw new IOException(dir + ": no frames");
        List<RgbImage> frames = new ArrayList<>();
        for (Path f : files) frames.add(decoder.decode(f));
        if (Double.isNaN(duration)) duration = frames.size() / sourceFps;
        return new Video(frames, sourceFps, duration);
    }
}
