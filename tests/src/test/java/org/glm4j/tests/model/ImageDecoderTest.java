package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.tests.golden.GoldenCases;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    @Test
    void webp_decodesToThePngsPixels() throws Exception {
        Path png = GoldenCases.dir(GoldenCases.IMAGE).resolve("image_0_280x196.png");
        Path webp = Path.of(ImageDecoderTest.class.getResource("/images/image_0_280x196.webp").toURI());
        ImageDecoder d = new ImageDecoder();
        RgbImage a = d.decode(png), b = d.decode(webp);
        assertEquals(a.width(), b.width());
        assertArrayEquals(a.rgb(), b.rgb());
    }

    @Test
    void greyAlphaAndPalette_convertLikePillow() throws Exception {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 77);
        RgbImage g = new ImageDecoder().decode(encode(grey, "png"), "grey.png");
        assertEquals(77, g.get(1, 0, 0));
        assertEquals(77, g.get(1, 0, 2));                         // raw sample, no gamma conversion

        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x10_20_30_40);                           // alpha 0x10 is dropped, not composited
        RgbImage c = new ImageDecoder().decode(encode(argb, "png"), "alpha.png");
        assertArrayEquals(new int[] { 0x20, 0x30, 0x40 }, new int[] { c.get(0, 0, 0), c.get(0, 0, 1), c.get(0, 0, 2) });
    }

    @Test
    void hugeOrCorruptImages_failBeforeDecoding() throws Exception {
        BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        IOException big = assertThrows(IOException.class, () -> new ImageDecoder(5_000).decode(encode(img, "png"), "big.png"));
        assertTrue(big.getMessage().contains("exceeds the decode cap"), big.getMessage());
        IOException junk = assertThrows(IOException.class, () -> new ImageDecoder().decode(new byte[] { 1, 2, 3, 4 }, "junk.bin"));
        assertTrue(junk.getMessage().contains("not a recognised image"), junk.getMessage());
        byte[] png = encode(img, "png");
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 3);
        assertThrows(IOException.class, () -> new ImageDecoder().decode(truncated, "cut.png"));
    }
}
