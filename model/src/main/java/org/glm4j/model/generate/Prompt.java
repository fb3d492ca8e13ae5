package org.glm4j.model.generate;

import java.util.List;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.Patches;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.tokenizer.ChatTemplate;
import org.glm4j.model.tokenizer.Tokenizer;

/**
 * A request made ready for the model, as transformers' {@code Glm4vProcessor} does: the chat template rendered,
 * each {@code <|image|>} expanded to {@code h·w/4} copies, each {@code <|video|>} to one
 * {@code <|begin_of_image|>…<|end_of_image|>} group per temporal patch followed by its timestamp in seconds
 * (spec §5, §6.5), then tokenized; and the pixels preprocessed.
 *
 * @param ids    prompt token ids
 * @param images image patch rows (null without images)
 * @param video  video patch rows (null without a video)
 * @param text   the expanded prompt string
 */
public record Prompt(int[] ids, Patches images, Patches video, String text) {

    /**
     * Prepares {@code messages} with {@code images} (referenced by index from the messages) and at most one
     * {@code video}. Mixing images and a video is rejected, as the reference does.
     */
    public static Prompt prepare(List<ChatTemplate.Message> messages, List<RgbImage> images, Video video, Tokenizer tokenizer,
                                 ImageProcessor imageProcessor, VideoProcessor videoProcessor) {
        if (!images.isEmpty() && video != null)
            throw new IllegalArgumentException("a request may carry images or one video, not both (GLM-4.1V does not support mixing them)");
        int imageRefs = 0, videoRefs = 0;
        for (ChatTemplate.Message m : messages)
            for (ChatTemplate.Part p : m.content()) {
                if (p instanceof ChatTemplate.Image) imageRefs++;
                if (p instanceof ChatTemplate.VideoClip) videoRefs++;
            }
        if (imageRefs != images.size())
            throw new IllegalArgumentException("the messages reference " + imageRefs + " images but " + images.size() + " were given");
        if (videoRefs != (video == null ? 0 : 1))
            throw new IllegalArgumentException("the messages reference " + videoRefs + " videos but " + (video == null ? 0 : 1) + " was given");
        String rendered = ChatTemplate.render(messages, true);
        Patches imagePatches = images.isEmpty() ? null : imageProcessor.process(images);
        VideoProcessor.Result videoResult = video == null ? null : videoProcessor.process(video);
        int merge2 = imageProcessor.config().mergeSize() * imageProcessor.config().mergeSize();

        StringBuilder sb = new StringBuilder();
        int image = 0;
        for (int i = 0; i < rendered.length(); ) {
            if (rendered.startsWith("<|image|>", i)) {
                int[] g = imagePatches.grids().get(image++);
                sb.append("<|image|>".repeat(g[0] * g[1] * g[2] / merge2));
                i += "<|image|>".length();
            } else if (rendered.startsWith("<|video|>", i)) {
                int[] g = videoResult.patches().grids().get(0);
                for (int t = 0; t < g[0]; t++)
                    sb.append("<|begin_of_image|>").append("<|image|>".repeat(g[1] * g[2] / merge2)).append("<|end_of_image|>")
                            .append(videoResult.timestampSeconds(t));
                i += "<|video|>".length();
            } else {
                sb.append(rendered.charAt(i++));
            }
        }
        String text = sb.toString();
        return new Prompt(tokenizer.encode(text), imagePatches, videoResult == null ? null : videoResult.patches(), text);
    }

    /** Image grids in order (empty without images). */
    public List<int[]> imageGrids() { return images == null ? List.of() : images.grids(); }

    /** Video grids (empty without a video). */
    public List<int[]> videoGrids() { return video == null ? List.of() : video.grids(); }
}
