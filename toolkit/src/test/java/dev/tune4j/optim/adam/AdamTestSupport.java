package dev.tune4j.optim.adam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.DeterministicTensors;
import java.lang.foreign.MemorySegment;

/** Shared helpers of the Adam tests: parameters from deterministic values, gradient refills, error measures. */
final class AdamTestSupport {
    private AdamTestSupport() {}

    /** A parameter {@code name} of {@code size} elements: weight {@code sin(i+1)}, gradient zeros. */
    static TrainableParameter parameter(NDManager manager, String name, int size) {
        NDArray weight = DeterministicTensors.sinArange(manager, new Shape(size), 1.0, 0);
        NDArray gradient = manager.zeros(new Shape(size));
        return new TrainableParameter(name, weight, gradient);
    }

    /** The gradient of step {@code step} for a parameter of {@code size} elements (fixture: {@code 0.1 sin(...)}). */
    static float[] gradientOfStep(int size, int step, int parameterIndex) {
        return DeterministicTensors.sinArangeFloat(size, 0.1, 1000 * parameterIndex + 7 * step + 3);
    }

    /** Writes {@code values} into the tensor's memory. */
    static void write(NDArray array, float[] values) {
        TensorMemory.of(array).copyFrom(MemorySegment.ofArray(values));
    }

    /** Largest {@code |a-b| / max(|b|, floor)} over the elements. */
    static double maxRelativeError(float[] actual, float[] expected, double floor) {
        if (actual.length != expected.length) {
            throw new AssertionError("lengths differ: " + actual.length + " vs " + expected.length);
        }
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
            if (!(error <= worst)) {
                worst = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
            }
        }
        return worst;
    }
}
