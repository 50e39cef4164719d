package dev.tune4j.task;

import dev.tune4j.data.classification.ClassificationMetrics;
import dev.tune4j.data.lm.NgramBaselines;
import dev.tune4j.data.qa.QaExample;
import dev.tune4j.data.qa.SquadMetrics;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A predictor that needs no model, scored on the same evaluation examples and with the same metric keys as the
 * task's {@link TrainingTask#evaluate}, so a fine-tuned model can be read against it. Fit on the training examples
 * only where it must be fit at all.
 *
 * <ul>
 *   <li>Classification, {@value #MAJORITY_CLASS}: always predict the training set's most frequent class (ties to the
 *       lower class id); {@code eval_accuracy} and {@code eval_macro_f1} on the eval split
 *       ({@link ClassificationMetrics}); {@value #CLASS_PRIOR}: always predict the training set's class frequencies,
 *       add-one smoothed ({@code (c + 1) / (N + K)}, so a class absent from training costs a finite loss), whose
 *       {@code eval_loss} (mean cross-entropy in nats) sits on the axis of the classifier's.
 *   <li>Causal LM on plain text, {@value #UNIGRAM} and {@value #BIGRAM}: {@link NgramBaselines}' add-one unigram and
 *       interpolated bigram (λ chosen on the training stream), counted on the training tokens and scored on the
 *       held-out tokens as one stream; {@code eval_loss} is the mean cross-entropy in nats per token (the axis of the
 *       model's {@code eval_loss}) and {@code eval_perplexity} its exponential.
 *   <li>Extractive QA, {@value #FIRST_SENTENCE}: answer every question with the first sentence of its context (up
 *       to and including the first {@code .}, {@code ?} or {@code !} followed by whitespace or the end; the whole
 *       context if there is none); SQuAD {@code eval_exact_match} and {@code eval_f1} ({@link SquadMetrics}).
 * </ul>
 *
 * @param name the baseline's key in a run's {@code summary.json} ({@value #MAJORITY_CLASS}, ...)
 * @param description what it predicts, in words, e.g. {@code always 'ham' (the training set's majority class)}
 * @param metrics evaluation metric keys ({@code eval_accuracy}, {@code eval_loss}, ...) to values, in a stable order
 */
public record TrivialBaseline(String name, String description, Map<String, Double> metrics) {
    /** Name of the classification baseline. */
    public static final String MAJORITY_CLASS = "majority_class";
    /** Name of the classification baseline on the eval-loss axis. */
    public static final String CLASS_PRIOR = "class_prior";
    /** Name of the add-one unigram language model baseline. */
    public static final String UNIGRAM = "unigram";
    /** Name of the interpolated bigram language model baseline. */
    public static final String BIGRAM = "bigram";
    /** Name of the extractive QA baseline. */
    public static final String FIRST_SENTENCE = "first_sentence";

    /** Keeps an unmodifiable copy of the metrics in their order. */
    public TrivialBaseline {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * Always predicting the training set's majority class, scored on the eval labels.
     *
     * @param trainLabels class ids of the training examples
     * @param evalLabels class ids of the evaluation examples
     * @param labels the class names by id
     */
    public static TrivialBaseline majorityClass(int[] trainLabels, int[] evalLabels, List<String> labels) {
        if (trainLabels.length == 0) {
            throw new IllegalArgumentException("no training labels to take the majority of");
        }
        int[] counts = new int[labels.size()];
        for (int label : trainLabels) {
            counts[label]++;
        }
        int majority = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[majority]) {
                majority = c;
            }
        }
        int[] predicted = new int[evalLabels.length];
        Arrays.fill(predicted, majority);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval_accuracy", ClassificationMetrics.accuracy(evalLabels, predicted));
        metrics.put("eval_macro_f1", ClassificationMetrics.macroF1(evalLabels, predicted, labels.size()));
        return new TrivialBaseline(MAJORITY_CLASS, "always '" + labels.get(majority)
                + "' (the training set's majority class, " + counts[majority] + " of " + trainLabels.length + ")",
                metrics);
    }

    /**
     * Always predicting the training set's add-one class frequencies, scored by cross-entropy on the eval labels.
     *
     * @param classes the number of classes; every id must be below it
     */
    public static TrivialBaseline classPrior(int[] trainLabels, int[] evalLabels, int classes) {
        if (evalLabels.length == 0) {
            throw new IllegalArgumentException("no eval labels to score");
        }
        long[] counts = new long[classes];
        for (int label : trainLabels) {
            counts[label]++;
        }
        double loss = 0;
        for (int label : evalLabels) {
            loss -= Math.log((counts[label] + 1.0) / (trainLabels.length + classes));
        }
        return new TrivialBaseline(CLASS_PRIOR, "the training set's class frequencies (add-one) as the prediction",
                Map.of(TrainingTask.EVAL_LOSS, loss / evalLabels.length));
    }

    /**
     * {@link NgramBaselines}' unigram and bigram, counted on {@code train} and scored on {@code heldOut}.
     *
     * @param vocabSize the tokenizer's vocabulary; every id must be below it
     */
    public static List<TrivialBaseline> ngrams(int[] train, int[] heldOut, int vocabSize) {
        return List.of(ngram(UNIGRAM, NgramBaselines.unigram(train, heldOut, vocabSize)),
                ngram(BIGRAM, NgramBaselines.interpolatedBigram(train, heldOut, vocabSize)));
    }

    private static TrivialBaseline ngram(String name, NgramBaselines.Baseline baseline) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(TrainingTask.EVAL_LOSS, baseline.crossEntropy());
        metrics.put("eval_perplexity", baseline.perplexity());
        return new TrivialBaseline(name, baseline.name() + ", counted on the training tokens", metrics);
    }

    /** Answering every question of {@code examples} with its context's first sentence. */
    public static TrivialBaseline firstSentence(List<QaExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no questions to answer");
        }
        double exact = 0;
        double f1 = 0;
        for (QaExample example : examples) {
            String answer = firstSentence(example.context());
            exact += SquadMetrics.exactMatch(answer, example.answerTexts());
            f1 += SquadMetrics.f1(answer, example.answerTexts());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval_exact_match", exact / examples.size());
        metrics.put("eval_f1", f1 / examples.size());
        return new TrivialBaseline(FIRST_SENTENCE, "the context's first sentence as the answer", metrics);
    }

    /** The text up to and including the first {@code .}, {@code ?} or {@code !} followed by whitespace or the end. */
    static String firstSentence(String context) {
        for (int i = 0; i < context.length(); i++) {
            char c = context.charAt(i);
            if ((c == '.' || c == '?' || c == '!')
                    && (i + 1 == context.length() || Character.isWhitespace(context.charAt(i + 1)))) {
                return context.substring(0, i + 1).strip();
            }
        }
        return context.strip();
    }
}
