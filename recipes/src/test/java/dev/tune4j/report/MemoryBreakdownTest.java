package dev.tune4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The breakdown's arithmetic on hand-made training lines; every expected value is worked out by hand below. */
class MemoryBreakdownTest {
    private static TrainStep line(int step, long state, long peak, Long rss, Long heapUsed, Long heapCommitted) {
        return new TrainStep(step, 1.0, 10, step, 100, state, peak, rss, heapUsed, heapCommitted, null);
    }

    /**
     * Peak 1000 first reported at step 2 (step 3 reports it again): the parts are step 2's. Weights 100, gradients
     * 40, state 80 (step 2's, not step 3's 90), heap committed 300: rest = 1000 - 520 = 480. The resident set after
     * step 2 is 700, so the step freed 1000 - 700 = 300 by its end and 480 - 300 = 180 stayed resident.
     */
    @Test
    void partsAreThoseOfTheFirstStepAtThePeakAndAddUpToIt() {
        List<TrainStep> steps = List.of(line(1, 0, 600, 500L, 50L, 200L), line(2, 80, 1000, 700L, 120L, 300L),
                line(3, 90, 1000, 650L, 130L, 310L));
        MemoryBreakdown memory = MemoryBreakdown.compute(steps, 100, 40);
        assertEquals(new MemoryBreakdown(1000, 2, 100, 40, 80, 300, 120, 700, 480, 300, 180), memory);
    }

    /**
     * Named parts above the resident set after the step: weights 300, gradients 300, state 100, heap committed 400
     * (1100) against a peak of 1050 and 900 resident after the step: rest = 1050 - 1100 = -50, of which the step
     * freed 150, so the resident remainder is -200 (committed heap pages that are not resident).
     */
    @Test
    void theRestIsNegativeWhenTheNamedPartsExceedThePeak() {
        MemoryBreakdown memory = MemoryBreakdown.compute(List.of(line(1, 100, 1050, 900L, 100L, 400L)), 300, 300);
        assertEquals(new MemoryBreakdown(1050, 1, 300, 300, 100, 400, 100, 900, -50, 150, -200), memory);
    }

    @Test
    void noBreakdownWithoutTheMemoryFieldsOrAMeasuredPeak() {
        assertNull(MemoryBreakdown.compute(List.of(), 1, 1));
        assertNull(MemoryBreakdown.compute(List.of(new TrainStep(1, 1.0, 10, 1, 100, 8, 1000)), 1, 1),
                "a line of an older tune4j, without rss and heap committed");
        assertNull(MemoryBreakdown.compute(List.of(line(1, 8, -1, -1L, 10L, 20L)), 1, 1), "no /proc: not measured");
    }

    @Test
    void partsThatDoNotAddUpAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new MemoryBreakdown(1000, 1, 100, 40, 80, 300, 120, 700, 481, 300, 181));
        assertThrows(IllegalArgumentException.class,
                () -> new MemoryBreakdown(1000, 1, 100, 40, 80, 300, 120, 700, 480, 300, 181));
    }
}
