package dev.tune4j.data.classification;

/**
 * Accuracy and macro-F1 of predicted class ids against gold ones. Macro-F1 averages the per-class F1
 * {@code 2 TP / (2 TP + FP + FN)} over the classes that occur in the gold or the predicted ids (scikit-learn's
 * default label set), so a class that never occurs and is never predicted does not count.
 */
public final class ClassificationMetrics {
    private ClassificationMetrics() {}

    /** Fraction of positions where {@code predicted} equals {@code gold}. */
    public static double accuracy(int[] gold, int[] predicted) {
        check(gold, predicted);
        int correct = 0;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] == predicted[i]) {
                correct++;
            }
        }
        return (double) correct / gold.length;
    }

    /**
     * Unweighted mean of per-class F1.
     *
     * @param classes number of classes; every id must be in {@code [0, classes)}
     */
    public static double macroF1(int[] gold, int[] predicted, int classes) {
        check(gold, predicted);
        long[] truePositives = new long[classes];
        long[] goldCounts = new long[classes];
        long[] predictedCounts = new long[classes];
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0 || gold[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("class id out of [0, " + classes + ") at position " + i
                        + ": gold " + gold[i] + ", predicted " + predicted[i]);
            }
            goldCounts[gold[i]]++;
            predictedCounts[predicted[i]]++;
            if (gold[i] == predicted[i]) {
                truePositives[gold[i]]++;
            }
        }
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            if (goldCounts[c] == 0 && predictedCounts[c] == 0) {
                continue;
            }
            sum += 2.0 * truePositives[c] / (goldCounts[c] + predictedCounts[c]);
            counted++;
        }
        return sum / counted;
    }

    private static void check(int[] gold, int[] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length + " predictions");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no predictions to score");
        }
    }
}
