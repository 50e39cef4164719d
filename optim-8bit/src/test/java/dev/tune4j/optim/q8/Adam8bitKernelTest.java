package dev.tune4j.optim.q8;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.DeterministicTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The in-place block kernel against the scalar twin, bit for bit, over 50 steps. */
class Adam8bitKernelTest {
    private static final int[] SIZES = {4096, 5000, 70000, 300}; // 300 < min_8bit_size: the float32 path
    private static final int STEPS = 50;

    /**
     * Gradient of tensor {@code tensor} at step {@code step}: deterministic values whose scale varies per block over
     * six decades, one block always zero, and NaN/Inf at a few positions on some steps.
     */
    private static float[] gradient(int tensor, int step, int size) {
        float[] g = DeterministicTensors.sinArangeFloat(size, 1.0, 1000 * tensor + 17 * step);
        for (int i = 0; i < size; i++) {
            int block = i / 256;
            g[i] *= (float) Math.pow(10, -(block % 7)) * (1 + 0.5f * (float) Math.sin(step));
            if (block == 2) {
                g[i] = 0;
            }
        }
        if (step % 7 == 3) {
            g[size / 3] = Float.NaN;
            g[size / 2] = Float.POSITIVE_INFINITY;
            g[size - 1] = Float.NEGATIVE_INFINITY;
        }
        return g;
    }

    @ParameterizedTest
    @CsvSource({"adam8bit, 256", "adamw8bit, 256", "adam8bit, 64", "adamw8bit, 2048"})
    void kernelEqualsTheScalarTwinBitForBit(String id, int blockSize) {
        boolean decoupled = id.equals(Adam8bitFactory.ADAMW_ID);
        double lr = 2e-3;
        double weightDecay = 0.05;
        var twin = new ScalarAdam8bitTwin(lr, 0.9, 0.999, 1e-8, weightDecay, decoupled);
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(id, OptimizerSettings.of(Map.of("lr", lr, "weight_decay", weightDecay,
                        "block_size", blockSize), STEPS))) {
            List<float[]> twinWeights = new ArrayList<>();
            List<Object> twinStates = new ArrayList<>();
            List<NDArray> weights = new ArrayList<>();
            for (int k = 0; k < SIZES.length; k++) {
                float[] initial = DeterministicTensors.sinArangeFloat(SIZES[k], 0.1, 500 + k);
                twinWeights.add(initial.clone());
                weights.add(manager.create(initial, new Shape(SIZES[k])));
                twinStates.add(SIZES[k] >= 4096 ? new ScalarAdam8bitTwin.Quantized(SIZES[k], blockSize)
                        : new float[][] {new float[SIZES[k]], new float[SIZES[k]]});
            }
            for (int step = 1; step <= STEPS; step++) {
                twin.nextStep();
                List<TrainableParameter> parameters = new ArrayList<>();
                try (NDManager stepManager = manager.newSubManager()) {
                    for (int k = 0; k < SIZES.length; k++) {
                        float[] g = gradient(k, step, SIZES[k]);
                        parameters.add(new TrainableParameter("p" + k, weights.get(k),
                                stepManager.create(g, new Shape(SIZES[k]))));
                        if (twinStates.get(k) instanceof ScalarAdam8bitTwin.Quantized quantized) {
                            twin.step(twinWeights.get(k), g, quantized);
                        } else {
                            float[][] moments = (float[][]) twinStates.get(k);
                            twin.step(twinWeights.get(k), g, moments[0], moments[1]);
                        }
                    }
                    optimizer.step(parameters, OptionalDouble.empty());
                    for (int k = 0; k < SIZES.length; k++) {
                        String where = id + " tensor " + SIZES[k] + " step " + step;
                        assertArrayEquals(twinWeights.get(k), weights.get(k).toFloatArray(), "weights of " + where);
                        if (twinStates.get(k) instanceof ScalarAdam8bitTwin.Quantized quantized) {
                            float[][] expected = twin.dequantize(quantized);
                            float[][] actual = Adam8bit.dequantizedMoments(optimizer, parameters.get(k));
                            assertArrayEquals(expected[0], actual[0], "first moment of " + where);
                            assertArrayEquals(expected[1], actual[1], "second moment of " + where);
                        }
                    }
                }
            }
            // 2 bytes per element + 2 absmax floats per block; 8 bytes per element below 4096
            long blocks = 0;
            for (int size : new int[] {4096, 5000, 70000}) {
                blocks += (size + blockSize - 1) / blockSize;
            }
            assertEquals((4096 + 5000 + 70000) * 2 + 8 * blocks + 300 * 8, optimizer.stateBytes());
        }
    }
}
