package org.glm4j.model.preprocess;

/**
 * An 8-bit RGB image, row-major, channels interleaved ({@code rgb[(y·width + x)·3 + c]}).
 *
 * @param width  pixels per row
 * @param height rows
 * @param rgb    {@code width·height·3} bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size " + width + "x" + height + " is empty");
        if ((long) width * height * 3 != rgb.length)
            throw new IllegalArgumentException("image " + width + "x" + height + " needs " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
    }

    /** Channel {@code c} of pixel {@code (x, y)}, 0..255. */
    public int get(int x, int y, int c) { return rgb[(y * width + x) * 3 + c] & 0xff; }

    @Override public String toString() { return "RgbImage[" + width + "x" + height + "]"; }
}
