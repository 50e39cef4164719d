package dev.tune4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A variant's statistics over the seeds that completed ({@link SeedRun#countsTowardsAggregates()}); diverged and
 * failed seeds are left out, and each {@link SeedSpread#seeds()} says how many seeds a value came from. A field is
 * null when no completed seed has the value.
 *
 * @param completedSeeds how many seeds the aggregates are over
 * @param finalLoss {@link RunStatistics#finalLoss()}
 * @param stability {@link RunStatistics#stability()}
 * @param finalEvalLoss {@link RunStatistics#finalEvalLoss()} over the seeds that evaluated
 * @param finalEvalMetrics each {@code eval_<metric>} of {@link RunStatistics#finalEvalMetrics()}, in first-seen order
 * @param targetReached how many completed seeds reached the target loss
 * @param stepsToTarget {@link RunStatistics#stepsToTarget()} over the seeds that reached the target
 * @param secondsToTarget {@link RunStatistics#secondsToTarget()} over the seeds that reached the target
 * @param secondsToTargetAtMedianStep {@link RunStatistics#secondsToTargetAtMedianStep()} over the seeds that reached
 *     the target
 * @param optimizerStateBytes {@link RunStatistics#optimizerStateBytes()}
 * @param bytesPerParameter optimizer state bytes per trainable parameter ({@link SeedRun#bytesPerParameter()})
 * @param peakRssBytes {@link RunStatistics#peakRssBytes()}
 * @param tokensPerSecond {@link RunStatistics#tokensPerSecond()}
 * @param medianStepMillis {@link RunStatistics#medianStepMillis()}
 * @param stepTimeCv {@link RunStatistics#stepTimeCv()}
 * @param timingDisturbed how many completed seeds' timing was disturbed ({@link RunStatistics#timingDisturbed()});
 *     their times are in the spreads above all the same, for a speed claim to leave out
 * @param trainSeconds {@link RunStatistics#trainSeconds()}
 */
public record VariantStatistics(
        int completedSeeds,
        SeedSpread finalLoss,
        SeedSpread stability,
        SeedSpread finalEvalLoss,
        Map<String, SeedSpread> finalEvalMetrics,
        int targetReached,
        SeedSpread stepsToTarget,
        SeedSpread secondsToTarget,
        SeedSpread secondsToTargetAtMedianStep,
        SeedSpread optimizerStateBytes,
        SeedSpread bytesPerParameter,
        SeedSpread peakRssBytes,
        SeedSpread tokensPerSecond,
        SeedSpread medianStepMillis,
        SeedSpread stepTimeCv,
        int timingDisturbed,
        SeedSpread trainSeconds) {

    /** Aggregates the completed seeds among {@code runs}. */
    public static VariantStatistics of(List<SeedRun> runs) {
        List<SeedRun> completed = runs.stream().filter(SeedRun::countsTowardsAggregates).toList();
        Set<String> metricNames = new LinkedHashSet<>();
        completed.forEach(run -> metricNames.addAll(run.statistics().finalEvalMetrics().keySet()));
        Map<String, SeedSpread> evalMetrics = new LinkedHashMap<>();
        for (String name : metricNames) {
            evalMetrics.put(name, over(completed, run -> run.statistics().finalEvalMetrics().get(name)));
        }
        return new VariantStatistics(
                completed.size(),
                over(completed, run -> run.statistics().finalLoss()),
                over(completed, run -> run.statistics().stability()),
                over(completed, run -> run.statistics().finalEvalLoss()),
                evalMetrics,
                (int) completed.stream().filter(run -> run.statistics().stepsToTarget() != null).count(),
                over(completed, run -> run.statistics().stepsToTarget()),
                over(completed, run -> run.statistics().secondsToTarget()),
                over(completed, run -> run.statistics().secondsToTargetAtMedianStep()),
                over(completed, run -> run.statistics().optimizerStateBytes()),
                over(completed, SeedRun::bytesPerParameter),
                over(completed, run -> run.statistics().peakRssBytes()),
                over(completed, run -> run.statistics().tokensPerSecond()),
                over(completed, run -> run.statistics().medianStepMillis()),
                over(completed, run -> run.statistics().stepTimeCv()),
                (int) completed.stream().filter(run -> run.statistics().timingDisturbed()).count(),
                over(completed, run -> run.statistics().trainSeconds()));
    }

    /** The spread of a value over the runs that have it (null values are skipped). */
    private static SeedSpread over(List<SeedRun> runs, Function<SeedRun, ? extends Number> value) {
        List<Number> values = new ArrayList<>();
        runs.stream().map(value).filter(Objects::nonNull).forEach(values::add);
        return SeedSpread.of(values);
    }
}
