package dev.tune4j.optim.q8;

import java.util.Arrays;

/**
 * bitsandbytes' dynamic tree quantization map (its {@code functional.create_dynamic_map(signed, max_exponent_bits=7,
 * total_bits=8)}, built as described below): 256 sorted float32 values in [−1, 1] (signed) or [0, 1]
 * (unsigned), dense near zero and coarse near one. A code is an index into the map; a block's value is {@code map[code]
 * * absmax}.
 *
 * <p>Construction, in float32 arithmetic as torch does it: for decade {@code i = 0..6} take {@code k + 1} points
 * {@code torch.linspace(0.1, 1, k + 1)} with {@code k = 2^i} (signed) or {@code 2^(i+1)} (unsigned), their {@code k}
 * midpoints times {@code 10^(i−6)}, and for the signed map their negations too; add 0 and 1; sort.
 *
 * <p>{@link #quantize} is bitsandbytes' nearest-value rounding (the binary search of {@code quantize_2D} in
 * {@code csrc/kernels.cu}): the nearer of the two map values around {@code x}, the midpoint computed in float32 as
 * {@code (a + b) * 0.5f}; when {@code x} equals that midpoint the even code wins (the CUDA search always ends on an
 * even index and keeps it on a tie). It gives the binary search's answer through a {@link NearestCodeTable} instead,
 * without data-dependent branches.
 */
public final class DynamicQuantizationMap {
    /** Number of codes of an 8-bit map. */
    public static final int SIZE = 256;

    private static final int EXPONENT_LEVELS = 7;
    private static final float[] DECADES = {1e-6f, 1e-5f, 1e-4f, 1e-3f, 1e-2f, 1e-1f, 1f};
    private static final DynamicQuantizationMap SIGNED = new DynamicQuantizationMap(true);
    private static final DynamicQuantizationMap UNSIGNED = new DynamicQuantizationMap(false);

    private final boolean signed;
    private final float[] values;
    private final NearestCodeTable nearestCodes;

    private DynamicQuantizationMap(boolean signed) {
        this.signed = signed;
        this.values = build(signed);
        this.nearestCodes = new NearestCodeTable(values);
    }

    /** The signed map bitsandbytes uses for the first moment ({@code qmap1}, "dynamic"). */
    public static DynamicQuantizationMap signed() {
        return SIGNED;
    }

    /** The unsigned map bitsandbytes uses for the second moment ({@code qmap2}, "udynamic"). */
    public static DynamicQuantizationMap unsigned() {
        return UNSIGNED;
    }

    /** Whether this is the signed map. */
    public boolean isSigned() {
        return signed;
    }

    /** The value of {@code code} (0..255). */
    public float value(int code) {
        return values[code];
    }

    /** A copy of the 256 values, ascending. */
    public float[] values() {
        return values.clone();
    }

    /** The code of the value 0 (127 in the signed map, 0 in the unsigned one). */
    public int zeroCode() {
        return signed ? 127 : 0;
    }

    /**
     * The nearest code to {@code x} (bitsandbytes' nearest-value rounding: the nearer neighbour by the float32
     * midpoint, ties to the even code). {@code x} should lie in the map's range; values beyond it get the end codes,
     * NaN gets code 0, −0.0 counts as 0.0.
     */
    public int quantize(float x) {
        return nearestCodes.code(x);
    }

    /** The branch-free nearest-code table of this map, for the kernels. */
    NearestCodeTable nearestCodes() {
        return nearestCodes;
    }

    private static float[] build(boolean signed) {
        float[] data = new float[SIZE];
        int count = 0;
        for (int i = 0; i < EXPONENT_LEVELS; i++) {
            int intervals = signed ? 1 << i : 1 << (i + 1);
            float[] boundaries = linspace(0.1f, 1.0f, intervals + 1);
            float scale = DECADES[i]; // torch casts the Python scalar 10 ** (i - 6) to float
            for (int j = 0; j < intervals; j++) {
                float mean = (boundaries[j] + boundaries[j + 1]) / 2.0f;
                data[count++] = scale * mean;
                if (signed) {
                    data[count++] = -scale * mean;
                }
            }
        }
        data[count++] = 0f;
        data[count++] = 1.0f;
        if (count != SIZE) {
            throw new IllegalStateException("dynamic map has " + count + " values, expected " + SIZE);
        }
        Arrays.sort(data);
        return data;
    }

    /** {@code torch.linspace} for float32 on the CPU: forward from the start for the first half, back from the end. */
    private static float[] linspace(float start, float end, int steps) {
        float[] points = new float[steps];
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int k = 0; k < steps; k++) {
            points[k] = k < halfway ? start + step * k : end - step * (steps - k - 1);
        }
        return points;
    }
}
