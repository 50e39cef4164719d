package dev.tune4j.report;

import dev.tune4j.report.MetricTests.PairTest;
import dev.tune4j.report.MetricTests.VariantSample;
import dev.tune4j.runfiles.RunStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sentences under the results table. Every sentence that says one variant is better than another comes from
 * {@link MetricTests} (Welch's t-test over seeds, Holm-corrected over the pairs of the metric, level
 * {@value MetricTests#ALPHA}) and prints the means ± std, the seed counts and the p-values behind it.
 *
 * <ol>
 *   <li>Quality ({@link ComparisonTests#quality()}), steps to target, seconds to target and peak RSS, each: the best
 *       variant and the variants it is significantly better than; the variants no test separates from it; or "no
 *       significant difference over N seeds" naming the tied group; or, with fewer than 2 seeds per variant, that
 *       no test is possible. Seconds to target leave out runs whose timing was disturbed, and say so.
 *   <li>Memory: among full fine-tuning variants, the least and the most optimizer state per trainable parameter;
 *       a LoRA variant's small state is named as what it is, the state of its adapters only.
 *   <li>Which variants had diverged, failed or refused seeds.
 * </ol>
 *
 * With fewer than two variants that completed a seed, the first point is replaced by a sentence saying so.
 */
public final class Conclusion {
    private Conclusion() {}

    /** The sentences for {@code comparison}, space-separated. */
    public static String of(Comparison comparison) {
        return of(ComparisonTests.of(comparison));
    }

    /** The sentences for the comparison of {@code tests}, space-separated. */
    static String of(ComparisonTests tests) {
        Comparison comparison = tests.comparison();
        List<String> sentences = new ArrayList<>();
        List<String> completed = comparison.variants().stream().filter(v -> v.statistics().completedSeeds() > 0)
                .map(VariantResult::name).toList();
        if (completed.isEmpty()) {
            sentences.add("No run completed, so there is nothing to compare.");
        } else if (completed.size() == 1) {
            sentences.add("Only " + completed.getFirst() + " has completed runs, so no variants are compared.");
            memory(tests).ifPresent(sentences::add);
        } else {
            sentences.add(compare(tests.quality()));
            if (comparison.targetLoss() == null) {
                sentences.add("No target loss was set, so nothing is said about the speed of convergence.");
            } else {
                sentences.add(toTarget(tests.stepsToTarget(), comparison));
                sentences.add(toTarget(tests.secondsToTarget(), comparison));
            }
            memory(tests).ifPresent(sentences::add);
            sentences.add(compare(tests.peakRss()));
        }
        List<String> diverged = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> badInput = new ArrayList<>();
        List<String> interrupted = new ArrayList<>();
        for (VariantResult variant : comparison.variants()) {
            variant.runsWith(RunStatus.DIVERGED)
                    .forEach(run -> diverged.add(variant.name() + " " + ReportTables.divergence(run)));
            variant.runsWith(RunStatus.FAILED)
                    .forEach(run -> failed.add(variant.name() + " (seed " + run.seed() + ")"));
            variant.runsWith(RunStatus.BAD_INPUT)
                    .forEach(run -> badInput.add(variant.name() + " (seed " + run.seed() + ")"));
            variant.runsWith(RunStatus.INTERRUPTED)
                    .forEach(run -> interrupted.add(variant.name() + " (seed " + run.seed() + ")"));
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
        if (!interrupted.isEmpty()) {
            sentences.add("Interrupted before their last step (tune4j compare --resume continues them): "
                    + String.join(", ", interrupted) + ".");
        }
        return String.join(" ", sentences.stream().filter(s -> !s.isEmpty()).toList());
    }

    /** The sentence on steps or seconds to target, naming the variants that never reached it. */
    private static String toTarget(MetricTests tests, Comparison comparison) {
        List<String> never = comparison.variants().stream()
                .filter(v -> v.statistics().completedSeeds() > 0 && v.statistics().targetReached() == 0)
                .map(VariantResult::name).toList();
        String target = ReportFormat.number(comparison.targetLoss());
        if (tests.samples().isEmpty() && tests.untestable().isEmpty() && tests.disturbedRuns().isEmpty()) {
            return tests.metric() == ComparedMetric.STEPS_TO_TARGET
                    ? "No variant reached the target loss " + target + " in any seed." : "";
        }
        String sentence = compare(tests);
        if (!never.isEmpty() && tests.metric() == ComparedMetric.STEPS_TO_TARGET) {
            sentence += " Never reached the target loss " + target + ": " + names(never) + ".";
        }
        return sentence;
    }

    /**
     * The sentence of one metric's tests, e.g. {@code Eval accuracy (Welch's t-test over seeds, Holm-corrected):
     * soaa (0.9100 ± 0.0100, n = 3) reaches a higher eval accuracy than adamw (...; t = ..., p = ..., Holm-adjusted
     * p = ...). No significant difference between soaa and adam (...): they lead together.}
     */
    static String compare(MetricTests tests) {
        ComparedMetric metric = tests.metric();
        String title = capitalized(metric.title());
        StringBuilder sentence = new StringBuilder();
        if (tests.samples().size() < 2) {
            if (tests.samples().isEmpty() && tests.untestable().isEmpty()) {
                sentence.append(title).append(": no variant has a value to compare.");
            } else {
                sentence.append(title).append(": no test is possible, since it needs at least 2 seeds in each of two"
                        + " variants (");
                List<String> counts = new ArrayList<>();
                tests.samples().forEach(s -> counts.add(s.variant().name() + ": " + s.values().length));
                tests.untestable().forEach(s -> counts.add(s.variant().name() + ": 1"));
                sentence.append(String.join(", ", counts)).append("); nothing is claimed.");
            }
        } else if (!tests.anySignificant()) {
            sentence.append(title).append(": no significant difference over ").append(seedCount(tests.samples()))
                    .append(" among ").append(names(tests.ranked().stream().map(s -> s.describe(metric)).toList()))
                    .append(tests.pairs().stream().allMatch(pair -> pair.test().exact())
                            ? " (exact: the same value in every seed)"
                            : " (Welch's t-test, Holm-adjusted p ≥ " + MetricTests.ALPHA + " for every pair)")
                    .append("; they are tied.");
        } else {
            List<VariantSample> leading = tests.leadingGroup();
            VariantSample leader = leading.getFirst();
            List<String> beaten = new ArrayList<>();
            for (VariantSample other : tests.ranked()) {
                if (tests.significantlyBetter(leader, other)) {
                    beaten.add(withTest(other, metric, tests.pair(leader, other).orElseThrow().from(leader)));
                }
            }
            sentence.append(title).append(": ").append(leader.describe(metric)).append(' ')
                    .append(metric.betterThan()).append(' ').append(String.join(" and than ", beaten)).append('.');
            if (leading.size() > 1) {
                List<String> tied = new ArrayList<>();
                for (VariantSample other : leading.subList(1, leading.size())) {
                    tied.add(withTest(other, metric, tests.pair(leader, other).orElseThrow().from(leader)));
                }
                sentence.append(" No significant difference over ").append(seedCount(leading)).append(" between ")
                        .append(leader.variant().name()).append(" and ").append(names(tied))
                        .append(": the tied leading group is ")
                        .append(names(leading.stream().map(s -> s.variant().name()).toList())).append('.');
            }
        }
        if (!tests.untestable().isEmpty() && tests.samples().size() >= 2) {
            sentence.append(' ').append(names(tests.untestable().stream().map(s -> s.variant().name()).toList()))
                    .append(tests.untestable().size() == 1 ? " has" : " have")
                    .append(" a single seed with a value and cannot be tested.");
        }
        List<String> disturbed = tests.disturbedRuns();
        if (!disturbed.isEmpty()) {
            sentence.append(" Left out of this speed comparison because their timing was disturbed: ")
                    .append(names(disturbed)).append('.');
        }
        return sentence.toString();
    }

    /** {@code adamw (0.8500 ± 0.0200, n = 3; t = ..., df = ..., p = ..., Holm-adjusted p = ...)}. */
    private static String withTest(VariantSample sample, ComparedMetric metric, PairTest pair) {
        return sample.variant().name() + " (" + metric.format(sample.spread()) + ", n = " + sample.values().length
                + "; " + pair.describe() + ")";
    }

    /**
     * Among full fine-tuning variants, the least and the most optimizer state per trainable parameter; then each
     * LoRA variant's state, named as the state of its adapters.
     */
    private static Optional<String> memory(ComparisonTests tests) {
        List<VariantResult> full = tests.comparison().variants().stream()
                .filter(v -> !v.lora() && v.statistics().bytesPerParameter() != null).toList();
        List<String> parts = new ArrayList<>();
        if (!full.isEmpty()) {
            Comparator<VariantResult> perParameter = Comparator.comparingDouble(
                    v -> v.statistics().bytesPerParameter().mean());
            VariantResult least = full.stream().min(perParameter).orElseThrow();
            VariantResult most = full.stream().max(perParameter).orElseThrow();
            if (least == most || bytesPerParameter(least).equals(bytesPerParameter(most))) {
                parts.add((full.size() == 1 ? least.name() + " keeps " : "Every full fine-tuning variant keeps ")
                        + bytesPerParameter(least) + " of optimizer state per trainable parameter ("
                        + ReportFormat.bytes(least.statistics().optimizerStateBytes()) + ").");
            } else {
                String test = tests.optimizerState().sample(least.name()).flatMap(a -> tests.optimizerState()
                        .sample(most.name()).flatMap(b -> tests.optimizerState().pair(a, b).map(p -> p.from(a))))
                        .map(pair -> "; " + pair.describe()).orElse("");
                parts.add("Among full fine-tuning variants, " + least.name() + " keeps the least optimizer state per"
                        + " trainable parameter, " + bytesPerParameter(least) + " ("
                        + ReportFormat.bytes(least.statistics().optimizerStateBytes()) + " in all), against "
                        + bytesPerParameter(most) + " for " + most.name() + " ("
                        + ReportFormat.bytes(most.statistics().optimizerStateBytes()) + test + ").");
            }
        }
        for (VariantResult lora : tests.comparison().variants()) {
            if (!lora.lora() || lora.statistics().optimizerStateBytes() == null) {
                continue;
            }
            String against = full.isEmpty() ? "" : trainable(full.getFirst()).map(n -> String.format(Locale.ROOT,
                    ", against %,d for full fine-tuning", n)).orElse("");
            String trained = trainable(lora).map(n -> " (" + String.format(Locale.ROOT, "%,d", n)
                    + " trainable parameters" + against + ")").orElse("");
            parts.add(lora.name() + "'s " + ReportFormat.bytes(lora.statistics().optimizerStateBytes())
                    + " of optimizer state is the state of its LoRA adapters only" + trained
                    + "; it is no saving of the optimizer.");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", parts));
    }

    private static String bytesPerParameter(VariantResult variant) {
        return ReportFormat.number(variant.statistics().bytesPerParameter().mean()) + " B";
    }

    /** The trainable parameters of the variant's first completed run. */
    private static Optional<Long> trainable(VariantResult variant) {
        return variant.runs().stream().filter(SeedRun::countsTowardsAggregates)
                .map(SeedRun::trainableParameters).filter(n -> n != null).findFirst();
    }

    /** {@code 3 seeds}, or {@code 2 to 3 seeds} when the variants have different counts. */
    private static String seedCount(List<VariantSample> samples) {
        int fewest = samples.stream().mapToInt(s -> s.values().length).min().orElseThrow();
        int most = samples.stream().mapToInt(s -> s.values().length).max().orElseThrow();
        return (fewest == most ? String.valueOf(most) : fewest + " to " + most) + " seeds";
    }

    /** {@code a}, {@code a and b}, {@code a, b and c}. */
    static String names(List<String> names) {
        if (names.size() == 1) {
            return names.getFirst();
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
