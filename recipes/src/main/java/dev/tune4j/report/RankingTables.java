package dev.tune4j.report;

import dev.tune4j.report.MetricTests.PairTest;
import dev.tune4j.report.MetricTests.VariantSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's "Significance and rankings" section: how variants are compared, then one computed ranking table per
 * metric of {@link ComparisonTests#rankings()}, each variant with the variants it is significantly better than and
 * those no test separates it from, with their Holm-adjusted p-values.
 */
final class RankingTables {
    static final String TITLE = "Significance and rankings";

    private RankingTables() {}

    /** The section for {@code tests}. */
    static ReportSection section(ComparisonTests tests) {
        List<ReportSection.Part> parts = new ArrayList<>();
        parts.add(new ReportSection.Paragraph(method()));
        for (MetricTests metric : tests.rankings()) {
            parts.add(new ReportSection.Table(title(metric), table(metric, tests.comparison())));
        }
        return new ReportSection(TITLE, parts);
    }

    /** How every comparison of the report is made. */
    static String method() {
        return "Every statement that one variant is better than another comes from Welch's two-sided t-test on the"
                + " per-seed values (unequal variances, Welch–Satterthwaite degrees of freedom) at the level "
                + MetricTests.ALPHA + ". Multiple comparisons: Holm's step-down correction over all pairs of variants"
                + " of one metric, so the chance of any false \"better\" per metric stays at " + MetricTests.ALPHA
                + "; the p-values in the tables are Holm-adjusted. Where neither of two variants varies over seeds"
                + " (optimizer state is the same in every seed) the difference is exact and not tested. A variant"
                + " with fewer than 2 seeds cannot be tested and claims nothing. Rank: 1 + the number of variants"
                + " significantly better, so variants no test separates share a rank. Only completed seeds count;"
                + " times leave out the runs whose timing was flagged as disturbed (timing_disturbed in the run's"
                + " summary.json).";
    }

    private static String title(MetricTests tests) {
        return "Ranking by " + tests.metric().title() + " (" + (tests.metric().higherIsBetter() ? "higher" : "lower")
                + " is better)";
    }

    /** Rank, variant, mean ± std, seeds, better than, tied with; then untestable variants, then those without one. */
    static TextTable table(MetricTests tests, Comparison comparison) {
        List<String> header = List.of("rank", "variant", tests.metric().title() + " (mean ± std)", "seeds",
                "significantly better than (Holm-adjusted p)", "no significant difference from (Holm-adjusted p)");
        List<List<String>> rows = new ArrayList<>();
        for (VariantSample sample : tests.ranked()) {
            List<String> better = new ArrayList<>();
            List<String> tied = new ArrayList<>();
            for (VariantSample other : tests.ranked()) {
                if (other == sample) {
                    continue;
                }
                PairTest pair = tests.pair(sample, other).orElseThrow();
                if (!pair.significant()) {
                    tied.add(other.variant().name() + " (" + pValue(pair) + ")");
                } else if (pair.better() == sample) {
                    better.add(other.variant().name() + " (" + pValue(pair) + ")");
                }
            }
            rows.add(List.of(String.valueOf(tests.rank(sample)), sample.variant().name(),
                    tests.metric().format(sample.spread()), seeds(sample), orNone(better), orNone(tied)));
        }
        for (VariantSample sample : tests.untestable()) {
            rows.add(List.of(ReportFormat.NONE, sample.variant().name(), tests.metric().format(sample.spread()),
                    seeds(sample), "not tested: one seed", "not tested: one seed"));
        }
        for (VariantResult variant : comparison.variants()) {
            boolean listed = tests.sample(variant.name()).isPresent();
            if (!listed) {
                VariantSample empty = VariantSample.of(variant, tests.metric());
                String why = !empty.disturbedSeeds().isEmpty() ? "every value's timing was disturbed"
                        : "no completed seed has a value";
                rows.add(List.of(ReportFormat.NONE, variant.name(), ReportFormat.NONE, seeds(empty), why, why));
            }
        }
        return new TextTable(header, rows);
    }

    /** {@code p = 0.0123}, or {@code exact} for a comparison without spread. */
    private static String pValue(PairTest pair) {
        return pair.test().exact() ? "exact" : WelchTest.pClause(pair.holmP());
    }

    private static String seeds(VariantSample sample) {
        String count = String.valueOf(sample.values().length);
        return sample.disturbedSeeds().isEmpty() ? count
                : count + " (" + sample.disturbedSeeds().size() + " left out: timing disturbed)";
    }

    private static String orNone(List<String> names) {
        return names.isEmpty() ? ReportFormat.NONE : String.join(", ", names);
    }
}
