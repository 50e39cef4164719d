package dev.tune4j.optim.q8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicQuantizationMapTest {
    /** Within one float32 ulp: scripts/reference/dynamic_map.py prints the anchors to 8 significant digits. */
    private static void assertAnchor(double expected, float actual) {
        assertEquals(expected, actual, Math.ulp((float) expected) + 1e-12, "anchor " + expected);
    }

    @Test
    void signedMapMatchesTheAnchorsOfTheSpec() {
        var map = DynamicQuantizationMap.signed();
        assertEquals(256, map.values().length);
        assertAnchor(-0.99296874, map.value(0));
        assertEquals(0f, map.value(127));
        assertAnchor(5.5e-7, map.value(128));
        assertAnchor(0.10703126, map.value(191));
        assertAnchor(0.99296874, map.value(254));
        assertEquals(1f, map.value(255));
        assertEquals(127, map.zeroCode());
        int negative = 0;
        int positive = 0;
        for (float value : map.values()) {
            negative += value < 0 ? 1 : 0;
            positive += value > 0 ? 1 : 0;
        }
        assertEquals(127, negative);
        assertEquals(128, positive);
        // positive values per decade from 1e-7 up: 1, 2, 4, ..., 64 (65 in the top one, counting 1.0)
        int[] expected = {1, 2, 4, 8, 16, 32, 65};
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(perDecade(map)));
    }

    @Test
    void unsignedMapMatchesTheAnchorsOfTheSpec() {
        var map = DynamicQuantizationMap.unsigned();
        assertEquals(256, map.values().length);
        assertEquals(0f, map.value(0));
        assertAnchor(3.25e-7, map.value(1));
        assertAnchor(7.75e-7, map.value(2));
        assertAnchor(0.110546872, map.value(128));
        assertAnchor(0.9964844, map.value(254));
        assertEquals(1f, map.value(255));
        assertEquals(0, map.zeroCode());
        // per decade 2, 4, ..., 128 (the top decade also holds 1.0)
        int[] expected = {2, 4, 8, 16, 32, 64, 129};
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(perDecade(map)));
    }

    @Test
    void mapsAreStrictlyAscending() {
        for (var map : List.of(DynamicQuantizationMap.signed(), DynamicQuantizationMap.unsigned())) {
            float[] values = map.values();
            for (int i = 1; i < values.length; i++) {
                assertTrue(values[i - 1] < values[i], "not ascending at " + i + ": " + values[i - 1] + ", "
                        + values[i]);
            }
        }
    }

    @Test
    void quantizeRoundsToTheNearestValueAndTiesToTheEvenCode() {
        var map = DynamicQuantizationMap.signed();
        assertEquals(127, map.quantize(0f));
        assertEquals(255, map.quantize(1f));
        assertEquals(0, map.quantize(-1f));
        for (int code = 0; code < 256; code++) {
            assertEquals(code, map.quantize(map.value(code)), "exact value of code " + code);
        }
        // the float32 midpoint between codes 200 and 201 is a tie: the even code wins; a step either side decides
        float midpoint = (map.value(200) + map.value(201)) * 0.5f;
        assertEquals(200, map.quantize(midpoint));
        assertEquals(201, map.quantize(Math.nextUp(midpoint)));
        assertEquals(200, map.quantize(Math.nextDown(midpoint)));
        float oddLow = (map.value(201) + map.value(202)) * 0.5f;
        assertEquals(202, map.quantize(oddLow));
    }

    @Test
    void quantizeAgreesWithABruteForceNearestSearch() {
        var random = new java.util.SplittableRandom(7);
        for (var map : List.of(DynamicQuantizationMap.signed(), DynamicQuantizationMap.unsigned())) {
            float[] values = map.values();
            for (int trial = 0; trial < 200_000; trial++) {
                // log-uniform magnitudes from 1e-9 to 1 so every decade is hit
                float x = (float) Math.pow(10, -9 * random.nextDouble());
                if (map.isSigned() && random.nextBoolean()) {
                    x = -x;
                }
                int code = map.quantize(x);
                double best = Double.MAX_VALUE;
                for (float value : values) {
                    best = Math.min(best, Math.abs((double) value - x));
                }
                double error = Math.abs((double) values[code] - x);
                assertTrue(error <= best * (1 + 1e-6) + 1e-14, "x=" + x + " got code " + code + " error " + error
                        + " but the nearest value is " + best + " away");
            }
        }
    }

    private static int[] perDecade(DynamicQuantizationMap map) {
        int[] counts = new int[7];
        for (float value : map.values()) {
            if (value > 0) {
                int decade = (int) Math.floor(Math.log10(value)) + 7; // [1e-7, 1e-6) -> 0, ..., [0.1, 1] -> 6
                counts[Math.min(decade, 6)]++;
            }
        }
        return counts;
    }
}
