package org.glm4j.model.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, BMP, GIF (first frame) and WebP (TwelveMonkeys' ImageIO plug-in) into {@link RgbImage} as Pillow's {@code convert("RGB")} does:
 * alpha dropped without compositing, grey replicated, palette looked up, 16-bit samples reduced to their high
 * byte — reading raster samples directly so that no colour-space conversion changes the values. The size is read
 * from the header and checked against a cap before any pixel is decoded. Then, as transformers' {@code load_image}
 * does with {@code ImageOps.exif_transpose}, the EXIF (or XMP) orientation is applied ({@link ExifOrientation}).
 */
public final class ImageDecoder {
    /** Default cap on decoded pixels (width × height). */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;    // Pillow's decompression-bomb limit × 2

    private final long maxPixels;
    private final boolean exifOrientation;

    /** The default cap, EXIF orientation applied. */
    public ImageDecoder() { this(DEFAULT_MAX_PIXELS); }

    /** A cap on decoded pixels, EXIF orientation applied. */
    public ImageDecoder(long maxPixels) { this(maxPixels, true); }

    /** {@code exifOrientation}: apply the EXIF/XMP orientation as transformers' {@code load_image} does. */
    public ImageDecoder(long maxPixels, boolean exifOrientation) {
        this.maxPixels = maxPixels;
        this.exifOrientation = exifOrientation;
    }

    /** Decodes a file; {@link IOException} names the file and why. */
    public RgbImage decode(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.getFileName().toString());
    }

    /** Decodes encoded bytes; {@code name} is used in messages. */
    public RgbImage decode(byte[] encoded, String name) throws IOException {
        int orientation = exifOrientation ? ExifOrientation.read(encoded, name) : 1;
        return ExifOrientation.apply(decodePixels(encoded, name), orientation);
    }

    private RgbImage decodePixels(byte[] encoded, String name) throws IOException {
        try (InputStream in = new ByteArrayInputStream(encoded); ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext())
                throw new IOException(name + ": not a recognised image (supported: PNG, JPEG, BMP, GIF, WebP)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0) throw new IOException(name + ": image has no pixels (" + w + "x" + h + ")");
                if (w * h > maxPixels)
                    throw new IOException(name + ": " + w + "x" + h + " = " + w * h + " pixels exceeds the decode cap of "
                            + maxPixels + " pixels");
                BufferedImage img = reader.read(0);
                return fromBufferedImage(img);
            } catch (RuntimeException e) {
                throw new IOException(name + ": corrupt or unsupported image: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** An RGB copy of a decoded image, taking raster samples as stored (no colour management). */
    public static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int bits = r.getSampleModel().getSampleSize(0);
        int shift = Math.max(0, bits - 8);
        if (img.getColorModel() instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int idx = r.getSample(x, y, 0), o = (y * w + x) * 3;
                    rgb[o] = (byte) icm.getRed(idx);
                    rgb[o + 1] = (byte) icm.getGreen(idx);
                    rgb[o + 2] = (byte) icm.getBlue(idx);
                }
            return new RgbImage(w, h, rgb);
        }
        boolean packed = img.getColorModel() instanceof java.awt.image.DirectColorModel;   // 565/555/888 packed pixels
        if (packed || img.getType() == BufferedImage.TYPE_INT_RGB || img.getType() == BufferedImage.TYPE_INT_ARGB
                || img.getType() == BufferedImage.TYPE_INT_BGR) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int p = img.getRGB(x, y), o = (y * w + x) * 3;
                    rgb[o] = (byte) (p >> 16);
                    rgb[o + 1] = (byte) (p >> 8);
                    rgb[o + 2] = (byte) p;
                }
            return new RgbImage(w, h, rgb);
        }
        int[] px = new int[bands];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                r.getPixel(x, y, px);
                int o = (y * w + x) * 3;
                if (bands < 3) {
                    // Pillow opens single-band 16-bit images as I;16 and clips to 255 on convert("RGB").
                    byte g = (byte) (bands == 1 && bits == 16 ? Math.min(px[0], 255) : px[0] >> shift);
                    rgb[o] = g;
                    rgb[o + 1] = g;
                    rgb[o + 2] = g;
                } else {
                    rgb[o] = (byte) (px[0] >> shift);
                    rgb[o + 1] = (byte) (px[1] >> shift);
                    rgb[o + 2] = (byte) (px[2] >> shift);
                }
            }
        return new RgbImage(w, h, rgb);
    }
}
