package dev.tune4j.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One metric compared between every pair of variants over their seeds: Welch's t-test per pair ({@link WelchTest}),
 * with Holm's step-down correction over the pairs of this metric that were t-tested, at the level {@value #ALPHA}.
 * This is the one place that decides whether one variant is better than another.
 *
 * <ul>
 *   <li>A variant's values are those of its seeds that count towards the aggregates and have the value; for a
 *       {@linkplain ComparedMetric#timing() timing} metric the seeds whose timing was disturbed are left out.
 *   <li>A variant with fewer than 2 such values cannot be tested and is listed in {@link #untestable()}.
 *   <li>Holm: with the m t-tested pairs' p-values in ascending order p(1) ≤ … ≤ p(m), the adjusted value of the
 *       i-th is {@code min(1, max over j ≤ i of (m - j + 1) p(j))}; a pair differs significantly when its adjusted
 *       value is below {@value #ALPHA}. This holds the chance of any false "X is better than Y" for the metric at
 *       {@value #ALPHA}. Exact comparisons (no spread in either variant) are not part of the family and keep their
 *       p of 0 or 1.
 *   <li>The rank of a variant is 1 plus the number of variants significantly better than it, so variants that no
 *       test separates share a rank.
 * </ul>
 *
 * @param metric what is compared
 * @param samples the variants with at least 2 values, in variant order
 * @param untestable the variants with exactly 1 value, in variant order
 * @param pairs every pair of {@code samples}, in variant order
 * @param disturbedRuns {@code variant (seed s)} for each run left out because its timing was disturbed
 */
record MetricTests(ComparedMetric metric, List<VariantSample> samples, List<VariantSample> untestable,
        List<PairTest> pairs, List<String> disturbedRuns) {
    /** The significance level of every comparison in the report. */
    static final double ALPHA = 0.05;

    /** Keeps unmodifiable copies. */
    MetricTests {
        samples = List.copyOf(samples);
        untestable = List.copyOf(untestable);
        pairs = List.copyOf(pairs);
        disturbedRuns = List.copyOf(disturbedRuns);
    }

    /** Tests {@code metric} between the variants of {@code comparison}. */
    static MetricTests of(Comparison comparison, ComparedMetric metric) {
        List<VariantSample> samples = new ArrayList<>();
        List<VariantSample> untestable = new ArrayList<>();
        List<String> disturbed = new ArrayList<>();
        for (VariantResult variant : comparison.variants()) {
            VariantSample sample = VariantSample.of(variant, metric);
            sample.disturbedSeeds().forEach(seed -> disturbed.add(variant.name() + " (seed " + seed + ")"));
            if (sample.values().length >= 2) {
                samples.add(sample);
            } else if (sample.values().length == 1) {
                untestable.add(sample);
            }
        }
        List<WelchTest> tests = new ArrayList<>();
        List<VariantSample[]> pairOrder = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size(); j++) {
                tests.add(WelchTest.of(samples.get(i).values(), samples.get(j).values()));
                pairOrder.add(new VariantSample[] {samples.get(i), samples.get(j)});
            }
        }
        double[] adjusted = holm(tests);
        List<PairTest> pairs = new ArrayList<>();
        for (int k = 0; k < tests.size(); k++) {
            pairs.add(new PairTest(metric, pairOrder.get(k)[0], pairOrder.get(k)[1], tests.get(k), adjusted[k]));
        }
        return new MetricTests(metric, samples, untestable, pairs, disturbed);
    }

    /** Holm-adjusted p-values, in the order of {@code tests}; exact comparisons keep their own p. */
    static double[] holm(List<WelchTest> tests) {
        double[] adjusted = new double[tests.size()];
        List<Integer> family = new ArrayList<>();
        for (int k = 0; k < tests.size(); k++) {
            if (tests.get(k).exact()) {
                adjusted[k] = tests.get(k).p();
            } else {
                family.add(k);
            }
        }
        family.sort(Comparator.comparingDouble(k -> tests.get(k).p()));
        int m = family.size();
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int k = family.get(rank);
            running = Math.max(running, Math.min(1, (m - rank) * tests.get(k).p()));
            adjusted[k] = running;
        }
        return adjusted;
    }

    /** How many t-tests (not exact comparisons) the Holm correction is over. */
    int familySize() {
        return (int) pairs.stream().filter(pair -> !pair.test().exact()).count();
    }

    /** The test of {@code a} and {@code b}, if both were testable. */
    Optional<PairTest> pair(VariantSample a, VariantSample b) {
        return pairs.stream().filter(pair -> pair.involves(a) && pair.involves(b) && a != b).findFirst();
    }

    /** The sample of the variant named {@code name}, testable or not. */
    Optional<VariantSample> sample(String name) {
        return Stream.concat(samples.stream(), untestable.stream())
                .filter(sample -> sample.variant().name().equals(name)).findFirst();
    }

    /** Whether {@code a} is significantly better than {@code b}. */
    boolean significantlyBetter(VariantSample a, VariantSample b) {
        return pair(a, b).filter(PairTest::significant).map(pair -> pair.better() == a).orElse(false);
    }

    /** Whether any pair differs significantly. */
    boolean anySignificant() {
        return pairs.stream().anyMatch(PairTest::significant);
    }

    /** The testable variants, best mean first (variant order among equal means). */
    List<VariantSample> ranked() {
        Comparator<VariantSample> byMean = Comparator.comparingDouble(sample -> sample.spread().mean());
        return samples.stream().sorted(metric.higherIsBetter() ? byMean.reversed() : byMean).toList();
    }

    /** 1 plus the number of variants significantly better than {@code sample}. */
    int rank(VariantSample sample) {
        return 1 + (int) samples.stream().filter(other -> significantlyBetter(other, sample)).count();
    }

    /** The variant with the best mean and every variant no test separates from it, best mean first. */
    List<VariantSample> leadingGroup() {
        List<VariantSample> ranked = ranked();
        if (ranked.isEmpty()) {
            return List.of();
        }
        VariantSample leader = ranked.getFirst();
        return ranked.stream().filter(sample -> sample == leader || !significantlyBetter(leader, sample)).toList();
    }

    /**
     * A variant's values of one metric, and the seeds left out of them because their timing was disturbed.
     *
     * @param variant the variant
     * @param values one value per seed that has it, in seed order
     * @param disturbedSeeds seeds left out as timing-disturbed (empty unless the metric is a timing)
     */
    record VariantSample(VariantResult variant, double[] values, List<Integer> disturbedSeeds) {
        static VariantSample of(VariantResult variant, ComparedMetric metric) {
            List<Double> values = new ArrayList<>();
            List<Integer> disturbed = new ArrayList<>();
            for (SeedRun run : variant.runs()) {
                if (!run.countsTowardsAggregates()) {
                    continue;
                }
                Double value = metric.value().apply(run);
                if (value == null) {
                    continue;
                }
                if (metric.timing() && run.timingDisturbed()) {
                    disturbed.add(run.seed());
                } else {
                    values.add(value);
                }
            }
            return new VariantSample(variant, values.stream().mapToDouble(Double::doubleValue).toArray(),
                    List.copyOf(disturbed));
        }

        /** Mean, std and count of the values (null without values). */
        SeedSpread spread() {
            return SeedSpread.of(Arrays.stream(values).boxed().toList());
        }

        /** {@code name (mean ± std, n = k)} in the metric's unit. */
        String describe(ComparedMetric metric) {
            return variant.name() + " (" + metric.format(spread()) + ", n = " + values.length + ")";
        }
    }

    /**
     * The test of two variants.
     *
     * @param metric what was compared
     * @param first the variant listed first
     * @param second the other
     * @param test Welch's t-test of {@code first} against {@code second}
     * @param holmP the Holm-adjusted p-value (the exact p for an exact comparison)
     */
    record PairTest(ComparedMetric metric, VariantSample first, VariantSample second, WelchTest test, double holmP) {
        /** Whether the two differ at {@value MetricTests#ALPHA} after the correction. */
        boolean significant() {
            return holmP < ALPHA;
        }

        boolean involves(VariantSample sample) {
            return first == sample || second == sample;
        }

        /** The variant with the better mean (the first when the means are equal). */
        VariantSample better() {
            return metric.isBetter(second.spread().mean(), first.spread().mean()) ? second : first;
        }

        /** The other variant of the pair. */
        VariantSample worse() {
            return better() == first ? second : first;
        }

        /**
         * This test with {@code sample} first: the statistic's sign follows the order of the names ({@code 0.0 - t}
         * so that a zero stays {@code 0.00} when printed, not {@code -0.00}).
         */
        PairTest from(VariantSample sample) {
            if (sample == first) {
                return this;
            }
            if (sample != second) {
                throw new IllegalArgumentException(sample.variant().name() + " is not in this pair");
            }
            return new PairTest(metric, second, first, new WelchTest(0.0 - test.t(), test.degreesOfFreedom(), test.p()),
                    holmP);
        }

        /**
         * {@code t = 3.20, df = 3.9, p = 0.0331, Holm-adjusted p = 0.0662} (t is the first variant's mean minus the
         * second's, over its standard error), or the exact wording.
         */
        String describe() {
            return test.exact() ? test.describe()
                    : test.describe() + ", Holm-adjusted " + WelchTest.pClause(holmP);
        }
    }
}
