package org.glm4j.model.tokenizer;

/**
 * GPT-2's reversible byte ↔ printable-character map used by byte-level BPE: printable Latin-1 bytes map to
 * themselves, the other 68 bytes to U+0100 onwards, so every byte string is a string of "visible" characters.
 */
public final class ByteLevel {
    private ByteLevel() {}

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    /** The byte-level string of UTF-8 bytes. */
    public static String encode(byte[] utf8) {
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) out[i] = BYTE_TO_CHAR[utf8[i] & 0xff];
        return new String(out);
    }

    /** The byte of a byte-level character, or −1 when {@code c} is not one. */
    static int toByte(char c) { return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1; }

    /** The character for byte {@code b}. */
    public static char toChar(int b) { return BYTE_TO_CHAR[b & 0xff]; }
}
