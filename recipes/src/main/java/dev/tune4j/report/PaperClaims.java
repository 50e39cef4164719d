package dev.tune4j.report;

import dev.tune4j.report.MetricTests.PairTest;
import dev.tune4j.report.MetricTests.VariantSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The report's table of the SOAA paper's claims (the paper of {@code docs/algorithms.md#soaa}): for each claim and
 * each pair of a SOAA variant and a variant the claim names, whether this comparison supports it, contradicts it or
 * shows no significant difference, with the numbers and the test behind the verdict. The tests are those of
 * {@link ComparisonTests}, so the verdicts agree with the rankings. Only full fine-tuning variants take part (a LoRA
 * variant trains other parameters); a claim whose variants are not in the comparison is "not tested here".
 *
 * <p>Which variants a claim names: Adam is {@code adam} or {@code adam_engine}, AdamW {@code adamw} or
 * {@code adamw_engine}; for speed on CPU, "Adam/AdamW" are the engine updates a DJL user gets ({@code adam_engine},
 * {@code adamw_engine}) and "their fused forms" tune4j's fused kernels ({@code adam}, {@code adamw}); 8-bit Adam is
 * {@code adam8bit} or {@code adamw8bit}; GaLore any {@code galore*} optimizer. Convergence is steps to target; final
 * loss the eval loss (the final training loss without evaluation); stability the final std of the training loss;
 * speed tokens/s; memory the optimizer state.
 */
final class PaperClaims {
    static final String TITLE = "The SOAA paper's claims";

    private static final Set<String> ADAM = Set.of("adam", "adam_engine");
    private static final Set<String> ADAMW = Set.of("adamw", "adamw_engine");
    private static final Set<String> ADAM_AND_ADAMW = Set.of("adam", "adam_engine", "adamw", "adamw_engine");

    /** The claims, in the paper's order. */
    static final List<Claim> CLAIMS = List.of(
            new Claim("converges faster than Adam", "Adam (adam, adam_engine)", ComparisonTests::stepsToTarget,
                    ADAM::contains, Expectation.SOAA_BETTER),
            new Claim("converges faster than AdamW", "AdamW (adamw, adamw_engine)", ComparisonTests::stepsToTarget,
                    ADAMW::contains, Expectation.SOAA_BETTER),
            new Claim("reaches a lower final loss than Adam and AdamW", "Adam or AdamW",
                    ComparisonTests::lossForClaims, ADAM_AND_ADAMW::contains, Expectation.SOAA_BETTER),
            new Claim("is more stable than Adam and AdamW", "Adam or AdamW", ComparisonTests::stability,
                    ADAM_AND_ADAMW::contains, Expectation.SOAA_BETTER),
            new Claim("is faster than Adam and AdamW on CPU", "DJL-engine Adam or AdamW (adam_engine, adamw_engine)",
                    ComparisonTests::tokensPerSecond, Set.of("adam_engine", "adamw_engine")::contains,
                    Expectation.SOAA_BETTER),
            new Claim("is comparable in speed to fused Adam and AdamW on CPU", "fused Adam or AdamW (adam, adamw)",
                    ComparisonTests::tokensPerSecond, Set.of("adam", "adamw")::contains, Expectation.COMPARABLE),
            new Claim("needs more memory than 8-bit Adam", "8-bit Adam (adam8bit, adamw8bit)",
                    ComparisonTests::optimizerState, Set.of("adam8bit", "adamw8bit")::contains,
                    Expectation.SOAA_WORSE),
            new Claim("needs more memory than GaLore", "GaLore (galore*)", ComparisonTests::optimizerState,
                    id -> id.startsWith("galore"), Expectation.SOAA_WORSE));

    private PaperClaims() {}

    /** What a claim says of SOAA on its metric. */
    enum Expectation {
        /** SOAA is better. */
        SOAA_BETTER,
        /** SOAA is worse (it needs more memory). */
        SOAA_WORSE,
        /** SOAA is not worse. */
        COMPARABLE
    }

    /**
     * A claim of the paper.
     *
     * @param text what the paper says SOAA does
     * @param against the variants it names, in words
     * @param metric the tests of the metric it is judged on (null when the comparison has none, e.g. no target)
     * @param optimizer which optimizer ids the claim names
     * @param expectation what the claim says of SOAA
     */
    record Claim(String text, String against, Function<ComparisonTests, MetricTests> metric,
            Predicate<String> optimizer, Expectation expectation) {}

    /** The section: what the table is, then the table. */
    static ReportSection section(ComparisonTests tests) {
        return new ReportSection(TITLE, List.of(new ReportSection.Paragraph("Each claim of the SOAA paper (see"
                + " docs/algorithms.md) judged by the tests of the rankings above (Welch's t-test, Holm-corrected,"
                + " level " + MetricTests.ALPHA + "), for each pair of a full fine-tuning SOAA variant and a variant"
                + " the claim names. \"No significant difference\" is not evidence of equality: with few seeds a real"
                + " difference can go undetected."),
                new ReportSection.Table("Claims", table(tests))));
    }

    /** One row per claim and pair of variants; one row per claim that cannot be tested here. */
    static TextTable table(ComparisonTests tests) {
        List<String> header = List.of("claim: SOAA …", "metric", "SOAA variant", "compared with",
                "SOAA (mean ± std, n)", "other (mean ± std, n)", "test", "verdict");
        List<List<String>> rows = new ArrayList<>();
        List<VariantResult> soaa = fullFineTuning(tests.comparison(), "soaa"::equals);
        for (Claim claim : CLAIMS) {
            MetricTests metric = claim.metric().apply(tests);
            List<VariantResult> others = fullFineTuning(tests.comparison(), claim.optimizer());
            String metricTitle = metric == null ? ReportFormat.NONE : metric.metric().title();
            if (soaa.isEmpty() || others.isEmpty()) {
                String missing = soaa.isEmpty() ? "no full fine-tuning SOAA variant" : "no " + claim.against()
                        + " variant";
                rows.add(List.of(claim.text(), metricTitle, names(soaa), names(others), ReportFormat.NONE,
                        ReportFormat.NONE, ReportFormat.NONE, "not tested here: " + missing + " in this comparison"));
                continue;
            }
            for (VariantResult a : soaa) {
                for (VariantResult b : others) {
                    rows.add(row(claim, metric, a, b));
                }
            }
        }
        return new TextTable(header, rows);
    }

    private static List<String> row(Claim claim, MetricTests metric, VariantResult soaa, VariantResult other) {
        if (metric == null) {
            return List.of(claim.text(), ReportFormat.NONE, soaa.name(), other.name(), ReportFormat.NONE,
                    ReportFormat.NONE, ReportFormat.NONE, "not testable: no target loss was set");
        }
        Optional<VariantSample> a = metric.sample(soaa.name());
        Optional<VariantSample> b = metric.sample(other.name());
        String aText = a.map(x -> value(x, metric.metric())).orElse(ReportFormat.NONE);
        String bText = b.map(x -> value(x, metric.metric())).orElse(ReportFormat.NONE);
        Optional<PairTest> pair = a.flatMap(x -> b.flatMap(y -> metric.pair(x, y).map(test -> test.from(x))));
        if (pair.isEmpty()) {
            return List.of(claim.text(), metric.metric().title(), soaa.name(), other.name(), aText, bText,
                    ReportFormat.NONE, "not testable: a test needs 2 or more seeds with a value in each");
        }
        PairTest test = pair.get();
        return List.of(claim.text(), metric.metric().title(), soaa.name(), other.name(), aText, bText,
                test.describe(), verdict(claim.expectation(), test, a.get()));
    }

    /** The verdict of one pair's test on a claim. */
    static String verdict(Expectation expectation, PairTest test, VariantSample soaa) {
        if (!test.significant()) {
            return expectation == Expectation.COMPARABLE
                    ? "no significant difference (consistent with \"comparable\", not proof of it)"
                    : "no significant difference";
        }
        boolean soaaBetter = test.better() == soaa;
        return switch (expectation) {
            case SOAA_BETTER -> soaaBetter ? "supports" : "contradicts";
            case SOAA_WORSE -> soaaBetter ? "contradicts" : "supports";
            case COMPARABLE -> soaaBetter ? "supports (SOAA is faster)" : "contradicts (SOAA is slower)";
        };
    }

    /** {@code 0.9100 ± 0.0100 (n = 3)}. */
    private static String value(VariantSample sample, ComparedMetric metric) {
        return metric.format(sample.spread()) + " (n = " + sample.values().length + ")";
    }

    private static List<VariantResult> fullFineTuning(Comparison comparison, Predicate<String> optimizer) {
        return comparison.variants().stream()
                .filter(v -> !v.lora() && v.optimizer() != null && optimizer.test(v.optimizer())).toList();
    }

    private static String names(List<VariantResult> variants) {
        return variants.isEmpty() ? ReportFormat.NONE
                : String.join(", ", variants.stream().map(VariantResult::name).toList());
    }
}
