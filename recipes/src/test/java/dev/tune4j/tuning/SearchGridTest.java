package dev.tune4j.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The default lr grid against values worked out by hand, its trial names and its edges. */
class SearchGridTest {
    /** 30^(1/2) and 30^(1/4), by hand: 5.4772255750516611 and 2.3403473193207156. */
    private static final double ROOT_30 = 5.4772255750516611;
    private static final double FOURTH_ROOT_30 = 2.3403473193207156;

    @Test
    void fivePointsSpanThirtyTimesAroundTheLearningRate() {
        List<Double> values = SearchGrid.defaultLearningRates(1e-3, 5, false).values();
        List<Double> expected = List.of(1e-3 / ROOT_30, 1e-3 / FOURTH_ROOT_30, 1e-3, 1e-3 * FOURTH_ROOT_30,
                1e-3 * ROOT_30);
        assertEquals(5, values.size());
        for (int k = 0; k < 5; k++) {
            assertEquals(expected.get(k), values.get(k), 1e-15, "point " + k);
        }
        assertEquals(30, values.get(4) / values.get(0), 1e-12);
    }

    @Test
    void aLoraGridIsCentredThreeTimesHigher() {
        List<Double> values = SearchGrid.defaultLearningRates(1e-4, 3, true).values();
        assertEquals(3e-4 / ROOT_30, values.get(0), 1e-16);
        assertEquals(3e-4, values.get(1), 1e-16);
        assertEquals(3e-4 * ROOT_30, values.get(2), 1e-16);
    }

    @Test
    void twoPointsAreTheEndsOfTheSpan() {
        List<Double> values = SearchGrid.defaultLearningRates(2e-3, 2, false).values();
        assertEquals(2e-3 / ROOT_30, values.get(0), 1e-16);
        assertEquals(2e-3 * ROOT_30, values.get(1), 1e-15);
    }

    @Test
    void aGridNeedsTwoPointsAndAPositiveLearningRate() {
        assertThrows(IllegalArgumentException.class, () -> SearchGrid.defaultLearningRates(1e-3, 1, false));
        assertThrows(IllegalArgumentException.class, () -> SearchGrid.defaultLearningRates(0, 5, false));
        assertThrows(IllegalArgumentException.class,
                () -> SearchGrid.defaultLearningRates(Double.NaN, 5, false));
    }

    @Test
    void trialsAreNamedOptionEqualsValue() {
        SearchGrid grid = new SearchGrid("weight_decay", List.of(0.0, 0.01, 0.1));
        assertEquals("weight_decay=0.0", grid.trialName(0));
        assertEquals("weight_decay=0.01", grid.trialName(1));
    }

    @Test
    void theSmallestAndLargestValuesAreTheEdgesWhateverTheOrder() {
        SearchGrid grid = new SearchGrid("lr", List.of(3e-4, 1e-4, 1e-3));
        assertTrue(grid.onEdge(1e-4));
        assertTrue(grid.onEdge(1e-3));
        assertFalse(grid.onEdge(3e-4));
    }
}
