package org.glm4j.model.preprocess;

/**
 * torchvision's {@code resize(uint8 image, BICUBIC, antialias=True)} on CPU, which transformers' video processors
 * use for frames: PyTorch's native uint8 antialiased bicubic kernel ({@code aten/src/ATen/native/cpu/
 * UpSampleKernel.cpp}: {@code _compute_indices_min_size_weights_aa}, {@code _compute_index_ranges_int16_weights},
 * {@code basic_loop_aa_horizontal/vertical<uint8_t>}; the AVX2 kernel computes the same integers).
 *
 * <p>Like Pillow's resize it uses Keys' cubic with a = −0.5, support widened by the downscale factor, weights
 * normalised in double, the horizontal pass first into an 8-bit intermediate, then the vertical pass, and skips a
 * pass whose size does not change. It differs in the fixed point: the weights of an axis are rounded to int16 at
 * the largest precision at which the axis's largest weight still fits (about 15 bits, where Pillow uses 22), and
 * its cubic is evaluated as {@code ((a·x − 5a)·x + 8a)·x − 4a} on [1, 2). Results agree with Pillow's except for
 * one-level differences where a sum falls near a rounding boundary.
 */
public final class TorchResize {
    private TorchResize() {}

    /** The resized image; {@code src} is unchanged. */
    public static RgbImage bicubic(RgbImage src, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) throw new IllegalArgumentException("resize to " + outWidth + "x" + outHeight);
        boolean needH = outWidth != src.width(), needV = outHeight != src.height();
        if (!needH && !needV) return src;
        byte[] data = src.rgb();
        int w = src.width(), h = src.height();
        if (needH) {
            Axis ax = Axis.of(w, outWidth);
            byte[] mid = new byte[outWidth * h * 3];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < outWidth; x++)
                    for (int c = 0; c < 3; c++) {
                        int acc = 1 << (ax.precision - 1), k0 = x * ax.taps;
                        for (int k = 0; k < ax.size[x]; k++) acc += (data[(y * w + ax.start[x] + k) * 3 + c] & 0xff) * ax.weights[k0 + k];
                        mid[(y * outWidth + x) * 3 + c] = clamp(acc >> ax.precision);
                    }
            data = mid;
            w = outWidth;
        }
        if (needV) {
            Axis ax = Axis.of(h, outHeight);
            byte[] out = new byte[w * outHeight * 3];
            for (int y = 0; y < outHeight; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++) {
                        int acc = 1 << (ax.precision - 1), k0 = y * ax.taps;
                        for (int k = 0; k < ax.size[y]; k++) acc += (data[((ax.start[y] + k) * w + x) * 3 + c] & 0xff) * ax.weights[k0 + k];
                        out[(y * w + x) * 3 + c] = clamp(acc >> ax.precision);
                    }
            data = out;
            h = outHeight;
        }
        return new RgbImage(w, h, data);
    }

    private static byte clamp(int v) { return (byte) Math.max(0, Math.min(255, v)); }

    /** {@code HelperInterpCubic::aa_filter}: {@code cubic_convolution1} and {@code cubic_convolution2} with a = −0.5. */
    static double filter(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2.0) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0.0;
    }

    /** One axis: per output index the first input index and tap count, int16 weights, and their precision in bits. */
    record Axis(int[] start, int[] size, int[] weights, int taps, int precision) {
        static Axis of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double support = scale >= 1.0 ? 2.0 * scale : 2.0;
            int taps = (int) Math.ceil(support) * 2 + 1;
            double invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
            int[] start = new int[outSize], size = new int[outSize];
            double[] w = new double[outSize * taps];
            double wtMax = 0.0;
            for (int i = 0; i < outSize; i++) {
                double center = scale * (i + 0.5);
                long xmin = Math.max((long) (center - support + 0.5), 0L);
                long xsize = Math.min((long) (center + support + 0.5), inSize) - xmin;
                xsize = Math.max(0, Math.min(xsize, taps));
                double total = 0.0;
                for (int j = 0; j < xsize; j++) {
                    double v = filter((j + xmin - center + 0.5) * invScale);
                    w[i * taps + j] = v;
                    total += v;
                }
                if (total != 0.0)
                    for (int j = 0; j < xsize; j++) {
                        w[i * taps + j] /= total;
                        wtMax = Math.max(wtMax, w[i * taps + j]);
                    }
                start[i] = (int) xmin;
                size[i] = (int) xsize;
            }
            int precision;
            for (precision = 0; precision < 22; precision++)
                if ((int) (0.5 + wtMax * (1 << (precision + 1))) >= (1 << 15)) break;
            int[] fixed = new int[w.length];
            for (int k = 0; k < w.length; k++) {
                double v = w[k] * (1 << precision);
                fixed[k] = (short) (v < 0 ? (int) (-0.5 + v) : (int) (0.5 + v));
            }
            return new Axis(start, size, fixed, taps, precision);
        }
    }
}
