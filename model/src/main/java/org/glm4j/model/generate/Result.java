package org.glm4j.model.generate;

import java.util.List;

/**
 * What a generation produced.
 *
 * @param promptIds    the prompt's token ids
 * @param generatedIds generated ids, without the stop token
 * @param text         the decoded generated text (tags included)
 * @param thinking     text inside {@code <think>…</think>}
 * @param answer       the answer text, tags removed
 * @param boxes        {@code <|begin_of_box|>} contents
 * @param actions      GUI actions parsed from the boxes
 * @param stop         why generation ended
 * @param stats        timings
 */
public record Result(int[] promptIds, int[] generatedIds, String text, String thinking, String answer, List<String> boxes,
                     List<GuiAction> actions, Stop stop, Stats stats) {
    /** Why generation ended. */
    public enum Stop { STOP_TOKEN, MAX_TOKENS, CANCELLED }

    /**
     * @param prefillMs  prompt processing, vision encode included (time to first token, less sampling)
     * @param visionMs   vision encode alone (0 without images)
     * @param decodeMs   all decode steps
     */
    public record Stats(int promptTokens, int generatedTokens, double prefillMs, double visionMs, double decodeMs) {
        public double prefillTokensPerSecond() { return prefillMs <= 0 ? 0 : promptTokens * 1000.0 / prefillMs; }

        public double decodeMsPerToken() { return generatedTokens <= 1 ? 0 : decodeMs / (generatedTokens - 1); }
    }
}
