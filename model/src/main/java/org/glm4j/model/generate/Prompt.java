package org.glm4j.model.generate;

import java.util.ArrayList;
import java.util.List;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.Patches;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.tokenizer.ChatRenderer;
import org.glm4j.model.tokenizer.ChatTemplate;
import org.glm4j.model.tokenizer.Tokenizer;

/**
 * A request made ready for the model, as transformers' {@code Glm4vProcessor} does: the chat template rendered,
 * each {@code <|image|>} expanded to {@code h·w/4} image tokens, each {@code <|video|>} to one
 * {@code <|begin_of_image|>…<|end_of_image|>} group per temporal patch followed by its timestamp in seconds
 * (spec §5, §6.5), then tokenized; and the pixels preprocessed. Placeholders are expanded as ids, not as text, and
 * message text is tokenized as plain text, so a user typing {@code <|image|>} or {@code <|assistant|>} gets text.
 *
 * @param ids    prompt token ids
 * @param images image patch rows in placeholder order (null without images)
 * @param video  video patch rows (null without a video)
 * @param text   the expanded prompt string (for display)
 */
public record Prompt(int[] ids, Patches images, Patches video, String text) {

    /** {@link #prepare(List, List, Video, Tokenizer, ImageProcessor, VideoProcessor, ChatRenderer)} with the built-in template. */
    public static Prompt prepare(List<ChatTemplate.Message> messages, List<RgbImage> images, Video video, Tokenizer tokenizer,
                                 ImageProcessor imageProcessor, VideoProcessor videoProcessor) {
        return prepare(messages, images, video, tokenizer, imageProcessor, videoProcessor, ChatTemplate.BUILT_IN);
    }

    /**
     * Prepares {@code messages} with {@code images} (each referenced exactly once by index from the messages; they
     * are fed to the model in the order the references appear) and at most one {@code video}, rendered by
     * {@code template} (the checkpoint's own or the built-in one). Mixing images and a video is rejected, as the
     * reference does.
     */
    public static Prompt prepare(List<ChatTemplate.Message> messages, List<RgbImage> images, Video video, Tokenizer tokenizer,
                                 ImageProcessor imageProcessor, VideoProcessor videoProcessor, ChatRenderer template) {
        if (!images.isEmpty() && video != null)
            throw new IllegalArgumentException("a request may carry images or one video, not both (GLM-4.1V does not support mixing them)");
        List<ChatTemplate.Piece> pieces = template.pieces(messages, true);
        List<Integer> imageOrder = new ArrayList<>();
        int videoRefs = 0;
        for (ChatTemplate.Piece p : pieces) {
            if (p instanceof ChatTemplate.ImageSlot s) {
                if (s.index() < 0 || s.index() >= images.size())
                    throw new IllegalArgumentException("the messages reference image " + s.index() + " but " + images.size() + " were given");
                if (imageOrder.contains(s.index())) throw new IllegalArgumentException("image " + s.index() + " is referenced twice");
                imageOrder.add(s.index());
            }
            if (p instanceof ChatTemplate.VideoSlot s) {
                if (s.index() != 0 || video == null) throw new IllegalArgumentException("the messages reference video " + s.index()
                        + " but " + (video == null ? "none was" : "only video 0 was") + " given");
                videoRefs++;
            }
        }
        if (imageOrder.size() != images.size())
            throw new IllegalArgumentException(images.size() + " images were given but the messages reference " + imageOrder.size());
        if (video != null && videoRefs != 1)
            throw new IllegalArgumentException("the video must be referenced exactly once, found " + videoRefs);
        int imageToken = tokenizer.tokenId("<|image|>");
        if (imageToken < 0) throw new IllegalArgumentException("the tokenizer has no <|image|> token");

        List<RgbImage> ordered = new ArrayList<>();
        for (int i : imageOrder) ordered.add(images.get(i));
        Patches imagePatches = ordered.isEmpty() ? null : imageProcessor.process(ordered);
        VideoProcessor.Result videoResult = video == null ? null : videoProcessor.process(video);
        int merge2 = imageProcessor.config().mergeSize() * imageProcessor.config().mergeSize();

        List<Integer> ids = new ArrayList<>();
        List<Tokenizer.Chunk> pending = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int image = 0;
        for (ChatTemplate.Piece p : pieces) {
            switch (p) {
                case ChatTemplate.Markup m -> {
                    pending.add(new Tokenizer.Chunk(m.text(), true));
                    text.append(m.text());
                }
                case ChatTemplate.Content c -> {
                    pending.add(new Tokenizer.Chunk(c.text(), false));
                    text.append(c.text());
                }
                case ChatTemplate.ImageSlot s -> {
                    int[] g = imagePatches.grids().get(image++);
                    flush(tokenizer, pending, ids);
                    placeholders(ids, text, imageToken, g[0] * g[1] * g[2] / merge2);
                }
                case ChatTemplate.VideoSlot s -> {
                    int[] g = videoResult.patches().grids().get(0);
                    for (int t = 0; t < g[0]; t++) {
                        pending.add(new Tokenizer.Chunk("<|begin_of_image|>", true));
                        text.append("<|begin_of_image|>");
                        flush(tokenizer, pending, ids);
                        placeholders(ids, text, imageToken, g[1] * g[2] / merge2);
                        String stamp = Integer.toString(videoResult.timestampSeconds(t));
                        pending.add(new Tokenizer.Chunk("<|end_of_image|>", true));
                        pending.add(new Tokenizer.Chunk(stamp, false));
                        text.append("<|end_of_image|>").append(stamp);
                    }
                }
            }
        }
        flush(tokenizer, pending, ids);
        return new Prompt(ids.stream().mapToInt(Integer::intValue).toArray(), imagePatches,
                videoResult == null ? null : videoResult.patches(), text.toString());
    }

    private static void flush(Tokenizer tokenizer, List<Tokenizer.Chunk> pending, List<Integer> ids) {
        for (int id : tokenizer.encode(pending)) ids.add(id);
        pending.clear();
    }

    private static void placeholders(List<Integer> ids, StringBuilder text, int imageToken, int count) {
        for (int i = 0; i < count; i++) ids.add(imageToken);
        text.append("<|image|>".repeat(count));
    }

    /** Image grids in order (empty without images). */
    public List<int[]> imageGrids() { return images == null ? List.of() : images.grids(); }

    /** Video grids (empty without a video). */
    public List<int[]> videoGrids() { return video == null ? List.of() : video.grids(); }
}
