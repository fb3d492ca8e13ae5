package org.glm4j.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated ids into text deltas one token at a time, never splitting a UTF-8 sequence: bytes of an
 * incomplete character are held until the token that completes it arrives. Not thread-safe (one per generation).
 */
public final class StreamDecoder {
    private final Tokenizer tokenizer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    StreamDecoder(Tokenizer tokenizer) { this.tokenizer = tokenizer; }

    /** The text completed by {@code id} (possibly empty). */
    public String next(int id) {
        tokenizer.appendBytes(id, pending);
        byte[] b = pending.toByteArray();
        int complete = completePrefix(b);
        pending.reset();
        pending.write(b, complete, b.length - complete);
        return new String(b, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is still held (an incomplete sequence becomes U+FFFD). */
    public String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix that does not end inside a UTF-8 sequence. */
    static int completePrefix(byte[] b) {
        int n = b.length, i = n - 1, back = 0;
        while (i >= 0 && back < 3 && (b[i] & 0xC0) == 0x80) { i--; back++; }
        if (i < 0) return n;
        int lead = b[i] & 0xff, need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return need > n - i ? i : n;
    }
}
