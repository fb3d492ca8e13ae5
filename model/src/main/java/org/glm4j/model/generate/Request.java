package org.glm4j.model.generate;

import java.util.ArrayList;
import java.util.List;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.tokenizer.ChatTemplate;

/**
 * A conversation to answer: messages (the last one the user's), the images they reference by index, and at most
 * one video. Earlier assistant turns should carry only their answer text (the thinking dropped), as the
 * official scripts do.
 */
public record Request(List<ChatTemplate.Message> messages, List<RgbImage> images, Video video) {
    public Request {
        messages = List.copyOf(messages);
        images = List.copyOf(images);
        if (messages.isEmpty()) throw new IllegalArgumentException("a request needs at least one message");
    }

    /** One user turn: the images first, then the text (the order the official demos use). */
    public static Request of(String text, List<RgbImage> images) {
        List<ChatTemplate.Part> parts = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) parts.add(new ChatTemplate.Image(i));
        parts.add(new ChatTemplate.Text(text));
        return new Request(List.of(ChatTemplate.Message.user(parts)), images, null);
    }

    /** One user turn about a video. */
    public static Request ofVideo(String text, Video video) {
        return new Request(List.of(ChatTemplate.Message.user(List.of(new ChatTemplate.VideoClip(0), new ChatTemplate.Text(text)))),
                List.of(), video);
    }
}
