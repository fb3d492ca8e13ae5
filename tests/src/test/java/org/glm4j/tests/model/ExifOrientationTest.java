package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.RgbImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * EXIF orientation as transformers' {@code load_image} applies it through Pillow's {@code ImageOps.exif_transpose}.
 * The images and their EXIF blocks are written here; the expected grids and the corrupt-EXIF outcomes were checked
 * against Pillow 12.3 on the same bytes.
 */
class ExifOrientationTest {
    private static final short SHORT = 3, LONG = 4, RATIONAL = 5, BYTE = 1;

    /** Pixel (x, y) of the 3×2 test image has red value 1 + x + 3y. */
    private static BufferedImage grid() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++) img.setRGB(x, y, (1 + x + 3 * y) << 16);
        return img;
    }

    /** Red values, row by row. */
    private static int[][] reds(RgbImage img) {
        int[][] out = new int[img.height()][img.width()];
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) out[y][x] = img.get(x, y, 0);
        return out;
    }

    /** One IFD entry: tag, type, count and the 4-byte value field (or offset). */
    private record Entry(int tag, int type, long count, byte[] field) {}

    private static Entry orientation(int value) { return new Entry(274, SHORT, 1, shortField(value, ByteOrder.LITTLE_ENDIAN)); }

    private static byte[] shortField(int v, ByteOrder order) {
        return ByteBuffer.allocate(4).order(order).putShort((short) v).array();
    }

    private static byte[] intField(long v, ByteOrder order) {
        return ByteBuffer.allocate(4).order(order).putInt((int) v).array();
    }

    /** A TIFF block: header, IFD0 at {@code ifdOffset} with the entries, then {@code tail}. */
    private static byte[] tiff(ByteOrder order, long ifdOffset, byte[] tail, Entry... entries) {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 12 * entries.length + 4 + tail.length).order(order);
        b.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] { 'I', 'I', 42, 0 } : new byte[] { 'M', 'M', 0, 42 });
        b.putInt((int) ifdOffset).putShort((short) entries.length);
        for (Entry e : entries) b.putShort((short) e.tag).putShort((short) e.type).putInt((int) e.count).put(e.field);
        b.putInt(0).put(tail);
        return b.array();
    }

    private static byte[] tiff(Entry... entries) { return tiff(ByteOrder.LITTLE_ENDIAN, 8, new byte[0], entries); }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue()).array();
    }

    /** The PNG with {@code chunks} inserted before its first IDAT. */
    private static byte[] pngWith(byte[] png, byte[]... chunks) {
        int at = 8;
        while (!new String(png, at + 4, 4, StandardCharsets.ISO_8859_1).equals("IDAT"))
            at += 12 + ByteBuffer.wrap(png, at, 4).getInt();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, at);
        for (byte[] c : chunks) out.writeBytes(c);
        out.write(png, at, png.length - at);
        return out.toByteArray();
    }

    private static RgbImage decodePng(byte[]... chunks) throws IOException {
        return new ImageDecoder().decode(pngWith(encode(grid(), "png"), chunks), "test.png");
    }

    private static final int[][][] EXPECTED = {
        null,
        { { 1, 2, 3 }, { 4, 5, 6 } },                    // 1: as stored
        { { 3, 2, 1 }, { 6, 5, 4 } },                    // 2: mirrored
        { { 6, 5, 4 }, { 3, 2, 1 } },                    // 3: rotated 180°
        { { 4, 5, 6 }, { 1, 2, 3 } },                    // 4: flipped
        { { 1, 4 }, { 2, 5 }, { 3, 6 } },                // 5: transposed
        { { 4, 1 }, { 5, 2 }, { 6, 3 } },                // 6: rotated 90° clockwise
        { { 6, 3 }, { 5, 2 }, { 4, 1 } },                // 7: transversed
        { { 3, 6 }, { 2, 5 }, { 1, 4 } },                // 8: rotated 90° anticlockwise
    };

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8 })
    void pngExif_eachOrientationTransposesLikePillow(int orientation) throws Exception {
        RgbImage img = decodePng(pngChunk("eXIf", tiff(orientation(orientation))));
        assertArrayEquals(EXPECTED[orientation], reds(img));
    }

    @Test
    void jpegExif_rotatesTheDecodedPixels_bothByteOrders() throws Exception {
        BufferedImage src = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 16; x++) src.setRGB(x, y, (x * 15) << 16 | (y * 30) << 8 | 128);
        byte[] jpeg = encode(src, "jpg");
        RgbImage plain = new ImageDecoder().decode(jpeg, "plain.jpg");
        for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
            byte[] exif = tiff(order, 8, new byte[0], new Entry(274, SHORT, 1, shortField(6, order)));
            RgbImage rotated = new ImageDecoder().decode(jpegWithApp1(jpeg, exif), "exif.jpg");
            assertEquals(plain.height(), rotated.width());
            assertEquals(plain.width(), rotated.height());
            for (int y = 0; y < rotated.height(); y++)
                for (int x = 0; x < rotated.width(); x++)
                    for (int c = 0; c < 3; c++)                      // 6: out(x, y) = in(y, H-1-x)
                        assertEquals(plain.get(y, plain.height() - 1 - x, c), rotated.get(x, y, c), order + " at " + x + "," + y);
        }
    }

    /** The JPEG with an APP1 {@code Exif\0\0} segment holding {@code tiff} right after SOI. */
    private static byte[] jpegWithApp1(byte[] jpeg, byte[] tiff) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int length = 2 + 6 + tiff.length;
        out.writeBytes(new byte[] { (byte) 0xff, (byte) 0xe1, (byte) (length >> 8), (byte) length, 'E', 'x', 'i', 'f', 0, 0 });
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void webpExif_appliesOnlyWhenVp8xAnnouncesIt() throws Exception {
        Path file = Path.of(ExifOrientationTest.class.getResource("/images/image_0_280x196.webp").toURI());
        byte[] simple = Files.readAllBytes(file);
        RgbImage plain = new ImageDecoder().decode(simple, "plain.webp");
        byte[] exif = tiff(orientation(3));
        RgbImage rotated = new ImageDecoder().decode(extendedWebp(simple, 0x08, exif), "exif.webp");
        for (int y = 0; y < plain.height(); y += 7)
            for (int x = 0; x < plain.width(); x += 5)
                assertEquals(plain.get(plain.width() - 1 - x, plain.height() - 1 - y, 1), rotated.get(x, y, 1));
        RgbImage unflagged = new ImageDecoder().decode(extendedWebp(simple, 0x00, exif), "unflagged.webp");
        assertArrayEquals(plain.rgb(), unflagged.rgb(), "libwebp's demuxer ignores an EXIF chunk VP8X does not announce");
    }

    /** An extended WebP: VP8X (flags, 280×196 canvas), the simple file's VP8L chunk, then an EXIF chunk. */
    private static byte[] extendedWebp(byte[] simple, int flags, byte[] exif) {
        ByteBuffer vp8x = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        vp8x.put("VP8X".getBytes(StandardCharsets.ISO_8859_1)).putInt(10).put((byte) flags).put(new byte[3]);
        vp8x.put(new byte[] { (byte) 279, (byte) (279 >> 8), 0, (byte) 195, 0, 0 });
        ByteBuffer chunk = ByteBuffer.allocate(8 + exif.length + (exif.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        chunk.put("EXIF".getBytes(StandardCharsets.ISO_8859_1)).putInt(exif.length).put(exif);
        int bodyLength = 4 + vp8x.capacity() + (simple.length - 12) + chunk.capacity();
        ByteBuffer out = ByteBuffer.allocate(8 + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(bodyLength).put("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        out.put(vp8x.array()).put(simple, 12, simple.length - 12).put(chunk.array());
        return out.array();
    }

    @Test
    void malformedExif_isAnErrorOrIgnoredExactlyWherePillowIs() throws Exception {
        // Not a TIFF header, or a header cut short: Pillow raises, so does the decoder.
        IOException notTiff = assertThrows(IOException.class, () -> decodePng(pngChunk("eXIf", "XX*\0\b\0\0\0".getBytes(StandardCharsets.ISO_8859_1))));
        assertTrue(notTiff.getMessage().contains("test.png: corrupt EXIF: not a TIFF header"), notTiff.getMessage());
        IOException cut = assertThrows(IOException.class, () -> decodePng(pngChunk("eXIf", new byte[] { 'I', 'I', 42, 0 })));
        assertTrue(cut.getMessage().contains("TIFF header cut at 4 of 8 bytes"), cut.getMessage());

        // Pillow warns and goes on: IFD0 past the end, a truncated out-of-line value before the tag, an unknown type.
        int[][] upright = EXPECTED[1];
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", tiff(ByteOrder.LITTLE_ENDIAN, 1000, new byte[0], orientation(6))))));
        Entry truncated = new Entry(270, 2, 100, intField(900, ByteOrder.LITTLE_ENDIAN));
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", tiff(truncated, orientation(6))))));
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", tiff(new Entry(274, 99, 1, shortField(6, ByteOrder.LITTLE_ENDIAN)))))));
        // Values that select no transpose: 9, 0, BYTE-typed 6 (Pillow reads bytes), empty EXIF.
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", tiff(orientation(9))))));
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", tiff(orientation(0))))));
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", tiff(new Entry(274, BYTE, 1, new byte[] { 6, 0, 0, 0 }))))));
        assertArrayEquals(upright, reds(decodePng(pngChunk("eXIf", new byte[0]))));

        // Entries cut short after the orientation: what was read counts. LONG and whole rationals count too.
        byte[] cutAfter = java.util.Arrays.copyOf(tiff(orientation(6), orientation(3)), 8 + 2 + 12 + 5);
        assertArrayEquals(EXPECTED[6], reds(decodePng(pngChunk("eXIf", cutAfter))));
        assertArrayEquals(EXPECTED[8], reds(decodePng(pngChunk("eXIf", tiff(new Entry(274, LONG, 1, intField(8, ByteOrder.LITTLE_ENDIAN)))))));
        byte[] rational = tiff(ByteOrder.LITTLE_ENDIAN, 8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(12).putInt(2).array(),
                new Entry(274, RATIONAL, 1, intField(26, ByteOrder.LITTLE_ENDIAN)));
        assertArrayEquals(EXPECTED[6], reds(decodePng(pngChunk("eXIf", rational))));
        // A repeated tag keeps its last entry.
        assertArrayEquals(EXPECTED[3], reds(decodePng(pngChunk("eXIf", tiff(orientation(6), orientation(3))))));
    }

    @Test
    void xmpOrientation_countsOnlyWithoutAnExifOrientation() throws Exception {
        for (boolean compressed : new boolean[] { false, true }) {
            byte[] xmp = iTXt("XML:com.adobe.xmp", "<x:xmpmeta><rdf:Description tiff:Orientation=\"8\"/></x:xmpmeta>", compressed);
            assertArrayEquals(EXPECTED[8], reds(decodePng(xmp)), "compressed " + compressed);
            byte[] exifUpright = pngChunk("eXIf", tiff(orientation(1)));
            assertArrayEquals(EXPECTED[1], reds(decodePng(exifUpright, xmp)), "EXIF orientation 1 wins over XMP");
        }
    }

    private static byte[] iTXt(String key, String text, boolean compressed) {
        byte[] v = text.getBytes(StandardCharsets.UTF_8);
        if (compressed) {
            Deflater d = new Deflater();
            d.setInput(v);
            d.finish();
            byte[] buf = new byte[v.length + 64];
            v = java.util.Arrays.copyOf(buf, d.deflate(buf));
            d.end();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(new byte[] { 0, (byte) (compressed ? 1 : 0), 0, 0, 0 });
        body.writeBytes(v);
        return pngChunk("iTXt", body.toByteArray());
    }

    @Test
    void orientationCanBeSwitchedOff() throws Exception {
        byte[] png = pngWith(encode(grid(), "png"), pngChunk("eXIf", tiff(orientation(6))));
        assertArrayEquals(EXPECTED[1], reds(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false).decode(png, "raw.png")));
    }
}
