package dev.tune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tune4j.data.qa.QaAnswer;
import dev.tune4j.data.qa.QaExample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trivial baselines on fixtures small enough to score by hand (the arithmetic is in the comments). */
class TrivialBaselineTest {

    @Test
    void majorityClassIsFitOnTrainingLabelsAndScoredOnEvalLabels() {
        // train: ham 2, spam 3 -> always "spam"; eval gold ham, spam, spam, ham, ham -> 2 of 5 right
        TrivialBaseline baseline = TrivialBaseline.majorityClass(new int[] {0, 1, 1, 1, 0}, new int[] {0, 1, 1, 0, 0},
                List.of("ham", "spam"));
        assertEquals(TrivialBaseline.MAJORITY_CLASS, baseline.name());
        assertEquals("always 'spam' (the training set's majority class, 3 of 5)", baseline.description());
        assertEquals(List.of("eval_accuracy", "eval_macro_f1"), List.copyOf(baseline.metrics().keySet()));
        assertEquals(0.4, baseline.metrics().get("eval_accuracy"), 1e-15);
        // F1 ham = 0 (never predicted, 3 gold); F1 spam = 2*2 / (2 gold + 5 predicted) = 4/7; mean 2/7
        assertEquals(2.0 / 7, baseline.metrics().get("eval_macro_f1"), 1e-15);
    }

    @Test
    void aTieGoesToTheLowerClassAndAnAbsentClassDoesNotCount() {
        // train: a 1, b 1, c 0 -> "a"; eval a, a, b: accuracy 2/3; F1 a = 2*2/(2+3) = 4/5, F1 b = 0, c not counted
        TrivialBaseline baseline = TrivialBaseline.majorityClass(new int[] {1, 0}, new int[] {0, 0, 1},
                List.of("a", "b", "c"));
        assertEquals("always 'a' (the training set's majority class, 1 of 2)", baseline.description());
        assertEquals(2.0 / 3, baseline.metrics().get("eval_accuracy"), 1e-15);
        assertEquals(0.4, baseline.metrics().get("eval_macro_f1"), 1e-15);
    }

    @Test
    void theClassPriorScoresTheEvalLabelsByCrossEntropy() {
        // train: ham 2, spam 3 of 5, 2 classes: P(ham) = 3/7, P(spam) = 4/7; eval ham, spam, spam, ham, ham
        TrivialBaseline baseline = TrivialBaseline.classPrior(new int[] {0, 1, 1, 1, 0}, new int[] {0, 1, 1, 0, 0},
                2);
        assertEquals(TrivialBaseline.CLASS_PRIOR, baseline.name());
        assertEquals(List.of(TrainingTask.EVAL_LOSS), List.copyOf(baseline.metrics().keySet()));
        assertEquals(-(3 * Math.log(3.0 / 7) + 2 * Math.log(4.0 / 7)) / 5,
                baseline.metrics().get(TrainingTask.EVAL_LOSS), 1e-15);
        // a class never seen in training still has probability 1 / (N + K): train a a, eval b -> ln(4)
        assertEquals(Math.log(4), TrivialBaseline.classPrior(new int[] {0, 0}, new int[] {1}, 2).metrics()
                .get(TrainingTask.EVAL_LOSS), 1e-15);
    }

    @Test
    void ngramsGiveTheEvalLossInNatsAndItsPerplexity() {
        // train 0 1 1, vocabulary 3: add-one unigram P = (1+1)/6, (2+1)/6, (0+1)/6
        // held-out 1 0 2 scores tokens 0 and 2: (ln 3 + ln 6) / 2 = ln(18) / 2
        List<TrivialBaseline> ngrams = TrivialBaseline.ngrams(new int[] {0, 1, 1}, new int[] {1, 0, 2}, 3);
        TrivialBaseline unigram = ngrams.get(0);
        assertEquals(TrivialBaseline.UNIGRAM, unigram.name());
        assertEquals("unigram (add-one), counted on the training tokens", unigram.description());
        assertEquals(List.of(TrainingTask.EVAL_LOSS, "eval_perplexity"), List.copyOf(unigram.metrics().keySet()));
        assertEquals(Math.log(18) / 2, unigram.metrics().get(TrainingTask.EVAL_LOSS), 1e-12);
        assertEquals(Math.sqrt(18), unigram.metrics().get("eval_perplexity"), 1e-12);
        // 3 training tokens leave no 2-token development slice, so λ = 0.5;
        // P(0 | 1) = 0.5 * c(1,0)/c(1) + 0.5 * 1/3 = 1/6, P(2 | 0) = 0.5 * 0/1 + 0.5 * 1/6 = 1/12: ln(72) / 2
        TrivialBaseline bigram = ngrams.get(1);
        assertEquals(TrivialBaseline.BIGRAM, bigram.name());
        assertEquals("bigram (interpolated, λ=0.50), counted on the training tokens", bigram.description());
        assertEquals(Math.log(72) / 2, bigram.metrics().get(TrainingTask.EVAL_LOSS), 1e-12);
        assertEquals(Math.sqrt(72), bigram.metrics().get("eval_perplexity"), 1e-12);
    }

    @Test
    void firstSentenceAnswersAreScoredWithSquadMetrics() {
        // "Paris is the capital." normalizes to "paris is capital" against "paris": EM 0, F1 2*(1/3)*1/(1/3+1) = 1/2
        QaExample paris = new QaExample("q1", "Capital?", "Paris is the capital. It is big.",
                List.of(new QaAnswer("Paris", 0)), false);
        // "Yes!" normalizes to "yes": EM 1, F1 1
        QaExample yes = new QaExample("q2", "Well?", "Yes! Maybe later.", List.of(new QaAnswer("Yes", 0)), false);
        TrivialBaseline baseline = TrivialBaseline.firstSentence(List.of(paris, yes));
        assertEquals(TrivialBaseline.FIRST_SENTENCE, baseline.name());
        assertEquals(List.of("eval_exact_match", "eval_f1"), List.copyOf(baseline.metrics().keySet()));
        assertEquals(0.5, baseline.metrics().get("eval_exact_match"), 1e-15);
        assertEquals(0.75, baseline.metrics().get("eval_f1"), 1e-15);
    }

    @Test
    void aSentenceEndsAtPunctuationFollowedBySpaceOrTheEnd() {
        assertEquals("It cost 3.5 million.", TrivialBaseline.firstSentence("It cost 3.5 million. Then more."));
        assertEquals("Why?", TrivialBaseline.firstSentence("Why?\nBecause."));
        assertEquals("no end e.g.x here", TrivialBaseline.firstSentence(" no end e.g.x here "));
    }

    @Test
    void refusesEmptyInputs() {
        assertThrows(IllegalArgumentException.class,
                () -> TrivialBaseline.majorityClass(new int[0], new int[] {0}, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> TrivialBaseline.firstSentence(List.of()));
    }
}
