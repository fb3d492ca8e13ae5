package org.glm4j.model.tokenizer.template;

import java.util.BitSet;

/**
 * A template string value that remembers, per character, whether it came from message content (data the user
 * typed) or from the template and its markup. The renderer keeps that provenance through concatenation, slicing,
 * stripping, splitting and replacing, so the caller can tokenize content as plain text (a user typing
 * {@code <|assistant|>} gets text) while template markup keeps its special tokens. Operations that cannot track
 * positions mark the whole result as content when any input character was content.
 *
 * <p>Indices are Python's: code points, not UTF-16 units.
 */
public final class Str implements Comparable<Str> {
    static final Str EMPTY = new Str("", null);

    final String text;
    /** Content characters by UTF-16 index; null when none is content. */
    final BitSet content;

    private Str(String text, BitSet content) {
        this.text = text;
        this.content = content == null || content.isEmpty() ? null : content;
    }

    /** Template text: special tokens in it are real. */
    public static Str markup(String text) { return text.isEmpty() ? EMPTY : new Str(text, null); }

    /** Message content: tokenized as plain text. */
    public static Str content(String text) {
        if (text.isEmpty()) return EMPTY;
        BitSet b = new BitSet(text.length());
        b.set(0, text.length());
        return new Str(text, b);
    }

    /** The text. */
    public String text() { return text; }

    /** Whether any character came from content. */
    public boolean hasContent() { return content != null; }

    /** Whether UTF-16 index {@code i} came from content. */
    public boolean isContent(int i) { return content != null && content.get(i); }

    int length() { return text.length(); }

    /** Length in code points (Python's {@code len}). */
    int pyLength() { return text.codePointCount(0, text.length()); }

    static Str of(String text, boolean content) { return content ? content(text) : markup(text); }

    /** {@code text} marked as content when any of {@code sources} has content. */
    static Str derived(String text, Str... sources) {
        for (Str s : sources) if (s != null && s.hasContent()) return content(text);
        return markup(text);
    }

    /** UTF-16 range {@code [from, to)}. */
    Str sub(int from, int to) {
        if (from == 0 && to == text.length()) return this;
        if (from >= to) return EMPTY;
        return new Str(text.substring(from, to), content == null ? null : content.get(from, to));
    }

    Str concat(Str other) {
        if (other.text.isEmpty()) return this;
        if (text.isEmpty()) return other;
        BitSet b = null;
        if (content != null || other.content != null) {
            b = content == null ? new BitSet() : (BitSet) content.clone();
            if (other.content != null)
                for (int i = other.content.nextSetBit(0); i >= 0; i = other.content.nextSetBit(i + 1)) b.set(text.length() + i);
        }
        return new Str(text + other.text, b);
    }

    /** Builds strings with provenance. */
    static final class Builder {
        private final StringBuilder sb = new StringBuilder();
        private BitSet content;
        private final long cap;

        Builder(long cap) { this.cap = cap; }

        Builder append(Str s) {
            if (sb.length() + (long) s.text.length() > cap)
                throw new Values.Fail("rendered text exceeds " + cap + " characters");
            if (s.content != null) {
                if (content == null) content = new BitSet();
                int base = sb.length();
                for (int i = s.content.nextSetBit(0); i >= 0; i = s.content.nextSetBit(i + 1)) content.set(base + i);
            }
            sb.append(s.text);
            return this;
        }

        int length() { return sb.length(); }

        Str build() { return new Str(sb.toString(), content); }
    }

    /** A run of characters with one provenance. */
    public record Segment(String text, boolean content) {}

    /** The text as maximal runs of markup and content, in order. */
    public java.util.List<Segment> segments() {
        java.util.List<Segment> out = new java.util.ArrayList<>();
        if (content == null) {
            if (!text.isEmpty()) out.add(new Segment(text, false));
            return out;
        }
        int i = 0;
        while (i < text.length()) {
            boolean c = content.get(i);
            int j = c ? content.nextClearBit(i) : content.nextSetBit(i);
            if (j < 0 || j > text.length()) j = text.length();
            out.add(new Segment(text.substring(i, j), c));
            i = j;
        }
        return out;
    }

    @Override public boolean equals(Object o) { return o instanceof Str s && s.text.equals(text); }

    @Override public int hashCode() { return text.hashCode(); }

    /** Python's ordering: by code point. */
    @Override public int compareTo(Str o) {
        int i = 0, j = 0;
        while (i < text.length() && j < o.text.length()) {
            int a = text.codePointAt(i), b = o.text.codePointAt(j);
            if (a != b) return Integer.compare(a, b);
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(text.length() - i, o.text.length() - j);
    }

    @Override public String toString() { return text; }
}
