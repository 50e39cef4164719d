package dev.tune4j.optim.galore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.testing.DeterministicTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused Java pass against the engine calls it replaces, bit for bit. */
class BackProjectedUpdateTest {
    @ParameterizedTest
    @CsvSource({"0.25, 1e-5", "0.3, 3.3e-4", "1, 0", "2.5, 0.1"})
    void equalsTheEngineCallsBitForBit(double scale, double decay) {
        int count = 10_007; // not a multiple of any vector width: the scalar tail runs too
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w0 = DeterministicTensors.sinArangeFloat(count, 3.0, 7);
            float[] u = DeterministicTensors.sinArangeFloat(count, 0.01, 11);
            w0[5] = Float.POSITIVE_INFINITY;
            w0[6] = -0f;
            u[7] = Float.NaN;
            // the engine path (weights that are not float32 on the CPU): U·α, w + U, then w − w·d with d a double
            NDArray engineWeight = manager.create(w0.clone(), new Shape(count));
            NDArray update = manager.create(u, new Shape(count));
            if (scale != 1) {
                update.muli((float) scale);
            }
            engineWeight.addi(update);
            if (decay > 0) {
                engineWeight.subi(engineWeight.mul(decay));
            }
            NDArray fusedWeight = manager.create(w0.clone(), new Shape(count));
            NDArray unscaled = manager.create(u, new Shape(count));
            BackProjectedUpdate.apply(TensorMemory.of(fusedWeight), TensorMemory.of(unscaled), count, (float) scale,
                    (float) decay);
            float[] expected = engineWeight.toFloatArray();
            float[] actual = fusedWeight.toFloatArray();
            for (int i = 0; i < count; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                        "element " + i + ": engine " + expected[i] + ", fused " + actual[i]);
            }
            assertArrayEquals(u, unscaled.toFloatArray(), 0f, "the update is read only");
        }
    }

    @ParameterizedTest
    @CsvSource({"10, 10", "10, 9"})
    void rejectsSizesThatDoNotMatch(int weightCount, int updateCount) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.zeros(new Shape(weightCount));
            NDArray update = manager.zeros(new Shape(updateCount));
            assertThrows(IllegalArgumentException.class, () -> BackProjectedUpdate.apply(TensorMemory.of(weight),
                    TensorMemory.of(update), 11, 1f, 0f));
        }
    }
}
