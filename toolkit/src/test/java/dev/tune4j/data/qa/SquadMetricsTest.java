package dev.tune4j.data.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values computed by hand from the official SQuAD evaluation script's definitions. */
class SquadMetricsTest {
    @Test
    void normalizationLowercasesStripsPunctuationArticlesAndWhitespace() {
        assertEquals("eiffel tower", SquadMetrics.normalize("The  Eiffel Tower!"));
        // punctuation is deleted, not replaced by a space, as in the official script
        assertEquals("eiffeltower", SquadMetrics.normalize("The Eiffel-Tower"));
        assertEquals("apple banana", SquadMetrics.normalize(" an Apple, a banana. "));
        assertEquals("theory", SquadMetrics.normalize("theory")); // 'the' inside a word stays
        assertEquals("", SquadMetrics.normalize("The."));
    }

    @Test
    void exactMatchTakesTheBestGold() {
        assertEquals(1.0, SquadMetrics.exactMatch("the Eiffel tower", List.of("Louvre", "Eiffel Tower")));
        assertEquals(0.0, SquadMetrics.exactMatch("Eiffel", List.of("Eiffel Tower")));
    }

    @Test
    void f1CountsTokenOverlapWithMultiplicity() {
        // pred "paris france" vs gold "paris": same 1, precision 1/2, recall 1 -> 2/3
        assertEquals(2.0 / 3, SquadMetrics.f1("Paris, France", List.of("Paris")), 1e-12);
        // pred "a a b" -> tokens [b] after removing article 'a'; gold "b c": precision 1, recall 1/2 -> 2/3
        assertEquals(2.0 / 3, SquadMetrics.f1("a a b", List.of("b c")), 1e-12);
        // pred "x x y" vs gold "x y y": same = min(2,1) + min(1,2) = 2; p = r = 2/3 -> 2/3
        assertEquals(2.0 / 3, SquadMetrics.f1("x x y", List.of("x y y")), 1e-12);
        // best over golds: "new york" vs ["york", "new york city"]: 2/3 (york) and 0.8 (p 1, r 2/3)
        assertEquals(0.8, SquadMetrics.f1("New York", List.of("York", "New York City")), 1e-12);
        assertEquals(0.0, SquadMetrics.f1("Berlin", List.of("Paris")));
    }

    @Test
    void unanswerableQuestionsScoreOnlyTheEmptyPrediction() {
        assertEquals(1.0, SquadMetrics.exactMatch("", List.of()));
        assertEquals(1.0, SquadMetrics.f1("", List.of()));
        assertEquals(0.0, SquadMetrics.f1("Paris", List.of()));
        assertEquals(0.0, SquadMetrics.f1("", List.of("Paris")));
        assertEquals(1.0, SquadMetrics.f1("the", List.of()), "'the' normalizes to empty");
    }
}
