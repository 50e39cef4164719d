package dev.tune4j.optim.q8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Branch-free nearest-code search over a {@link DynamicQuantizationMap}: one table load and one integer comparison per
 * value instead of a binary search, with the same answer bit for bit.
 *
 * <p>The nearest code of x is the number of decision thresholds below x, where threshold k is the float32 midpoint
 * {@code t[k] = (map[k] + map[k+1]) * 0.5f} (k = 0..254); when x equals a threshold the even one of the two codes wins.
 * The thresholds are dense near zero and coarse near one, as a float's exponent is, so the table is indexed by a
 * float's own bits: its sign, its exponent and the top K bits of its mantissa select a <i>cell</i>, a range of floats
 * that holds at most one threshold (K is the smallest width for which that holds: 6 for the signed map, 7 for the
 * unsigned one). All floats of a cell share those bits and are ordered by the rest of their magnitude bits, the
 * <i>remainder</i> (reversed for negative floats, whose value falls as the magnitude grows). Per cell the table packs
 * into one int {@code base}, the number of thresholds below the cell, and the remainder of the one threshold
 * {@code t[base]} that can lie inside it; then {@code code(x) = base + (remainder(x) > remainder(t[base]))}. A cell
 * without a threshold stores the largest remainder, so the comparison is never true. The tie rule is folded into the
 * stored remainder: for an odd {@code base} it is one less, so that {@code x == t[base]} rounds up to the even code
 * {@code base + 1}.
 *
 * <p>Magnitudes below the lowest binade (below every nonzero threshold, including zeros and subnormals) share the
 * lowest cell of their sign; magnitudes of 1 and more, and infinities, share the top cell of their sign; neither
 * holds a threshold. NaN gets code 0 and −0.0 is treated as 0.0, as float comparisons do.
 *
 * <p>The vector method gathers with the Vector API; it loops over a whole block itself, so that no vector crosses a
 * method boundary the JIT might not inline (a vector that escapes is boxed on the heap).
 */
final class NearestCodeTable {
    // species must be constants for the JIT to compile the vector operations to vector instructions
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int MANTISSA_BITS = 23;
    private static final int MAGNITUDE_MASK = 0x7fffffff;
    private static final int LAST_THRESHOLD = DynamicQuantizationMap.SIZE - 2;
    private static final int BASE_BITS = 8;
    private static final int BASE_MASK = (1 << BASE_BITS) - 1;

    private final int keyShift; // 23 − K: the remainder bits below the top K mantissa bits
    private final int remainderMask; // (1 << keyShift) − 1
    private final int lowestKey; // (biased exponent of the lowest binade) << K
    private final int cellsPerSign; // cells of the non-negative floats; the negative ones follow
    private final int[] cells; // (2·cellsPerSign) remainder of t[base] (minus 1 for odd base) << 8 | base

    /**
     * The table of a map, checked to give the nearest code for every float.
     *
     * @param values the map's 256 values, strictly ascending
     */
    NearestCodeTable(float[] values) {
        float[] thresholds = thresholds(values);
        float smallestMagnitude = Float.MAX_VALUE;
        for (float t : thresholds) {
            smallestMagnitude = Math.min(smallestMagnitude, Math.abs(t));
        }
        // one binade of margin below the smallest threshold, so the lowest cell, which also takes every smaller
        // magnitude, holds none
        int lowestExponent = Math.getExponent(smallestMagnitude) - 1 + Float.MAX_EXPONENT;
        int oneExponent = Float.MAX_EXPONENT; // biased exponent of 1.0f
        for (int bits = 1; bits <= MANTISSA_BITS; bits++) {
            int shift = MANTISSA_BITS - bits;
            int lowest = lowestExponent << bits;
            int count = ((oneExponent - lowestExponent) << bits) + 1; // the last one holds [1, +inf]
            int[] packed = new int[2 * count];
            if (fill(thresholds, shift, lowest, count, packed)) {
                this.keyShift = shift;
                this.remainderMask = (1 << shift) - 1;
                this.lowestKey = lowest;
                this.cellsPerSign = count;
                this.cells = packed;
                return;
            }
        }
        throw new IllegalStateException("no cell width separates the thresholds of the map");
    }

    private NearestCodeTable(int keyShift, int lowestKey, int cellsPerSign, int[] cells) {
        this.keyShift = keyShift;
        this.remainderMask = (1 << keyShift) - 1;
        this.lowestKey = lowestKey;
        this.cellsPerSign = cellsPerSign;
        this.cells = cells;
    }

    /** The 255 decision thresholds {@code (map[k] + map[k+1]) * 0.5f}, each strictly between its two values. */
    static float[] thresholds(float[] values) {
        float[] thresholds = new float[LAST_THRESHOLD + 1];
        for (int k = 0; k <= LAST_THRESHOLD; k++) {
            thresholds[k] = (values[k] + values[k + 1]) * 0.5f;
            if (!(values[k] < thresholds[k] && thresholds[k] < values[k + 1])) {
                throw new IllegalStateException("midpoint " + thresholds[k] + " of codes " + k + " and " + (k + 1)
                        + " is not strictly between " + values[k] + " and " + values[k + 1]);
            }
        }
        return thresholds;
    }

    /** Packs every cell of this width; false if some cell would hold two thresholds, or a clamped cell one. */
    private static boolean fill(float[] thresholds, int shift, int lowestKey, int cellsPerSign, int[] packed) {
        for (int cell = 0; cell < cellsPerSign; cell++) {
            boolean clamped = cell == 0 || cell == cellsPerSign - 1;
            int firstBits = (cell + lowestKey) << shift;
            int lastBits = ((cell + lowestKey + 1) << shift) - 1;
            float smallest = cell == 0 ? 0f : Float.intBitsToFloat(firstBits);
            float largest = cell == cellsPerSign - 1 ? Float.POSITIVE_INFINITY : Float.intBitsToFloat(lastBits);
            if (!fillCell(thresholds, smallest, largest, clamped, shift, cell, packed)
                    || !fillCell(thresholds, -largest, -smallest, clamped, shift, cellsPerSign + cell, packed)) {
                return false;
            }
        }
        return true;
    }

    /** The cell of the floats in [low, high]; false if it holds more than one threshold (or any, when clamped). */
    private static boolean fillCell(float[] thresholds, float low, float high, boolean clamped, int shift, int cell,
            int[] packed) {
        int below = 0;
        int inside = 0;
        for (float t : thresholds) {
            below += t < low ? 1 : 0;
            inside += t >= low && t <= high ? 1 : 0;
        }
        if (inside > (clamped ? 0 : 1)) {
            return false;
        }
        int remainderMask = (1 << shift) - 1;
        int threshold = remainderMask; // no threshold inside: no remainder is larger
        if (inside == 1) {
            threshold = orderedRemainder(Float.floatToRawIntBits(thresholds[below]), remainderMask);
            if (below % 2 == 1) {
                threshold--; // r(x) > r(t) − 1 is x >= t: a tie at an odd base goes up to the even code
            }
        }
        packed[cell] = threshold << BASE_BITS | below;
        return true;
    }

    /** The remainder bits of a float's magnitude, reversed for negative floats so that they rise with the value. */
    private static int orderedRemainder(int bits, int remainderMask) {
        return (bits ^ (bits >> 31)) & remainderMask;
    }

    /** The nearest code of {@code x}. */
    int code(float x) {
        int bits = Float.floatToRawIntBits(x);
        int key = ((bits & MAGNITUDE_MASK) >>> keyShift) - lowestKey;
        int packed = cells[Math.min(Math.max(key, 0), cellsPerSign - 1) + ((bits >> 31) & cellsPerSign)];
        int code = (packed & BASE_MASK) + (orderedRemainder(bits, remainderMask) > packed >> BASE_BITS ? 1 : 0);
        return x != x ? 0 : code;
    }

    /**
     * {@code codes[start + j] = (byte) code(values[j] / divisor)} for {@code j < length}, with the Vector API and a
     * scalar tail; the quotient is the same correctly rounded float division as the scalar one.
     *
     * @param scratch at least {@code length} ints, overwritten (the gather's cell indexes)
     */
    void quantize(float[] values, int length, float divisor, MemorySegment codes, long start, int[] scratch) {
        int j = 0;
        for (int bound = FLOATS.loopBound(length); j < bound; j += FLOATS.length()) {
            FloatVector x = FloatVector.fromArray(FLOATS, values, j).div(divisor);
            IntVector bits = x.reinterpretAsInts();
            IntVector sign = bits.lanewise(VectorOperators.ASHR, 31);
            bits.and(MAGNITUDE_MASK).lanewise(VectorOperators.LSHR, keyShift).sub(lowestKey).max(0)
                    .min(cellsPerSign - 1).add(sign.and(cellsPerSign)).intoArray(scratch, j);
            IntVector packed = IntVector.fromArray(INTS, cells, 0, scratch, j); // gather by cell index
            VectorMask<Integer> above = bits.lanewise(VectorOperators.XOR, sign).and(remainderMask)
                    .compare(VectorOperators.GT, packed.lanewise(VectorOperators.ASHR, BASE_BITS));
            VectorMask<Integer> nan = x.compare(VectorOperators.NE, x).cast(INTS); // NaN: not equal to itself
            packed.and(BASE_MASK).add(1, above).blend(0, nan).castShape(BYTES, 0)
                    .intoMemorySegment(codes, start + j, ORDER);
        }
        for (; j < length; j++) {
            codes.set(ValueLayout.JAVA_BYTE, start + j, (byte) code(values[j] / divisor));
        }
    }

    /**
     * This table with the codes of every float whose sign bit is set, −0.0 included, capped at {@code cap}:
     * {@code min(code(x), cap)} for those, {@code code(x)} for the others (NaN still gets 0). With the signed map and
     * {@code cap} one below its zero code, this is 8-bit Adam's first-moment sign guard folded into the table, for the
     * quotient {@code s / absmax} of every moment value s but −0.0 (with absmax finite and positive the quotient has
     * the sign of s, −0.0 when a tiny negative s underflows): the guard counts s = −0.0 as zero (code 127), this table
     * its quotient as negative (126).
     */
    NearestCodeTable withNegativeCodesAtMost(int cap) {
        int[] capped = cells.clone();
        for (int cell = cellsPerSign; cell < capped.length; cell++) {
            if ((capped[cell] & BASE_MASK) >= cap) {
                capped[cell] = remainderMask << BASE_BITS | cap; // the cell's largest remainder: never above
            }
        }
        return new NearestCodeTable(keyShift, lowestKey, cellsPerSign, capped);
    }

    /** Number of cells, for tests. */
    int cellCount() {
        return cells.length;
    }

    /** The smallest and largest float of cell {@code cell} (as in the table's construction), for tests. */
    float[] cellRange(int cell) {
        int magnitudeCell = cell % cellsPerSign;
        float smallest = magnitudeCell == 0 ? 0f : Float.intBitsToFloat((magnitudeCell + lowestKey) << keyShift);
        float largest = magnitudeCell == cellsPerSign - 1 ? Float.POSITIVE_INFINITY
                : Float.intBitsToFloat(((magnitudeCell + lowestKey + 1) << keyShift) - 1);
        return cell < cellsPerSign ? new float[] {smallest, largest} : new float[] {-largest, -smallest};
    }
}
