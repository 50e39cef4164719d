package dev.tune4j.optim.q8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The branch-free table (its scalar and its vector path) against the scalar twin's linear nearest-value search
 * ({@link ScalarAdam8bitTwin#nearest}): a sweep over the whole float range, every decision threshold and map value with
 * their float neighbours, every cell boundary, and the special values.
 */
class NearestCodeTableTest {
    private static final int ULPS_AROUND = 8;

    private static DynamicQuantizationMap map(boolean signed) {
        return signed ? DynamicQuantizationMap.signed() : DynamicQuantizationMap.unsigned();
    }

    /** Values to check, collected first so that the vector path sees them in full vectors and a scalar tail. */
    private static final class Probe {
        private float[] values = new float[1024];
        private int count;

        void add(float x) {
            if (count == values.length) {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = x;
        }

        void addAround(float x, int ulps) {
            float below = x;
            float above = x;
            add(x);
            for (int i = 0; i < ulps; i++) {
                below = Math.nextDown(below);
                above = Math.nextUp(above);
                add(below);
                add(above);
            }
        }

        /** Asserts scalar and vector codes of every value divided by {@code divisor} equal the twin's. */
        void assertNearest(DynamicQuantizationMap map, float divisor) {
            assertCodes(map.nearestCodes(), divisor, (map.isSigned() ? "signed" : "unsigned") + " map",
                    x -> ScalarAdam8bitTwin.nearest(map.values(), x));
        }

        /**
         * Asserts the scalar and the vector codes of {@code table} for every value divided by {@code divisor} equal
         * {@code expected} of the quotient.
         */
        void assertCodes(NearestCodeTable table, float divisor, String what, ExpectedCode expected) {
            byte[] vectorCodes = new byte[count];
            table.quantize(values, count, divisor, MemorySegment.ofArray(vectorCodes), 0, new int[count]);
            int mismatches = 0;
            StringBuilder report = new StringBuilder();
            for (int i = 0; i < count; i++) {
                float x = values[i] / divisor;
                int wanted = expected.of(x);
                int scalar = table.code(x);
                int vector = vectorCodes[i] & 0xff;
                if (scalar != wanted || vector != wanted) {
                    if (mismatches++ < 5) {
                        report.append(String.format("%n  x = %s (bits %08x): expected %d, scalar %d, vector %d", x,
                                Float.floatToRawIntBits(x), wanted, scalar, vector));
                    }
                }
            }
            if (mismatches > 0) {
                fail(what + ": " + mismatches + " of " + count + " values differ from the expected code" + report);
            }
        }
    }

    /** The expected code of a quotient. */
    @FunctionalInterface
    private interface ExpectedCode {
        int of(float x);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void equalsTheNearestValueSearchOnASweepOfAllFloats(boolean signed) {
        Probe probe = new Probe();
        // every 2039th bit pattern: about 2.1 million floats of both signs, from subnormals through NaN payloads
        for (long bits = 0; bits < 1L << 32; bits += 2039) {
            probe.add(Float.intBitsToFloat((int) bits));
        }
        probe.assertNearest(map(signed), 1f);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void equalsTheNearestValueSearchAroundEveryThresholdAndMapValue(boolean signed) {
        DynamicQuantizationMap map = map(signed);
        Probe probe = new Probe();
        for (float threshold : NearestCodeTable.thresholds(map.values())) {
            probe.addAround(threshold, ULPS_AROUND); // the midpoints themselves are the ties
        }
        for (float value : map.values()) {
            probe.addAround(value, ULPS_AROUND);
            probe.addAround(-value, ULPS_AROUND);
        }
        probe.assertNearest(map, 1f);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void equalsTheNearestValueSearchAtEveryCellBoundary(boolean signed) {
        DynamicQuantizationMap map = map(signed);
        NearestCodeTable table = map.nearestCodes();
        Probe probe = new Probe();
        for (int cell = 0; cell < table.cellCount(); cell++) {
            float[] range = table.cellRange(cell);
            probe.addAround(range[0], 2);
            probe.addAround(range[1], 2);
        }
        probe.assertNearest(map, 1f);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void specialValues(boolean signed) {
        DynamicQuantizationMap map = map(signed);
        Probe probe = new Probe();
        for (float x : new float[] {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
            -Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00000),
            Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffffffff), Math.nextUp(1f), Math.nextDown(1f),
            Math.nextDown(-1f), 2f, -2f}) {
            probe.add(x);
        }
        probe.assertNearest(map, 1f);
        int zero = map.zeroCode();
        assertEquals(zero, map.quantize(0f));
        assertEquals(zero, map.quantize(-0f), "−0.0 is 0");
        assertEquals(zero, map.quantize(Float.MIN_VALUE), "the smallest subnormal is nearest to 0");
        assertEquals(255, map.quantize(1f));
        assertEquals(255, map.quantize(Float.POSITIVE_INFINITY));
        assertEquals(0, map.quantize(Float.NaN), "NaN gets code 0");
        assertEquals(0, map.quantize(Float.intBitsToFloat(0xffc00000)), "a negative NaN too");
        assertEquals(0, map.quantize(Float.NEGATIVE_INFINITY));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void dividesLikeTheScalarDivision(boolean signed) {
        DynamicQuantizationMap map = map(signed);
        SplittableRandom random = new SplittableRandom(11);
        for (float absmax : new float[] {3.7e-3f, 1f, 0.1f, 6.1e-9f, 2.5e12f}) {
            Probe probe = new Probe();
            for (int i = 0; i < 20_000; i++) {
                // moments of a block: |s| <= absmax, log-uniform over 9 decades, exact ±absmax included
                double magnitude = i == 0 ? absmax : absmax * Math.pow(10, -9 * random.nextDouble());
                probe.add((float) (signed && random.nextBoolean() ? -magnitude : magnitude));
            }
            probe.assertNearest(map, absmax);
        }
    }

    /**
     * The signed map's table with negative codes capped one below the zero code, on the sweep of all floats, around
     * every threshold and map value and at the special values: the nearest code, capped for every float whose sign bit
     * is set (−0.0 and the tiny negatives included), NaN 0. Written from the contract, with the twin's search for the
     * nearest code.
     */
    @Test
    void guardedTableCapsEveryFloatWithItsSignBitSet() {
        DynamicQuantizationMap map = DynamicQuantizationMap.signed();
        int cap = map.zeroCode() - 1;
        NearestCodeTable guarded = map.nearestCodes().withNegativeCodesAtMost(cap);
        Probe probe = new Probe();
        for (long bits = 0; bits < 1L << 32; bits += 2039) {
            probe.add(Float.intBitsToFloat((int) bits));
        }
        for (float value : map.values()) {
            probe.addAround(value, ULPS_AROUND);
            probe.addAround(-value, ULPS_AROUND);
        }
        for (float threshold : NearestCodeTable.thresholds(map.values())) {
            probe.addAround(threshold, ULPS_AROUND);
        }
        for (float x : new float[] {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, -1f, Float.NaN,
            Float.intBitsToFloat(0xffc00000), Float.NEGATIVE_INFINITY}) {
            probe.add(x);
        }
        probe.assertCodes(guarded, 1f, "guarded signed map", x -> {
            int nearest = ScalarAdam8bitTwin.nearest(map.values(), x);
            return x != x ? 0 : Float.floatToRawIntBits(x) < 0 ? Math.min(nearest, cap) : nearest;
        });
        assertEquals(cap, guarded.code(-0f), "−0.0 has its sign bit set");
        assertEquals(cap, guarded.code(-Float.MIN_VALUE));
        assertEquals(map.zeroCode(), guarded.code(0f));
        assertEquals(map.zeroCode() + 1, guarded.code(map.value(map.zeroCode() + 1)));
    }
}
