package dev.tune4j.data.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainEvalSplitTest {
    /** Project-made fixture: 70 "a" and 30 "b" examples with distinct texts. */
    private static ClassificationDataset seventyThirty() {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            examples.add(new TextExample("text " + i, i < 70 ? "a" : "b"));
        }
        return new ClassificationDataset("fixture", examples, List.of("a", "b"), 0);
    }

    @Test
    void stratifiedSplitKeepsTheBalanceAndIsDisjointAndDeterministic() {
        ClassificationDataset dataset = seventyThirty();
        TrainEvalSplit split = TrainEvalSplit.of(dataset, 50, 20, 42, true);
        assertEquals(Map.of("a", 35, "b", 15), split.train().classCounts());
        assertEquals(Map.of("a", 14, "b", 6), split.eval().classCounts());
        Set<String> seen = new HashSet<>(split.train().texts());
        split.eval().texts().forEach(text -> assertTrue(seen.add(text), "eval shares " + text + " with train"));
        assertEquals(split, TrainEvalSplit.of(dataset, 50, 20, 42, true), "same seed, same split");
        assertNotEquals(split.train().texts(), TrainEvalSplit.of(dataset, 50, 20, 43, true).train().texts());
        assertEquals("train 50 examples: a 35 (70.0%), b 15 (30.0%)\neval  20 examples: a 14 (70.0%), b 6 (30.0%)",
                split.balance());
        assertEquals(List.of("a", "b"), split.eval().labels());
    }

    @Test
    void unstratifiedSplitIsASeededShuffle() {
        ClassificationDataset dataset = seventyThirty();
        TrainEvalSplit split = TrainEvalSplit.byFraction(dataset, 0.25, 7, false);
        assertEquals(75, split.train().size());
        assertEquals(25, split.eval().size());
        Set<String> all = new HashSet<>(split.train().texts());
        all.addAll(split.eval().texts());
        assertEquals(100, all.size());
        assertEquals(split, TrainEvalSplit.byFraction(dataset, 0.25, 7, false));
    }

    @Test
    void apportionUsesLargestRemainders() {
        // 10 of sizes (5, 3, 2): exact 5, 3, 2. 7 of (5, 3, 2): 3.5, 2.1, 1.4 -> floors 3, 2, 1, one more to 0.5
        assertArrayEquals(new int[] {5, 3, 2}, TrainEvalSplit.apportion(10, new int[] {5, 3, 2}));
        assertArrayEquals(new int[] {4, 2, 1}, TrainEvalSplit.apportion(7, new int[] {5, 3, 2}));
        // 1 of (1, 1): remainders tie at 0.5 -> the lower class id gets it
        assertArrayEquals(new int[] {1, 0}, TrainEvalSplit.apportion(1, new int[] {1, 1}));
    }

    @Test
    void impossibleCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TrainEvalSplit.of(seventyThirty(), 90, 20, 1, true));
    }
}
