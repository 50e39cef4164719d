package dev.tune4j.data.lm;

import java.util.HashMap;
import java.util.Map;

/**
 * Count-based baselines a trained language model must beat, scored as mean cross-entropy in nats per token on
 * held-out tokens, with counts from the training tokens only.
 *
 * <ul>
 *   <li><b>Unigram, add-one</b>: {@code P(w) = (c(w) + 1) / (N + V)}.
 *   <li><b>Interpolated bigram</b>: {@code P(w | v) = λ c(v, w) / c(v) + (1 - λ) P_unigram(w)}, falling back to the
 *       unigram when {@code v} never occurs. <b>Choice of λ</b>: the value from {0.05, 0.10, …, 0.95} with the lowest
 *       cross-entropy on a development slice, the last 10% of the <i>training</i> stream, counted from the first
 *       90%; the final counts then use the whole training stream. The held-out tokens are never used to choose λ.
 * </ul>
 *
 * Held-out scoring predicts held-out token {@code i} from held-out token {@code i - 1} for every {@code i >= 1}
 * (the first held-out token is not scored by the bigram; the unigram scores tokens 1.. as well, so both cover the
 * same tokens).
 */
public final class NgramBaselines {
    private NgramBaselines() {}

    /**
     * A baseline's result.
     *
     * @param name {@code unigram (add-one)} or {@code bigram (interpolated, λ=…)}
     * @param crossEntropy mean nats per held-out token
     * @param lambda the bigram weight (NaN for the unigram)
     */
    public record Baseline(String name, double crossEntropy, double lambda) {
        /** {@code exp(crossEntropy)}. */
        public double perplexity() {
            return Math.exp(crossEntropy);
        }
    }

    /** The add-one unigram's held-out cross-entropy. */
    public static Baseline unigram(int[] train, int[] heldOut, int vocabSize) {
        Unigram unigram = new Unigram(train, train.length, vocabSize);
        double sum = 0;
        for (int i = 1; i < heldOut.length; i++) {
            sum -= Math.log(unigram.probability(heldOut[i]));
        }
        return new Baseline("unigram (add-one)", sum / (heldOut.length - 1), Double.NaN);
    }

    /** The interpolated bigram's held-out cross-entropy, λ chosen as the class documentation says. */
    public static Baseline interpolatedBigram(int[] train, int[] heldOut, int vocabSize) {
        int cut = (int) (train.length * 0.9);
        double bestLambda = 0.5;
        if (cut >= 2 && train.length - cut >= 2) {
            Bigram development = new Bigram(train, cut, vocabSize);
            int[] developmentTokens = java.util.Arrays.copyOfRange(train, cut, train.length);
            double best = Double.POSITIVE_INFINITY;
            for (int step = 1; step <= 19; step++) {
                double lambda = step * 0.05;
                double loss = development.crossEntropy(developmentTokens, lambda);
                if (loss < best) {
                    best = loss;
                    bestLambda = lambda;
                }
            }
        }
        return interpolatedBigram(train, heldOut, vocabSize, bestLambda);
    }

    /** The interpolated bigram's held-out cross-entropy with a given λ in [0, 1]. */
    public static Baseline interpolatedBigram(int[] train, int[] heldOut, int vocabSize, double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("λ must be in [0, 1], got " + lambda);
        }
        double loss = new Bigram(train, train.length, vocabSize).crossEntropy(heldOut, lambda);
        return new Baseline(String.format("bigram (interpolated, λ=%.2f)", lambda), loss, lambda);
    }

    private static final class Unigram {
        private final long[] counts;
        private final long total;
        private final int vocabSize;

        Unigram(int[] tokens, int length, int vocabSize) {
            this.vocabSize = vocabSize;
            this.counts = new long[vocabSize];
            for (int i = 0; i < length; i++) {
                if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                    throw new IllegalArgumentException("token id " + tokens[i] + " at " + i
                            + " is outside the vocabulary of " + vocabSize);
                }
                counts[tokens[i]]++;
            }
            this.total = length;
        }

        double probability(int token) {
            if (token < 0 || token >= vocabSize) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocabSize);
            }
            return (counts[token] + 1.0) / (total + vocabSize);
        }
    }

    private static final class Bigram {
        private final Unigram unigram;
        private final long[] contextCounts;
        private final Map<Long, Integer> pairCounts = new HashMap<>();

        Bigram(int[] tokens, int length, int vocabSize) {
            this.unigram = new Unigram(tokens, length, vocabSize);
            this.contextCounts = new long[vocabSize];
            for (int i = 1; i < length; i++) {
                contextCounts[tokens[i - 1]]++;
                pairCounts.merge(key(tokens[i - 1], tokens[i]), 1, Integer::sum);
            }
        }

        double crossEntropy(int[] tokens, double lambda) {
            double sum = 0;
            for (int i = 1; i < tokens.length; i++) {
                double unigramProbability = unigram.probability(tokens[i]);
                long context = contextCounts[tokens[i - 1]];
                double probability = context == 0 ? unigramProbability
                        : lambda * pairCounts.getOrDefault(key(tokens[i - 1], tokens[i]), 0) / context
                                + (1 - lambda) * unigramProbability;
                sum -= Math.log(probability);
            }
            return sum / (tokens.length - 1);
        }

        private static long key(int previous, int next) {
            return ((long) previous << 32) | (next & 0xffffffffL);
        }
    }
}
