package org.glm4j.model.preprocess;

/**
 * Pillow's {@code Image.resize(BICUBIC)} for 8-bit RGB, reproduced exactly (Pillow's {@code Resample.c}): Keys
 * cubic with a = −0.5, support widened by the downscale factor (antialiasing), coefficients normalised then
 * quantised to 22-bit fixed point, the horizontal pass first over the rows the vertical pass needs, an 8-bit
 * intermediate with rounding and clipping, then the vertical pass. A pass whose size does not change is skipped.
 */
public final class PillowResize {
    private PillowResize() {}

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** The resized image; {@code src} is unchanged. */
    public static RgbImage bicubic(RgbImage src, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) throw new IllegalArgumentException("resize to " + outWidth + "x" + outHeight);
        boolean needH = outWidth != src.width(), needV = outHeight != src.height();
        if (!needH && !needV) return src;
        Coefficients ch = needH ? Coefficients.of(src.width(), outWidth) : null;
        Coefficients cv = needV ? Coefficients.of(src.height(), outHeight) : null;

        // Rows of the source the vertical pass will read.
        int yFirst = 0, yLast = src.height();
        if (needV) {
            yFirst = cv.bounds[0];
            yLast = cv.bounds[(outHeight - 1) * 2] + cv.bounds[(outHeight - 1) * 2 + 1];
        }
        byte[] mid;
        int midWidth, midHeight;
        if (needH) {
            midWidth = outWidth;
            midHeight = yLast - yFirst;
            mid = new byte[midWidth * midHeight * 3];
            for (int y = 0; y < midHeight; y++) {
                int srcRow = (y + yFirst) * src.width() * 3;
                for (int x = 0; x < outWidth; x++) {
                    int xmin = ch.bounds[2 * x], xn = ch.bounds[2 * x + 1], k0 = x * ch.ksize;
                    for (int c = 0; c < 3; c++) {
                        int acc = 1 << (PRECISION_BITS - 1);
                        for (int k = 0; k < xn; k++) acc += (src.rgb()[srcRow + (xmin + k) * 3 + c] & 0xff) * ch.fixed[k0 + k];
                        mid[(y * midWidth + x) * 3 + c] = clip8(acc);
                    }
                }
            }
        } else {
            midWidth = src.width();
            midHeight = src.height();
            mid = src.rgb();
            yFirst = 0;
        }
        if (!needV) return new RgbImage(midWidth, midHeight, mid);
        byte[] out = new byte[outWidth * outHeight * 3];
        for (int y = 0; y < outHeight; y++) {
            int ymin = cv.bounds[2 * y] - yFirst, yn = cv.bounds[2 * y + 1], k0 = y * cv.ksize;
            for (int x = 0; x < midWidth; x++) {
                for (int c = 0; c < 3; c++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int k = 0; k < yn; k++) acc += (mid[((ymin + k) * midWidth + x) * 3 + c] & 0xff) * cv.fixed[k0 + k];
                    out[(y * outWidth + x) * 3 + c] = clip8(acc);
                }
            }
        }
        return new RgbImage(outWidth, outHeight, out);
    }

    private static byte clip8(int acc) {
        if (acc >= 1 << (PRECISION_BITS + 8)) return (byte) 255;
        if (acc <= 0) return 0;
        return (byte) (acc >> PRECISION_BITS);
    }

    private static double filter(double x) {
        final double a = -0.5;
        if (x < 0) x = -x;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /** Per output index: first input index and tap count ({@code bounds}), and fixed-point weights. */
    private record Coefficients(int ksize, int[] bounds, int[] fixed) {
        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = 2.0 * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] fixed = new int[outSize * ksize];
            double[] w = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) xmin = 0;
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) xmax = inSize;
                xmax -= xmin;
                double total = 0;
                for (int x = 0; x < xmax; x++) {
                    double v = filter((x + xmin - center + 0.5) * ss);
                    w[x] = v;
                    total += v;
                }
                for (int x = 0; x < xmax; x++) {
                    double v = total != 0 ? w[x] / total : w[x];
                    fixed[xx * ksize + x] = (int) (v < 0 ? v * (1 << PRECISION_BITS) - 0.5 : v * (1 << PRECISION_BITS) + 0.5);
                }
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(ksize, bounds, fixed);
        }
    }
}
