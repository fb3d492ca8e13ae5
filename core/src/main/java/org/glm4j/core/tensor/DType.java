package org.glm4j.core.tensor;

/**
 * Element types of tensors, with the exact scalar conversions between the floating-point ones.
 *
 * <p>Conversions from f32 round to nearest, ties to even; NaN stays NaN (quiet) and ±Inf stays ±Inf; f16
 * subnormals are produced and read exactly. Bulk (vectorised) conversions are the backends' {@code convert} op.
 */
public enum DType {
    F32(4, "f32", true),
    BF16(2, "bf16", true),
    F16(2, "f16", true),
    I32(4, "i32", false),
    I64(8, "i64", false),
    U8(1, "u8", false);

    private final int byteSize;
    private final String label;
    private final boolean floating;

    DType(int byteSize, String label, boolean floating) {
        this.byteSize = byteSize;
        this.label = label;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() { return byteSize; }

    /** True for F32, BF16 and F16. */
    public boolean isFloating() { return floating; }

    /** The lower-case name used in messages, e.g. {@code bf16}. */
    @Override public String toString() { return label; }

    /** f32 → bf16 bits, round to nearest even; NaN is kept NaN (quieted), ±Inf kept. */
    public static short f32ToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000)                  // NaN: truncating could turn it into Inf
            return (short) ((bits >>> 16) | 0x0040);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** bf16 bits → f32 (exact). */
    public static float bf16ToF32(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    /** f32 rounded to the nearest bf16 value, returned as f32. */
    public static float roundToBf16(float f) {
        return bf16ToF32(f32ToBf16(f));
    }

    /** f32 → IEEE binary16 bits, round to nearest even, subnormals and NaN handled (JDK intrinsic). */
    public static short f32ToF16(float f) {
        return Float.floatToFloat16(f);
    }

    /** IEEE binary16 bits → f32 (exact). */
    public static float f16ToF32(short h) {
        return Float.float16ToFloat(h);
    }

    /** f32 rounded to the nearest value of a floating dtype, returned as f32. */
    public float round(float f) {
        return switch (this) {
            case F32 -> f;
            case BF16 -> roundToBf16(f);
            case F16 -> f16ToF32(f32ToF16(f));
            default -> throw new IllegalArgumentException("round: " + this + " is not a floating dtype");
        };
    }
}
