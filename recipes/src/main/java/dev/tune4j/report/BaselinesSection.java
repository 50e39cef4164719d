package dev.tune4j.report;

import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.task.TrivialBaseline;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The report's trivial baselines ({@link Comparison#baselines()}, as the runs recorded them): a table of what each
 * baseline predicts and its metrics, and one computed sentence per variant metric that does not beat a baseline, e.g.
 * {@code adamw's eval accuracy 0.6800 is not above the majority_class baseline's 0.6850}. A variant is compared by the
 * mean of its last evaluation over its completed seeds, strictly: a tie does not beat the baseline. Losses and
 * perplexities are better low, every other metric high ({@link ComparedMetric#evalMetric}).
 */
final class BaselinesSection {
    /** The section heading. */
    static final String TITLE = "Trivial baselines";

    private BaselinesSection() {}

    /** The section, or null when the runs recorded no baseline. */
    static ReportSection of(Comparison comparison) {
        List<TrivialBaseline> baselines = comparison.baselines();
        if (baselines.isEmpty()) {
            return null;
        }
        List<ReportSection.Part> parts = new ArrayList<>();
        parts.add(new ReportSection.Paragraph("What needs no trained model, scored on the same evaluation examples"
                + " as every variant and fit on the training examples only (recorded under '" + MetricKeys.BASELINES
                + "' in each run's " + MetricKeys.SUMMARY_FILE + "). These rows are baselines, not variants."));
        parts.add(new ReportSection.Table("Baselines", table(baselines)));
        parts.add(new ReportSection.Paragraph(verdicts(comparison)));
        return new ReportSection(TITLE, parts);
    }

    /** One row per baseline: its name, what it predicts, then each metric any baseline has. */
    static TextTable table(List<TrivialBaseline> baselines) {
        List<String> keys = metricKeys(baselines);
        List<String> header = new ArrayList<>(List.of("baseline", "predicts"));
        keys.forEach(key -> header.add(ReportTables.metricTitle(key)));
        List<List<String>> rows = new ArrayList<>();
        for (TrivialBaseline baseline : baselines) {
            List<String> row = new ArrayList<>(List.of(baseline.name() + " (baseline)", baseline.description()));
            for (String key : keys) {
                Double value = baseline.metrics().get(key);
                row.add(value == null ? ReportFormat.NONE : ReportFormat.number(value));
            }
            rows.add(row);
        }
        return new TextTable(header, rows);
    }

    /**
     * The sentences that name each variant metric not beating a baseline, or one saying every variant beats every
     * baseline it can be compared with.
     */
    static String verdicts(Comparison comparison) {
        List<String> sentences = new ArrayList<>();
        int compared = 0;
        for (VariantResult variant : comparison.variants()) {
            for (TrivialBaseline baseline : comparison.baselines()) {
                for (var metric : baseline.metrics().entrySet()) {
                    SeedSpread value = variantValue(variant, metric.getKey());
                    if (value == null) {
                        continue;
                    }
                    compared++;
                    ComparedMetric direction = ComparedMetric.evalMetric(metric.getKey());
                    if (!direction.isBetter(value.mean(), metric.getValue())) {
                        sentences.add(variant.name() + "'s " + direction.title() + " " + ReportFormat.number(
                                value.mean()) + " is not " + (direction.higherIsBetter() ? "above" : "below")
                                + " the " + baseline.name() + " baseline's " + ReportFormat.number(metric.getValue())
                                + ".");
                    }
                }
            }
        }
        if (compared == 0) {
            return "No variant has an evaluation to compare with the baselines.";
        }
        if (sentences.isEmpty()) {
            return "Every variant beats every baseline on each metric they share (mean of the last evaluation over"
                    + " the completed seeds).";
        }
        return String.join(" ", sentences);
    }

    /** A variant's last evaluation of {@code key} over its completed seeds, or null. */
    private static SeedSpread variantValue(VariantResult variant, String key) {
        return key.equals(MetricKeys.EVAL_LOSS) ? variant.statistics().finalEvalLoss()
                : variant.statistics().finalEvalMetrics().get(key);
    }

    private static List<String> metricKeys(List<TrivialBaseline> baselines) {
        Set<String> keys = new LinkedHashSet<>();
        baselines.forEach(baseline -> keys.addAll(baseline.metrics().keySet()));
        return List.copyOf(keys);
    }
}
