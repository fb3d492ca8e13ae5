package org.glm4j.model.generate;

import java.util.List;

/** Receives each generated token as it is produced, on the generating thread. */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param id       the token id, or −1 for text held back until the end (an incomplete UTF-8 sequence or tag)
     * @param text     the text it completes (possibly empty while a UTF-8 sequence is incomplete)
     * @param segments that text split by channel (thinking, answer, box), tags removed
     */
    void onToken(int id, String text, List<OutputParser.Segment> segments);

    /** A listener that ignores tokens. */
    TokenListener NONE = (id, text, segments) -> { };
}
