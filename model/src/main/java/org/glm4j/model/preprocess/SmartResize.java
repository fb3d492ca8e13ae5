package org.glm4j.model.preprocess;

/**
 * GLM-4.1V's {@code smart_resize}: the size an image or video is resized to so both sides are multiples of
 * {@code factor} (28 = patch 14 × merge 2) and the pixel budget {@code t·h·w} lies within [min, max]. All
 * arithmetic in double; "round" is Python's round-half-to-even ({@link Math#rint}).
 */
public final class SmartResize {
    private SmartResize() {}

    /** The longest side may be at most this many times the shortest. */
    public static final double MAX_ASPECT_RATIO = 200;

    /**
     * Resized {@code {height, width}}.
     *
     * @param upscaleSmall when true, sides below {@code factor} are scaled up (later transformers); when false (the
     *                     reference glm4j matches by default) such inputs are rejected
     * @throws IllegalArgumentException with the reference's reason (too few frames, a side below the factor,
     *                                  an aspect ratio beyond 200)
     */
    public static int[] resize(int frames, int height, int width, int temporalFactor, int factor, long minPixels,
                               long maxPixels, boolean upscaleSmall) {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("image size " + width + "x" + height + " is empty");
        if (frames < temporalFactor)
            throw new IllegalArgumentException("t:" + frames + " must be larger than temporal_factor:" + temporalFactor);
        double h = height, w = width;
        if (height < factor || width < factor) {
            if (!upscaleSmall)
                throw new IllegalArgumentException("height:" + height + " or width:" + width + " must be larger than factor:" + factor);
            double s = Math.max((double) factor / h, (double) factor / w);
            h = Math.floor(h * s);
            w = Math.floor(w * s);
        }
        if (Math.max(h, w) / Math.min(h, w) > MAX_ASPECT_RATIO)
            throw new IllegalArgumentException("absolute aspect ratio must be smaller than 200, got "
                    + pythonRepr(Math.max(h, w) / Math.min(h, w)));
        double hBar = Math.rint(h / factor) * factor;
        double wBar = Math.rint(w / factor) * factor;
        double tBar = Math.rint((double) frames / temporalFactor) * temporalFactor;
        if (tBar * hBar * wBar > maxPixels) {
            double beta = Math.sqrt(frames * h * w / maxPixels);
            hBar = Math.max(factor, Math.floor(h / beta / factor) * factor);
            wBar = Math.max(factor, Math.floor(w / beta / factor) * factor);
        } else if (tBar * hBar * wBar < minPixels) {
            double beta = Math.sqrt(minPixels / (frames * h * w));
            hBar = Math.ceil(h * beta / factor) * factor;
            wBar = Math.ceil(w * beta / factor) * factor;
        }
        return new int[] { (int) hBar, (int) wBar };
    }

    /** A double as Python's repr prints it (shortest round-trip digits). */
    static String pythonRepr(double v) {
        String s = Double.toString(v);
        return s.contains("E") ? s.replace("E", "e") : s;
    }
}
