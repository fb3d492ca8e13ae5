package org.glm4j.model.preprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glm4j.model.json.Json;

/**
 * A video: its frames (decoded on demand, so only the frames sampling keeps are ever decoded), the source frame
 * rate and duration (NaN when unknown).
 */
public record Video(Frames frames, double sourceFps, double duration) {
    /** Random access to decoded frames. */
    public interface Frames {
        int count();

        /** Frame {@code index}, decoded now. */
        RgbImage frame(int index) throws IOException;
    }

    public Video {
        if (frames.count() < 1) throw new IllegalArgumentException("video has no frames");
    }

    /** A video of already decoded frames. */
    public static Video of(List<RgbImage> decoded, double sourceFps, double duration) {
        List<RgbImage> copy = List.copyOf(decoded);
        return new Video(new Frames() {
            @Override public int count() { return copy.size(); }

            @Override public RgbImage frame(int index) { return copy.get(index); }
        }, sourceFps, duration);
    }

    /** Frame {@code index}, decoding failures as {@link UncheckedIOException}. */
    public RgbImage frame(int index) {
        try {
            return frames.frame(index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A folder of frames: with a {@code frames.json} ({@code source_fps}, optional {@code duration_s}, and
     * {@code frames: [{file, …}]} in order) or, without one, every PNG/JPEG/BMP/WebP in name order at {@code fps}.
     * Only the header of the folder is read here; frames are decoded when sampled.
     */
    public static Video fromFolder(Path dir, double fps, ImageDecoder decoder) throws IOException {
        Path meta = dir.resolve("frames.json");
        List<Path> files = new ArrayList<>();
        double sourceFps = fps, duration = Double.NaN;
        if (Files.isRegularFile(meta)) {
            String src = meta.getFileName().toString();
            Map<String, Object> m = Json.parseObject(Files.readString(meta), src);
            if (m.get("source_fps") != null) sourceFps = Json.asDouble(m.get("source_fps"), src + ": source_fps");
            if (m.get("duration_s") != null) duration = Json.asDouble(m.get("duration_s"), src + ": duration_s");
            Path real = dir.toRealPath();
            for (Object o : Json.array(m, "frames", src)) {
                if (!(o instanceof Map<?, ?> f) || !(f.get("file") instanceof String name))
                    throw new IOException(src + ": every frame needs a \"file\"");
                Path p = real.resolve(name).normalize();
                if (!p.startsWith(real)) throw new IOException(src + ": frame file " + name + " is outside " + dir);
                if (!Files.isRegularFile(p)) throw new IOException(src + ": frame file " + name + " does not exist");
                files.add(p);
            }
        } else {
            if (Double.isNaN(fps)) throw new IOException(dir + ": no frames.json; give the frame rate (--fps)");
            try (var s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpe?g|bmp|webp)$")).sorted().forEach(files::add);
            }
        }
        if (files.isEmpty()) throw new IOException(dir + ": no frames");
        if (Double.isNaN(duration) && !Double.isNaN(sourceFps) && sourceFps > 0) duration = files.size() / sourceFps;
        List<Path> list = List.copyOf(files);
        return new Video(new Frames() {
            @Override public int count() { return list.size(); }

            @Override public RgbImage frame(int index) throws IOException { return decoder.decode(list.get(index)); }
        }, sourceFps, duration);
    }
}
