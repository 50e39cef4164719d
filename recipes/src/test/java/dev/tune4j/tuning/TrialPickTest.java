package dev.tune4j.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The rule that picks a trial: best objective in its direction, ties to the smaller value, no objective no win. */
class TrialPickTest {
    private static final List<Double> LRS = List.of(1e-4, 3e-4, 1e-3, 3e-3);

    @Test
    void theLowestLossWins() {
        assertEquals(OptionalInt.of(2), TrialPick.best(LRS, List.of(2.5, 2.1, 1.9, 2.7), false));
    }

    @Test
    void theHighestAccuracyWins() {
        assertEquals(OptionalInt.of(1), TrialPick.best(LRS, List.of(0.80, 0.91, 0.90, 0.50), true));
    }

    @Test
    void aTieGoesToTheSmallerValueWhereverItStands() {
        assertEquals(OptionalInt.of(1), TrialPick.best(LRS, List.of(2.0, 1.5, 1.5, 1.7), false));
        List<Double> descending = List.of(3e-3, 1e-3, 3e-4, 1e-4);
        assertEquals(OptionalInt.of(3), TrialPick.best(descending, List.of(0.9, 0.9, 0.8, 0.9), true));
    }

    @Test
    void trialsWithoutAnObjectiveNeverWin() {
        List<Double> objectives = Arrays.asList(null, 2.4, Double.NaN, null);
        assertEquals(OptionalInt.of(1), TrialPick.best(LRS, objectives, false));
        assertEquals(OptionalInt.empty(), TrialPick.best(LRS, Arrays.asList(null, null, Double.NaN, null), false));
    }

    @Test
    void valuesAndObjectivesMustPair() {
        assertThrows(IllegalArgumentException.class, () -> TrialPick.best(LRS, List.of(1.0), false));
    }
}
