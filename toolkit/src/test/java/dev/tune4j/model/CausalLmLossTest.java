package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CausalLmLossTest {

    @Test
    void meanOverCountedNextTokensByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // one sequence of 3 tokens, vocabulary 2. Position 0 logits (0, ln 3) predict label[1] = 1:
            // -log(3/4). Position 1 logits (0, 0) predict label[2] = 0: -log(1/2). Position 2 predicts nothing.
            NDArray logits = manager.create(new double[] {0, Math.log(3), 0, 0, 5, -5}, new Shape(1, 3, 2));
            NDArray labels = manager.create(new long[] {1, 1, 0}, new Shape(1, 3));
            double expected = (-Math.log(0.75) - Math.log(0.5)) / 2;
            assertEquals(expected, CausalLmLoss.compute(logits, labels, null).getDouble(), 1e-12);

            // the ignore index drops position 1's target, leaving -log(3/4) alone
            NDArray ignored = manager.create(new long[] {1, 1, CausalLmLoss.IGNORE_INDEX}, new Shape(1, 3));
            assertEquals(-Math.log(0.75), CausalLmLoss.compute(logits, ignored, null).getDouble(), 1e-12);

            // so does padding in the attention mask
            NDArray mask = manager.create(new long[] {1, 1, 0}, new Shape(1, 3));
            assertEquals(-Math.log(0.75), CausalLmLoss.compute(logits, labels, mask).getDouble(), 1e-12);
        }
    }

    @Test
    void labelsFromIdsIgnorePadding() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.create(new long[] {5, 6, 0}, new Shape(1, 3));
            NDArray mask = manager.create(new long[] {1, 1, 0}, new Shape(1, 3));
            assertArrayEquals(new long[] {5, 6, -100}, CausalLmLoss.labelsFromIds(ids, mask).toLongArray());
        }
    }

    @Test
    void nothingCountedIsAnError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.zeros(new Shape(1, 2, 3));
            NDArray labels = manager.create(new long[] {1, -100}, new Shape(1, 2));
            assertThrows(IllegalArgumentException.class, () -> CausalLmLoss.compute(logits, labels, null));
        }
    }

    @Test
    void classificationCrossEntropyByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // row 0: logits (0, ln 3), label 1 -> -log(3/4); row 1: logits (0, 0), label 0 -> -log(1/2)
            NDArray logits = manager.create(new double[] {0, Math.log(3), 0, 0}, new Shape(2, 2));
            NDArray labels = manager.create(new long[] {1, 0});
            assertEquals((-Math.log(0.75) - Math.log(0.5)) / 2, ClassificationLoss.compute(logits, labels).getDouble(),
                    1e-12);
            assertThrows(IllegalArgumentException.class,
                    () -> ClassificationLoss.compute(logits, manager.create(new long[] {1})));
        }
    }
}
