package org.glm4j.model.preprocess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The orientation Pillow's {@code ImageOps.exif_transpose} (which transformers' {@code load_image} applies before
 * {@code convert("RGB")}) reads from an encoded image, and the transpose it applies.
 *
 * <p>Where the EXIF block comes from, as Pillow 12 reads it: JPEG, every APP1 segment starting {@code Exif\0\0}
 * (later ones appended without their prefix); PNG, the last {@code eXIf} chunk or {@code tEXt "exif"}; WebP, the
 * first {@code EXIF} chunk of an extended (VP8X) file whose flags announce it. IFD0 tag 274 decides: SHORT, LONG, signed, float and rational values whose first value
 * equals 2–8 select a transpose, any other present value (1, 9, a string, BYTE/UNDEFINED bytes, a zero denominator)
 * selects none. Without tag 274 the XMP packet decides ({@code tiff:Orientation="N"} or {@code >N}, the first
 * match): PNG text chunks keyed {@code XML:com.adobe.xmp}, JPEG's XMP APP1, WebP's {@code XMP } chunk.
 *
 * <p>Corrupt EXIF behaves as in Pillow: a block that is not a TIFF header, a header shorter than 8 bytes and
 * little-endian BigTIFF make Pillow raise, so they are an {@link IOException} here; an IFD that runs past the data
 * keeps the entries read so far, an out-of-line value past the data stops reading at that entry, entries of
 * unknown type or zero count are skipped, and a repeated tag keeps its last entry (Pillow warns and goes on).
 * Bounded: every offset is checked against the block, nothing is allocated from a declared size.
 */
public final class ExifOrientation {
    /** The EXIF Orientation tag (0x0112). */
    public static final int TAG = 274;

    private static final int MAX_TEXT = 1 << 20;               // Pillow's MAX_TEXT_CHUNK for compressed text
    private static final Pattern XMP = Pattern.compile("tiff:Orientation(=\"|>)([0-9])");

    private ExifOrientation() {}

    /**
     * The orientation to apply, 1–8 (1: none), of an encoded image; formats without EXIF (BMP, GIF, unknown bytes)
     * give 1. Throws where Pillow's {@code exif_transpose} raises, naming {@code name} and the problem.
     */
    public static int read(byte[] file, String name) throws IOException {
        Sources s;
        if (file.length >= 3 && (file[0] & 0xff) == 0xff && (file[1] & 0xff) == 0xd8) s = jpeg(file);
        else if (file.length >= 8 && startsWith(file, 0, PNG_SIGNATURE)) s = png(file, name);
        else if (file.length >= 12 && startsWith(file, 0, "RIFF".getBytes(StandardCharsets.ISO_8859_1))
                && startsWith(file, 8, "WEBP".getBytes(StandardCharsets.ISO_8859_1))) s = webp(file);
        else return 1;
        Integer fromExif = s.exif == null ? null : tiffOrientation(s.exif, name);
        if (fromExif != null) return fromExif;
        String xmp = s.xmpText != null && !s.xmpText.isEmpty() ? s.xmpText
                : s.xmp != null && s.xmp.length > 0 ? new String(s.xmp, StandardCharsets.ISO_8859_1) : null;
        if (xmp != null) {
            Matcher m = XMP.matcher(xmp);
            if (m.find()) return usable(m.group(2).charAt(0) - '0');
        }
        return 1;
    }

    /** {@code img} transposed for {@code orientation} as Pillow's {@code Image.transpose} does (1 returns it). */
    public static RgbImage apply(RgbImage img, int orientation) {
        if (orientation < 2 || orientation > 8) return img;
        int w = img.width(), h = img.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        byte[] src = img.rgb(), out = new byte[src.length];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                int sx, sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }                 // FLIP_LEFT_RIGHT
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }         // ROTATE_180
                    case 4 -> { sx = x; sy = h - 1 - y; }                 // FLIP_TOP_BOTTOM
                    case 5 -> { sx = y; sy = x; }                         // TRANSPOSE
                    case 6 -> { sx = y; sy = h - 1 - x; }                 // ROTATE_270 (90° clockwise)
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }         // TRANSVERSE
                    default -> { sx = w - 1 - y; sy = x; }                // 8: ROTATE_90 (90° anticlockwise)
                }
                System.arraycopy(src, (sy * w + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        return new RgbImage(ow, oh, out);
    }

    private static int usable(int v) { return v >= 2 && v <= 8 ? v : 1; }

    /** The metadata blocks a file carries, as Pillow's plug-ins put them into {@code info}. */
    private static final class Sources {
        byte[] exif;
        byte[] xmp;
        String xmpText;
    }

    private static final byte[] PNG_SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    private static final byte[] EXIF_PREFIX = { 'E', 'x', 'i', 'f', 0, 0 };
    private static final byte[] XMP_PREFIX = "http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.ISO_8859_1);

    /** JPEG markers up to the first scan; a structure that breaks ends the walk (the decoder judges the file). */
    private static Sources jpeg(byte[] f) {
        Sources s = new Sources();
        ByteArrayOutputStream exif = null;
        int pos = 2;
        while (pos + 4 <= f.length) {
            if ((f[pos] & 0xff) != 0xff) break;
            int marker = f[pos + 1] & 0xff;
            if (marker == 0xff) { pos++; continue; }                       // fill byte
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { pos += 2; continue; }
            if (marker == 0xda || marker == 0xd9) break;                  // start of scan, end of image
            int length = ((f[pos + 2] & 0xff) << 8) | (f[pos + 3] & 0xff);
            if (length < 2 || pos + 2 + length > f.length) break;
            int start = pos + 4, n = length - 2;
            if (marker == 0xe1 && startsWith(f, start, n, EXIF_PREFIX)) {
                if (exif == null) {
                    exif = new ByteArrayOutputStream();
                    exif.write(f, start, n);
                } else {
                    exif.write(f, start + 6, n - 6);
                }
            } else if (marker == 0xe1 && startsWith(f, start, n, XMP_PREFIX)) {
                s.xmp = java.util.Arrays.copyOfRange(f, start + XMP_PREFIX.length, start + n);
            }
            pos += 2 + length;
        }
        if (exif != null) s.exif = exif.toByteArray();
        return s;
    }

    /** PNG chunks up to IEND (Pillow also reads the ones after the image data when it loads). */
    private static Sources png(byte[] f, String name) throws IOException {
        Sources s = new Sources();
        int pos = 8;
        while (pos + 8 <= f.length) {
            long length = u32be(f, pos);
            String type = new String(f, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > f.length - pos - 12L) break;                     // truncated: the decoder reports it
            int start = pos + 8, n = (int) length;
            switch (type) {
                case "eXIf" -> {
                    byte[] e = new byte[6 + n];
                    System.arraycopy(EXIF_PREFIX, 0, e, 0, 6);
                    System.arraycopy(f, start, e, 6, n);
                    s.exif = e;
                }
                case "tEXt" -> {
                    int nul = indexOf(f, start, start + n, (byte) 0);
                    int keyEnd = nul < 0 ? start + n : nul;
                    String key = new String(f, start, keyEnd - start, StandardCharsets.ISO_8859_1);
                    byte[] value = nul < 0 ? new byte[0] : java.util.Arrays.copyOfRange(f, nul + 1, start + n);
                    if (key.equals("exif")) s.exif = value;
                    else if (key.equals("XML:com.adobe.xmp")) s.xmpText = new String(value, StandardCharsets.ISO_8859_1);
                }
                case "iTXt" -> iTXt(f, start, n, s, name);
                default -> { }
            }
            if (type.equals("IEND")) break;
            pos += 12 + n;
        }
        return s;
    }

    /** Pillow's {@code chunk_iTXt}: compressed text is inflated up to 1 MiB, more is an error, a bad stream is ignored. */
    private static void iTXt(byte[] f, int start, int n, Sources s, String name) throws IOException {
        int end = start + n;
        int k = indexOf(f, start, end, (byte) 0);
        if (k < 0 || end - (k + 1) < 2) return;
        boolean xmpKey = new String(f, start, k - start, StandardCharsets.ISO_8859_1).equals("XML:com.adobe.xmp");
        int cf = f[k + 1] & 0xff, cm = f[k + 2] & 0xff;
        int lang = indexOf(f, k + 3, end, (byte) 0);
        if (lang < 0) return;
        int tk = indexOf(f, lang + 1, end, (byte) 0);
        if (tk < 0) return;
        byte[] v = java.util.Arrays.copyOfRange(f, tk + 1, end);
        if (cf != 0) {
            if (cm != 0) return;
            v = inflate(v, name);
            if (v == null) return;
        }
        if (!xmpKey) return;
        s.xmp = v;
        try {
            s.xmpText = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(v)).toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            // Pillow keeps the bytes under "xmp" but drops the text entry
        }
    }

    private static byte[] inflate(byte[] data, String name) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int got = inf.inflate(buf);
                if (got == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                out.write(buf, 0, got);
                if (out.size() > MAX_TEXT)
                    throw new IOException(name + ": a compressed PNG text chunk inflates past " + MAX_TEXT
                            + " bytes (Pillow's MAX_TEXT_CHUNK)");
            }
            return out.toByteArray();
        } catch (DataFormatException corrupt) {
            return null;
        } finally {
            inf.end();
        }
    }

    /**
     * WebP RIFF chunks as libwebp's demuxer hands them to Pillow: only the extended format (a leading VP8X chunk)
     * carries metadata, and only when VP8X's flags announce it (EXIF 0x08, XMP 0x04); the first chunk of each kind.
     */
    private static Sources webp(byte[] f) {
        Sources s = new Sources();
        long riffEnd = Math.min(f.length, 8 + u32le(f, 4));
        if (riffEnd < 12 + 8 + 10 || !new String(f, 12, 4, StandardCharsets.ISO_8859_1).equals("VP8X")) return s;
        int flags = f[20] & 0xff;
        int pos = 12;
        while (pos + 8 <= riffEnd) {
            String type = new String(f, pos, 4, StandardCharsets.ISO_8859_1);
            long size = u32le(f, pos + 4);
            if (size > riffEnd - pos - 8) break;
            int start = pos + 8, n = (int) size;
            if (type.equals("EXIF") && (flags & 0x08) != 0 && s.exif == null) s.exif = java.util.Arrays.copyOfRange(f, start, start + n);
            if (type.equals("XMP ") && (flags & 0x04) != 0 && s.xmp == null) s.xmp = java.util.Arrays.copyOfRange(f, start, start + n);
            pos = start + n + (n & 1);
        }
        return s;
    }

    /**
     * Tag 274 of IFD0 as Pillow's {@code Exif.load} and {@code ImageFileDirectory_v2} read it: null when absent (XMP
     * may then decide), else the orientation to apply (1 for values that select no transpose).
     */
    static Integer tiffOrientation(byte[] block, String name) throws IOException {
        int base = 0;
        while (startsWith(block, base, block.length - base, EXIF_PREFIX)) base += 6;
        int len = block.length - base;
        if (len == 0) return null;
        if (len < 4 || !tiffPrefix(block, base))
            throw new IOException(name + ": corrupt EXIF: not a TIFF header (" + hex(block, base, Math.min(len, 8))
                    + "); Pillow's exif_transpose fails on it too");
        if (len < 8)
            throw new IOException(name + ": corrupt EXIF: TIFF header cut at " + len + " of 8 bytes");
        if (block[base] == 'I' && block[base + 2] == 0x2b)
            throw new IOException(name + ": corrupt EXIF: BigTIFF in an EXIF block (Pillow cannot read it either)");
        boolean big = block[base] == 'M';
        long ifd = u32(block, base + 4, big);
        if (ifd > len - 2) return null;                                   // Pillow: "Corrupt EXIF data", no tags
        int pos = base + (int) ifd;
        int count = u16(block, pos, big);
        pos += 2;
        int type = -1;
        byte[] value = null;
        for (int i = 0; i < count; i++) {
            if (pos + 12 > block.length) break;                          // entries cut short: keep what was read
            int tag = u16(block, pos, big), typ = u16(block, pos + 2, big);
            long n = u32(block, pos + 4, big);
            int valueField = pos + 8;
            pos += 12;
            int unit = unitSize(typ);
            if (unit == 0) continue;                                      // unknown type: ignored
            long size = n * unit;
            byte[] data;
            if (size > 4) {
                long offset = u32(block, valueField, big);
                if (offset + size > len) break;                          // "Truncated File Read": stop reading
                data = java.util.Arrays.copyOfRange(block, base + (int) offset, base + (int) (offset + size));
            } else {
                data = java.util.Arrays.copyOfRange(block, valueField, valueField + (int) size);
            }
            if (data.length == 0) continue;
            if (tag == TAG) {
                type = typ;
                value = data;
            }
        }
        if (value == null) return null;
        return usable(firstValue(type, value, big));
    }

    private static boolean tiffPrefix(byte[] b, int at) {
        int b0 = b[at], b1 = b[at + 1], b2 = b[at + 2] & 0xff, b3 = b[at + 3] & 0xff;
        if (b0 == 'M' && b1 == 'M') return (b2 == 0 && (b3 == 0x2a || b3 == 0x2b)) || (b2 == 0x2a && b3 == 0);
        if (b0 == 'I' && b1 == 'I') return ((b2 == 0x2a || b2 == 0x2b) && b3 == 0) || (b2 == 0 && b3 == 0x2a);
        return false;
    }

    /** Bytes per value of each TIFF type Pillow loads (0: a type it skips). */
    private static int unitSize(int typ) {
        return switch (typ) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16 -> 8;
            default -> 0;
        };
    }

    /**
     * The first value as the orientation Pillow's dict lookup would match: integers as they are, floats and
     * rationals when they equal a whole number, anything else (BYTE and UNDEFINED bytes, ASCII text, NaN) as 0.
     */
    private static int firstValue(int typ, byte[] v, boolean big) {
        long whole;
        switch (typ) {
            case 3 -> whole = u16(v, 0, big);
            case 4, 13 -> whole = u32(v, 0, big);
            case 6 -> whole = v[0];
            case 8 -> whole = (short) u16(v, 0, big);
            case 9 -> whole = (int) u32(v, 0, big);
            case 16 -> whole = big ? java.nio.ByteBuffer.wrap(v, 0, 8).getLong()
                    : java.nio.ByteBuffer.wrap(v, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            case 11 -> { return wholeOf(Float.intBitsToFloat((int) u32(v, 0, big))); }
            case 12 -> {
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(v, 0, 8);
                if (!big) bb.order(java.nio.ByteOrder.LITTLE_ENDIAN);
                return wholeOf(bb.getDouble());
            }
            case 5, 10 -> {
                long num = u32(v, 0, big), den = u32(v, 4, big);
                if (typ == 10) {
                    num = (int) num;
                    den = (int) den;
                }
                if (den == 0 || num % den != 0) return 0;
                whole = num / den;
            }
            default -> { return 0; }                                      // BYTE, UNDEFINED: bytes; ASCII: text
        }
        return whole >= 0 && whole <= 8 ? (int) whole : 0;
    }

    private static int wholeOf(double d) {
        return d >= 0 && d <= 8 && d == Math.rint(d) ? (int) d : 0;
    }

    private static int u16(byte[] b, int at, boolean big) {
        return big ? ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff) : (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
    }

    private static long u32(byte[] b, int at, boolean big) {
        return big ? u32be(b, at) : u32le(b, at);
    }

    private static long u32be(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static long u32le(byte[] b, int at) {
        return ((long) (b[at + 3] & 0xff) << 24) | ((b[at + 2] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at] & 0xff);
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) { return startsWith(b, at, b.length - at, prefix); }

    private static boolean startsWith(byte[] b, int at, int available, byte[] prefix) {
        if (available < prefix.length || at + prefix.length > b.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[at + i] != prefix[i]) return false;
        return true;
    }

    private static int indexOf(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) if (b[i] == v) return i;
        return -1;
    }

    private static String hex(byte[] b, int at, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(String.format("%02x", b[at + i] & 0xff));
        return sb.toString();
    }
}
