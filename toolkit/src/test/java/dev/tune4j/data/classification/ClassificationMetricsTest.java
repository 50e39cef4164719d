package dev.tune4j.data.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    @Test
    void accuracyAndMacroF1ByHand() {
        int[] gold = {0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 0, 1, 1, 2, 2};
        // correct at 0, 1, 3, 5: 4 / 6
        assertEquals(4.0 / 6, ClassificationMetrics.accuracy(gold, predicted), 1e-12);
        // class 0: TP 2, gold 3, predicted 2 -> 4/5; class 1: TP 1, gold 2, predicted 2 -> 1/2;
        // class 2: TP 1, gold 1, predicted 2 -> 2/3; mean = (0.8 + 0.5 + 0.6667) / 3
        assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, ClassificationMetrics.macroF1(gold, predicted, 3), 1e-12);
    }

    @Test
    void macroF1LeavesOutClassesNeitherPresentNorPredicted() {
        // class 2 never occurs: only classes 0 and 1 count. Always predicting 0 on (0, 0, 1):
        // class 0: 2*2/(2+3) = 0.8; class 1: 0 -> macro 0.4
        assertEquals(0.4, ClassificationMetrics.macroF1(new int[] {0, 0, 1}, new int[] {0, 0, 0}, 3), 1e-12);
    }

    @Test
    void mismatchedOrEmptyInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accuracy(new int[] {1}, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accuracy(new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.macroF1(new int[] {3}, new int[] {0}, 2));
    }
}
