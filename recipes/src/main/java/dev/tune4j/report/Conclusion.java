package dev.tune4j.report;

import dev.tune4j.runfiles.RunStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sentences under the results table, computed from the numbers of a {@link Comparison}:
 *
 * <ol>
 *   <li>Which variant converged fastest: the lowest mean seconds to target among the variants whose every seed
 *       reached the target. When no variant qualifies (or there is no target) it says so and names the lowest mean
 *       final loss instead.
 *   <li>Which used the least memory: the lowest mean optimizer-state bytes, and the lowest mean peak RSS (named
 *       separately when another variant has it).
 *   <li>Which variants had diverged or failed seeds.
 * </ol>
 *
 * Variants sharing the lowest value are all named, in variant order; among equally fast variants the one listed
 * first is named. Only completed seeds enter the means.
 */
public final class Conclusion {
    private Conclusion() {}

    /** The sentences for {@code comparison}, space-separated. */
    public static String of(Comparison comparison) {
        List<String> sentences = new ArrayList<>();
        sentences.add(convergence(comparison));
        memory(comparison).ifPresent(sentences::add);
        List<String> diverged = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> badInput = new ArrayList<>();
        for (VariantResult variant : comparison.variants()) {
            variant.runsWith(RunStatus.DIVERGED)
                    .forEach(run -> diverged.add(variant.name() + " " + ReportTables.divergence(run)));
            variant.runsWith(RunStatus.FAILED)
                    .forEach(run -> failed.add(variant.name() + " (seed " + run.seed() + ")"));
            variant.runsWith(RunStatus.BAD_INPUT)
                    .forEach(run -> badInput.add(variant.name() + " (seed " + run.seed() + ")"));
        }
        if (!diverged.isEmpty()) {
            sentences.add("Diverged: " + String.join(", ", diverged)
                    + "; their statistics are over the seeds that completed.");
        }
        if (!failed.isEmpty()) {
            sentences.add("Failed: " + String.join(", ", failed) + ".");
        }
        if (!badInput.isEmpty()) {
            sentences.add("Refused as bad input, never trained: " + String.join(", ", badInput) + ".");
        }
        return String.join(" ", sentences);
    }

    private static String convergence(Comparison comparison) {
        List<VariantResult> lowestLoss = lowest(comparison, VariantStatistics::finalLoss);
        if (lowestLoss.isEmpty()) {
            return "No run completed, so there is nothing to compare.";
        }
        String lowestLossClause = "the lowest mean final loss was " + names(lowestLoss) + "'s ("
                + ReportFormat.number(lowestLoss.getFirst().statistics().finalLoss().mean()) + ").";
        if (comparison.targetLoss() == null) {
            return "No target loss was set; " + lowestLossClause;
        }
        String target = ReportFormat.number(comparison.targetLoss());
        Optional<VariantResult> fastest = comparison.variants().stream()
                .filter(VariantResult::everySeedReachedTarget)
                .min(Comparator.comparingDouble(v -> v.statistics().secondsToTarget().mean()));
        if (fastest.isEmpty()) {
            return "No variant reached the target loss " + target + " in every seed; " + lowestLossClause;
        }
        VariantStatistics stats = fastest.get().statistics();
        int reached = stats.targetReached();
        return fastest.get().name() + " converged fastest: " + (reached == 1 ? "its seed" : "all " + reached + " seeds")
                + " reached the target loss " + target + ", on average after "
                + ReportFormat.number(stats.secondsToTarget().mean()) + " s ("
                + ReportFormat.number(stats.stepsToTarget().mean()) + " steps).";
    }

    private static Optional<String> memory(Comparison comparison) {
        List<VariantResult> leastState = lowest(comparison, VariantStatistics::optimizerStateBytes);
        List<VariantResult> leastRss = lowest(comparison, VariantStatistics::peakRssBytes);
        if (leastState.isEmpty() || leastRss.isEmpty()) {
            return Optional.empty();
        }
        String state = names(leastState) + (leastState.size() == 1 ? " used" : " tied for")
                + " the least optimizer state ("
                + ReportFormat.bytes(meanOnly(leastState.getFirst().statistics().optimizerStateBytes())) + ")";
        String rss = "the lowest peak RSS ("
                + ReportFormat.bytes(meanOnly(leastRss.getFirst().statistics().peakRssBytes())) + ")";
        if (leastState.equals(leastRss)) {
            return Optional.of(state + (leastState.size() == 1 ? " and had " : " and ") + rss + ".");
        }
        return Optional.of(state + "; " + names(leastRss) + (leastRss.size() == 1 ? " had " : " tied for ") + rss
                + ".");
    }

    /** The variants sharing the lowest mean of a statistic (in variant order), among those that have it. */
    private static List<VariantResult> lowest(Comparison comparison,
            Function<VariantStatistics, SeedSpread> statistic) {
        List<VariantResult> having = comparison.variants().stream()
                .filter(variant -> statistic.apply(variant.statistics()) != null).toList();
        double least = having.stream().mapToDouble(variant -> statistic.apply(variant.statistics()).mean())
                .min().orElse(Double.NaN);
        return having.stream().filter(variant -> statistic.apply(variant.statistics()).mean() == least).toList();
    }

    /** {@code a}, {@code a and b}, {@code a, b and c}. */
    private static String names(List<VariantResult> variants) {
        List<String> names = variants.stream().map(VariantResult::name).toList();
        if (names.size() == 1) {
            return names.getFirst();
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    private static SeedSpread meanOnly(SeedSpread spread) {
        return new SeedSpread(spread.mean(), 0, spread.seeds());
    }
}
