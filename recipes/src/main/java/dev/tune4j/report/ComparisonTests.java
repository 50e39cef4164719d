package dev.tune4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every test of a comparison ({@link MetricTests} per metric), computed once and shared by the conclusion, the
 * rankings and the paper's-claims table, so all three say the same thing.
 *
 * @param comparison what was tested
 * @param mainEvalMetric the comparison's main evaluation metric, or null without one
 * @param evalLoss the last evaluation's loss, or null without evaluation
 * @param finalLoss the final training loss
 * @param stability the final training loss's std
 * @param stepsToTarget steps to the target loss, or null without a target
 * @param secondsToTarget seconds to the target loss, or null without a target
 * @param tokensPerSecond throughput
 * @param optimizerState optimizer state bytes
 * @param peakRss peak resident memory
 */
record ComparisonTests(Comparison comparison, MetricTests mainEvalMetric, MetricTests evalLoss, MetricTests finalLoss,
        MetricTests stability, MetricTests stepsToTarget, MetricTests secondsToTarget, MetricTests tokensPerSecond,
        MetricTests optimizerState, MetricTests peakRss) {

    /** Runs every test of {@code comparison}. */
    static ComparisonTests of(Comparison comparison) {
        boolean target = comparison.targetLoss() != null;
        return new ComparisonTests(comparison,
                comparison.mainEvalMetric() == null ? null
                        : MetricTests.of(comparison, ComparedMetric.evalMetric(comparison.mainEvalMetric())),
                comparison.hasEvaluation() ? MetricTests.of(comparison, ComparedMetric.EVAL_LOSS) : null,
                MetricTests.of(comparison, ComparedMetric.FINAL_LOSS),
                MetricTests.of(comparison, ComparedMetric.STABILITY),
                target ? MetricTests.of(comparison, ComparedMetric.STEPS_TO_TARGET) : null,
                target ? MetricTests.of(comparison, ComparedMetric.SECONDS_TO_TARGET) : null,
                MetricTests.of(comparison, ComparedMetric.TOKENS_PER_SECOND),
                MetricTests.of(comparison, ComparedMetric.OPTIMIZER_STATE),
                MetricTests.of(comparison, ComparedMetric.PEAK_RSS));
    }

    /**
     * The metric that says how well a variant learned: the main evaluation metric, else the eval loss, else the
     * final training loss.
     */
    MetricTests quality() {
        return mainEvalMetric != null ? mainEvalMetric : evalLoss != null ? evalLoss : finalLoss;
    }

    /** The final loss the report compares: the eval loss when there is evaluation, else the training loss. */
    MetricTests lossForClaims() {
        return evalLoss != null ? evalLoss : finalLoss;
    }

    /**
     * The metrics that get a ranking table, in report order: the main evaluation metric, the eval loss (the final
     * training loss without evaluation), steps and seconds to target, optimizer state and peak RSS; those that do
     * not apply are left out.
     */
    List<MetricTests> rankings() {
        List<MetricTests> tables = new ArrayList<>();
        Stream.of(mainEvalMetric, lossForClaims(), stepsToTarget, secondsToTarget, optimizerState, peakRss)
                .filter(tests -> tests != null).forEach(tables::add);
        return tables;
    }
}
