package dev.tune4j.optim.q8;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.adam.AdamStep;
import dev.tune4j.testing.DeterministicTensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine-op nearest-code search of {@link BlockwiseEngineOps} against the scalar twin's linear nearest-value
 * search ({@link ScalarAdam8bitTwin#nearest}, ties to the even code): every decision threshold (the ties) and map
 * value with their float neighbours, a sweep over the float bit patterns, and the special values.
 */
class BlockwiseEngineOpsTest {
    private static final int ULPS_AROUND = 4;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void nearestCodesEqualTheNearestValueSearch(boolean signed) {
        DynamicQuantizationMap map = signed ? DynamicQuantizationMap.signed() : DynamicQuantizationMap.unsigned();
        List<Float> probes = new ArrayList<>();
        for (float threshold : NearestCodeTable.thresholds(map.values())) {
            around(probes, threshold);
        }
        for (float value : map.values()) {
            around(probes, value);
            around(probes, -value);
        }
        for (long bits = 0; bits < 1L << 32; bits += 131_071) { // about 33 thousand patterns of both signs
            probes.add(Float.intBitsToFloat((int) bits));
        }
        for (float special : new float[] {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 2f,
            -2f, Float.MIN_VALUE, -Float.MIN_VALUE}) {
            probes.add(special);
        }
        float[] x = new float[probes.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = probes.get(i);
        }
        long[] codes;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray thresholds = manager.create(BlockwiseEngineOps.paddedThresholds(map));
            codes = BlockwiseEngineOps.nearestCodes(manager.create(x), thresholds).toLongArray();
        }
        float[] values = map.values();
        int mismatches = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            int expected = ScalarAdam8bitTwin.nearest(values, x[i]);
            if (codes[i] != expected && mismatches++ < 5) {
                report.append(String.format("%n  x = %s (bits %08x): nearest %d, engine %d", x[i],
                        Float.floatToRawIntBits(x[i]), expected, codes[i]));
            }
        }
        if (mismatches > 0) {
            fail((signed ? "signed" : "unsigned") + " map: " + mismatches + " of " + x.length
                    + " values differ from the nearest-value search" + report);
        }
    }

    /**
     * One 8-bit step of a (1000, 70) weight in chunks of 128 rows (70 = 2·35 elements a row, so a chunk needs 128 rows
     * to fill whole blocks of 256; the last chunk ends in a short, padded block), from the same state as the Java
     * kernel's, three times (AdamW, Adam, AdamW, with gradients spanning six decades, NaN and ±Inf): the weights within
     * 4 float32 ulps plus 1e-8 (roundings of an update of up to lr/(1 − β1^t) = 0.02), the absmax within 4 ulps
     * (measured: a weight of −2.5710743e-4 came out −2.571072e-4: 8 ulps of that weight, less than the 1.9e-9 ulp of
     * the largest update), and a moment code differing from the Java kernel's by one at most and in at most 1% of
     * the elements (a quotient that lands on the other side of a midpoint after a rounding of its own); the count is
     * printed per step.
     */
    @Test
    void oneChunkedStepEqualsTheJavaKernelToFloat32Rounding() {
        int rows = 1000;
        int cols = 70;
        int size = rows * cols;
        int blockSize = 256;
        int blocks = (size + blockSize - 1) / blockSize;
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(rows, cols);
            NDArray javaWeight = manager.create(DeterministicTensors.sinArangeFloat(size, 0.1, 7), shape);
            NDArray javaCodes1 = manager.zeros(shape, DataType.UINT8).addi(DynamicQuantizationMap.signed().zeroCode());
            NDArray javaCodes2 = manager.zeros(shape, DataType.UINT8);
            NDArray javaAbsmax1 = manager.zeros(new Shape(blocks));
            NDArray javaAbsmax2 = manager.zeros(new Shape(blocks));
            for (int t = 1; t <= 3; t++) {
                float[] g = DeterministicTensors.sinArangeFloat(size, 1.0, 31 * t);
                for (int i = 0; i < size; i++) {
                    g[i] *= (float) Math.pow(10, -((i / blockSize) % 6));
                }
                g[size / 3] = Float.NaN;
                g[size / 2] = Float.POSITIVE_INFINITY;
                g[size - 1] = Float.NEGATIVE_INFINITY;
                NDArray gradient = manager.create(g, shape);
                AdamStep step = new AdamStep(2e-3, 0.9, 0.999, 1e-8, 0.05, t != 2, t);
                NDArray weight = javaWeight.duplicate();
                NDArray codes1 = javaCodes1.duplicate();
                NDArray codes2 = javaCodes2.duplicate();
                NDArray absmax1 = javaAbsmax1.duplicate();
                NDArray absmax2 = javaAbsmax2.duplicate();
                BlockwiseAdamKernel.step8bit(TensorMemory.of(javaWeight), TensorMemory.of(gradient),
                        TensorMemory.of(javaCodes1), TensorMemory.of(javaAbsmax1), TensorMemory.of(javaCodes2),
                        TensorMemory.of(javaAbsmax2), size, blockSize, step, 1f);
                BlockwiseEngineOps.step8bit(weight, gradient, codes1, absmax1, codes2, absmax2, blockSize, step,
                        4096);
                // a weight moves by at most about the step size lr/(1 − β1^t) = 0.02; its update is rounded a few
                // times at that magnitude (ulp 1.9e-9), which 1e-8 covers
                assertWithinUlps("weights at step " + t, javaWeight.toFloatArray(), weight.toFloatArray(), 1e-8);
                assertWithinUlps("first absmax at step " + t, javaAbsmax1.toFloatArray(), absmax1.toFloatArray(), 0);
                assertWithinUlps("second absmax at step " + t, javaAbsmax2.toFloatArray(), absmax2.toFloatArray(),
                        0);
                int differing = differingCodes("first codes at step " + t, javaCodes1, codes1)
                        + differingCodes("second codes at step " + t, javaCodes2, codes2);
                System.out.println("8-bit engine step " + t + ": " + differing + " of " + 2 * size
                        + " codes differ by one from the Java kernel's");
                if (differing > size / 50) {
                    fail(differing + " of " + 2 * size + " codes differ at step " + t);
                }
            }
        }
    }

    /**
     * Each element within 4 ulps of its own magnitude plus {@code slack}; reports the worst element and the count.
     *
     * @param slack room for the roundings of the update, in absolute terms
     */
    private static void assertWithinUlps(String what, float[] expected, float[] actual, double slack) {
        double worstExcess = Double.NEGATIVE_INFINITY;
        int worst = -1;
        int outside = 0;
        for (int i = 0; i < expected.length; i++) {
            double excess = Math.abs((double) expected[i] - actual[i]) - (4 * Math.ulp(expected[i]) + slack);
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])
                    && (!(excess <= 0) || Double.isNaN(excess))) {
                outside++;
                if (worst < 0 || !(excess <= worstExcess)) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        if (outside > 0) {
            fail(what + ": " + outside + " elements outside the bound, worst [" + worst + "]: Java kernel "
                    + expected[worst] + ", engine ops " + actual[worst]);
        }
    }

    /** The number of codes that differ, failing on any that differs by more than one. */
    private static int differingCodes(String what, NDArray expected, NDArray actual) {
        byte[] a = expected.toByteArray();
        byte[] b = actual.toByteArray();
        int differing = 0;
        for (int i = 0; i < a.length; i++) {
            int difference = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            if (difference > 1) {
                fail(what + " [" + i + "]: Java kernel " + (a[i] & 0xff) + ", engine ops " + (b[i] & 0xff));
            }
            differing += difference;
        }
        return differing;
    }

    private static void around(List<Float> probes, float x) {
        float below = x;
        float above = x;
        probes.add(x);
        for (int i = 0; i < ULPS_AROUND; i++) {
            below = Math.nextDown(below);
            above = Math.nextUp(above);
            probes.add(below);
            probes.add(above);
        }
    }
}
