package dev.tune4j.report;

import java.util.Locale;
import java.util.function.Function;

/**
 * A per-seed value that the report compares between variants with a test ({@link MetricTests}), and how to speak of
 * it: which direction is better, and the phrase of a sentence "X {@code betterThan} Y".
 *
 * @param title the metric in a table or sentence, e.g. {@code eval accuracy}
 * @param higherIsBetter whether a larger value is the better one
 * @param timing whether the value is a time or a speed: runs flagged {@link SeedRun#timingDisturbed()} are left out
 * @param bytes whether the value is a size in bytes (printed in binary units)
 * @param betterThan the verb phrase of "X ... Y" when X is significantly better, e.g. {@code reaches a higher eval
 *     accuracy than}
 * @param value the run's value, or null when it has none; only read for runs that count towards the aggregates
 */
record ComparedMetric(String title, boolean higherIsBetter, boolean timing, boolean bytes, String betterThan,
        Function<SeedRun, Double> value) {

    /** Final training loss ({@link RunStatistics#finalLoss()}). */
    static final ComparedMetric FINAL_LOSS = new ComparedMetric("final training loss", false, false, false,
            "reaches a lower final training loss than", run -> run.statistics().finalLoss());
    /** Stability ({@link RunStatistics#stability()}): the lower, the steadier. */
    static final ComparedMetric STABILITY = new ComparedMetric("stability (final std of the training loss)", false,
            false, false, "has a steadier final training loss (a lower std over the last 10% of steps) than",
            run -> run.statistics().stability());
    /** The last evaluation's loss. */
    static final ComparedMetric EVAL_LOSS = new ComparedMetric("eval loss", false, false, false,
            "reaches a lower eval loss than", run -> run.statistics().finalEvalLoss());
    /** Steps to the target loss, over the seeds that reached it. */
    static final ComparedMetric STEPS_TO_TARGET = new ComparedMetric("steps to target", false, false, false,
            "reaches the target loss in fewer steps than", run -> toDouble(run.statistics().stepsToTarget()));
    /** Seconds to the target loss, over the seeds that reached it and whose timing was not disturbed. */
    static final ComparedMetric SECONDS_TO_TARGET = new ComparedMetric("seconds to target", false, true, false,
            "reaches the target loss in less wall time than", run -> run.statistics().secondsToTarget());
    /** Training throughput, over the seeds whose timing was not disturbed. */
    static final ComparedMetric TOKENS_PER_SECOND = new ComparedMetric("throughput (tokens/s)", true, true, false,
            "trains faster (more tokens/s) than", run -> run.statistics().tokensPerSecond());
    /** The largest optimizer state of the run. */
    static final ComparedMetric OPTIMIZER_STATE = new ComparedMetric("optimizer state", false, false, true,
            "keeps less optimizer state than", run -> (double) run.statistics().optimizerStateBytes());
    /** Peak resident memory. */
    static final ComparedMetric PEAK_RSS = new ComparedMetric("peak RSS", false, false, true,
            "has a lower peak RSS than", run -> (double) run.statistics().peakRssBytes());

    /**
     * An {@code eval_<metric>} of the last evaluation. Losses and perplexities are better low, every other metric
     * (accuracy, macro-F1, exact match) high.
     */
    static ComparedMetric evalMetric(String key) {
        String title = ReportTables.metricTitle(key);
        String lowered = key.toLowerCase(Locale.ROOT);
        boolean higherIsBetter = !(lowered.contains("loss") || lowered.contains("perplexity"));
        return new ComparedMetric(title, higherIsBetter, false, false,
                "reaches a " + (higherIsBetter ? "higher " : "lower ") + title + " than",
                run -> run.statistics().finalEvalMetrics().get(key));
    }

    /** Whether {@code a} is the better of two values (strictly). */
    boolean isBetter(double a, double b) {
        return higherIsBetter ? a > b : a < b;
    }

    /** A spread of this metric as the report prints it: {@code mean ± std} in its unit. */
    String format(SeedSpread spread) {
        return bytes ? ReportFormat.bytes(spread) : ReportFormat.meanStd(spread);
    }

    private static Double toDouble(Integer value) {
        return value == null ? null : value.doubleValue();
    }
}
