package org.glm4j.model.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the streamed text of a GLM-4.1V-Thinking answer into channels as it arrives:
 * {@code <think>…</think>} is {@link Channel#THINKING}, {@code <answer>…</answer>} is {@link Channel#ANSWER}, and
 * {@code <|begin_of_box|>…<|end_of_box|>} is {@link Channel#BOX} (also collected as whole boxes). Tags may be
 * split across deltas: a possible tag prefix is held back until it is decided. Text outside any tag is
 * {@link Channel#ANSWER} too (Base models answer without tags). Not thread-safe.
 */
public final class OutputParser {
    /** Where a piece of text belongs. */
    public enum Channel { THINKING, ANSWER, BOX }

    /** A piece of text in one channel. */
    public record Segment(Channel channel, String text) {}

    private static final String[] TAGS = { "<think>", "</think>", "<answer>", "</answer>", "<|begin_of_box|>", "<|end_of_box|>" };

    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder(), answer = new StringBuilder(), box = new StringBuilder();
    private final List<String> boxes = new ArrayList<>();
    private boolean inThink, inBox;

    /** Feeds a text delta; returns the segments it completes (tags themselves are not emitted). */
    public List<Segment> accept(String delta) {
        pending.append(delta);
        List<Segment> out = new ArrayList<>();
        int i = 0;
        StringBuilder run = new StringBuilder();
        while (i < pending.length()) {
            char c = pending.charAt(i);
            if (c == '<') {
                String tag = null;
                boolean partial = false;
                for (String t : TAGS) {
                    int n = Math.min(t.length(), pending.length() - i);
                    if (pending.substring(i, i + n).equals(t.substring(0, n))) {
                        if (n == t.length()) tag = t;
                        else partial = true;
                    }
                }
                if (tag != null) {
                    flush(run, out);
                    apply(tag);
                    i += tag.length();
                    continue;
                }
                if (partial) break;                                    // wait for more text to decide
            }
            run.append(c);
            i++;
        }
        flush(run, out);
        pending.delete(0, i);
        return out;
    }

    /** Emits whatever is held back (end of generation). */
    public List<Segment> finish() {
        List<Segment> out = new ArrayList<>();
        StringBuilder run = new StringBuilder(pending);
        pending.setLength(0);
        flush(run, out);
        if (inBox && !box.isEmpty()) boxes.add(box.toString());
        return out;
    }

    private void apply(String tag) {
        switch (tag) {
            case "<think>" -> inThink = true;
            case "</think>" -> inThink = false;
            case "<|begin_of_box|>" -> {
                inBox = true;
                box.setLength(0);
            }
            case "<|end_of_box|>" -> {
                inBox = false;
                boxes.add(box.toString());
            }
            default -> { }
        }
    }

    private void flush(StringBuilder run, List<Segment> out) {
        if (run.isEmpty()) return;
        String s = run.toString();
        run.setLength(0);
        Channel ch = inThink ? Channel.THINKING : inBox ? Channel.BOX : Channel.ANSWER;
        switch (ch) {
            case THINKING -> thinking.append(s);
            case BOX -> {
                box.append(s);
                answer.append(s);
            }
            case ANSWER -> answer.append(s);
        }
        out.add(new Segment(ch, s));
    }

    /** All thinking text so far. */
    public String thinking() { return thinking.toString(); }

    /** All answer text so far (box contents included, tags removed). */
    public String answer() { return answer.toString(); }

    /** Completed {@code <|begin_of_box|>…<|end_of_box|>} contents, in order. */
    public List<String> boxes() { return List.copyOf(boxes); }
}
