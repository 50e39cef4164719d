package dev.tune4j.report;

import dev.tune4j.tuning.TuningRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The report's "Tuning" section, from the comparison's {@link TuningRecord}: the budget and the picking rule, each
 * trial's objective, the chosen value per variant, a sentence for each chosen value on the edge of its grid, and
 * the sensitivity chart ({@value #SENSITIVITY_CHART}): objective against the searched value on a log axis, one
 * line per variant.
 */
final class TuningSection {
    /** The sensitivity chart's file name. */
    static final String SENSITIVITY_CHART = "tuning-sensitivity.png";

    private TuningSection() {}

    /** The section, or empty when the comparison did no tuning. */
    static Optional<ReportSection> of(Optional<TuningRecord> record) {
        if (record.isEmpty() || record.get().variants().isEmpty()) {
            return Optional.empty();
        }
        List<TuningRecord.VariantTuning> variants = record.get().variants();
        List<ReportSection.Part> parts = new ArrayList<>();
        parts.add(new ReportSection.Paragraph(budget(variants)));
        parts.add(new ReportSection.Table("Trials", trials(variants)));
        parts.add(new ReportSection.Table("Chosen values", chosen(variants)));
        for (TuningRecord.VariantTuning variant : variants) {
            if (variant.onEdge()) {
                List<Double> values = variant.trials().stream().map(TuningRecord.Trial::value).toList();
                parts.add(new ReportSection.Paragraph(variant.variant() + ": the chosen " + variant.option() + " "
                        + searched(variant.chosen()) + " lies on the edge of its grid ["
                        + searched(Collections.min(values)) + ", " + searched(Collections.max(values))
                        + "]: the grid was too narrow: widen it."));
            }
        }
        parts.add(new ReportSection.Chart(sensitivity(variants)));
        return Optional.of(new ReportSection("Tuning", parts));
    }

    private static String budget(List<TuningRecord.VariantTuning> variants) {
        TuningRecord.VariantTuning first = variants.getFirst();
        return "Before its seeds, each variant ran " + first.trials().size() + " trials of " + first.steps()
                + " steps (seed " + first.seed() + "), one per value of its grid, each in its own JVM; the seeds"
                + " below ran with the chosen value merged into the variant's options. A trial is judged by "
                + first.objective() + " at its last evaluation (" + (first.higherIsBetter() ? "higher" : "lower")
                + " is better); the best wins, and a tie goes to the smaller value. A trial without an evaluation"
                + " (failed or diverged early) cannot win.";
    }

    private static TextTable trials(List<TuningRecord.VariantTuning> variants) {
        List<List<String>> rows = new ArrayList<>();
        for (TuningRecord.VariantTuning variant : variants) {
            for (TuningRecord.Trial trial : variant.trials()) {
                rows.add(List.of(variant.variant(), variant.option() + " = " + searched(trial.value()),
                        trial.objective() == null ? ReportFormat.NONE : ReportFormat.number(trial.objective()),
                        trial.status() + (trial.reused() ? " (reused)" : ""),
                        variant.chosen() != null && variant.chosen() == trial.value() ? "chosen" : ""));
            }
        }
        return new TextTable(List.of("variant", "value", variants.getFirst().objective(), "status", ""), rows);
    }

    /**
     * A searched value as the tables print it: 3 significant digits, plain ({@code 0.000548}, {@code 0.002}); the
     * exact value is in tuning.json and in the trial's directory name.
     */
    static String searched(double value) {
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static TextTable chosen(List<TuningRecord.VariantTuning> variants) {
        List<List<String>> rows = new ArrayList<>();
        for (TuningRecord.VariantTuning variant : variants) {
            List<Double> values = variant.trials().stream().map(TuningRecord.Trial::value).toList();
            rows.add(List.of(variant.variant(), variant.option(),
                    variant.chosen() == null ? "none (own options kept)" : searched(variant.chosen()),
                    searched(Collections.min(values)) + " .. " + searched(Collections.max(values)),
                    variant.onEdge() ? "yes: widen the grid" : "no"));
        }
        return new TextTable(List.of("variant", "option", "chosen", "grid", "on the edge"), rows);
    }

    /** Objective against the searched value, x on a log axis, one line per variant over its trials with one. */
    private static ChartImage sensitivity(List<TuningRecord.VariantTuning> variants) {
        List<ReportCharts.Series> series = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (TuningRecord.Trial trial : variants.get(v).trials().stream()
                    .sorted((a, b) -> Double.compare(a.value(), b.value())).toList()) {
                if (trial.objective() != null) {
                    xs.add(trial.value());
                    ys.add(trial.objective());
                }
            }
            series.add(new ReportCharts.Series(variants.get(v).variant(), v,
                    new Curve(xs, ys, Collections.nCopies(xs.size(), 0.0)), false));
        }
        boolean allLr = variants.stream().allMatch(v -> v.option().equals(variants.getFirst().option()));
        String option = allLr ? variants.getFirst().option() : "searched value";
        return ReportCharts.lines(SENSITIVITY_CHART, "Tuning: " + variants.getFirst().objective() + " vs " + option,
                option + " (log scale)", variants.getFirst().objective(), series, false, true);
    }
}
