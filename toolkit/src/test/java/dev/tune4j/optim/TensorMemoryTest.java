package dev.tune4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TensorMemoryTest {

    @Test
    void writesThroughTheViewReachTheTensor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new float[] {1, 2, 3});
            TensorMemory.of(array).setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 1, 20f);
            assertArrayEquals(new float[] {1, 20, 3}, array.toFloatArray(), 0f);
        }
    }

    @Test
    void nonContiguousTensorsAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray transposed = manager.arange(6f).reshape(new Shape(2, 3)).transpose(); // a strided view
            assertThrows(IllegalArgumentException.class, () -> TensorMemory.of(transposed));
        }
    }
}
