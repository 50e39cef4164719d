package dev.tune4j.report;

import static dev.tune4j.report.SyntheticRuns.lossesDroppingAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.report.SyntheticRuns.Run;
import dev.tune4j.task.TrivialBaseline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trivial baselines the runs recorded, read back and shown in the report (table, sentences, chart lines). */
class BaselinesReportTest {
    @TempDir
    Path dir;

    private static Map<String, Double> metrics(String key, double value, String otherKey, double other) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(key, value);
        metrics.put(otherKey, other);
        return metrics;
    }

    /**
     * Classification: majority class accuracy 0.685, macro-F1 0.4065. adamw's last eval accuracies 0.66 and 0.70
     * (mean 0.68, not above 0.685); soaa's 0.9 in both seeds (above). Evaluations after steps 10 and 20.
     */
    private SyntheticRuns classification() {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("adamw", "adamw");
        variants.put("soaa", "soaa");
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("spam")).recipe("spam", "BERT spam", 5.0, variants);
        Map<String, Double> majority = metrics("eval_accuracy", 0.685, "eval_macro_f1", 0.4065);
        double[] adamwAccuracy = {0.66, 0.70};
        for (int seed = 1; seed <= 2; seed++) {
            runs.run(new Run("adamw", "adamw", seed, lossesDroppingAt(6, 1)).eval(10, 0.7, 0.6)
                    .eval(20, 0.6, adamwAccuracy[seed - 1])
                    .baseline("majority_class", "always 'ham' (the training set's majority class, 137 of 200)",
                            majority));
            runs.run(new Run("soaa", "soaa", seed, lossesDroppingAt(6, 1)).eval(10, 0.5, 0.8).eval(20, 0.3, 0.9)
                    .baseline("majority_class", "always 'ham' (the training set's majority class, 137 of 200)",
                            majority));
        }
        return runs;
    }

    @Test
    void theReaderKeepsTheRecordedBaselinesInOrder() throws IOException {
        Comparison comparison = ComparisonReader.read(classification().dir());
        assertEquals(List.of(new TrivialBaseline("majority_class",
                "always 'ham' (the training set's majority class, 137 of 200)",
                metrics("eval_accuracy", 0.685, "eval_macro_f1", 0.4065))), comparison.baselines());
    }

    @Test
    void theReportTablesTheBaselinesAndSaysWhichVariantDoesNotBeatThem() throws IOException {
        WrittenReport written = Report.write(classification().dir());
        String markdown = Files.readString(written.markdown());
        assertTrue(markdown.contains("""
                ## Trivial baselines

                What needs no trained model, scored on the same evaluation examples as every variant and fit on the\
                 training examples only (recorded under 'baselines' in each run's summary.json). These rows are\
                 baselines, not variants.

                ### Baselines

                | baseline | predicts | eval accuracy | eval macro f1 |
                | --- | --- | --- | --- |
                | majority_class (baseline) | always 'ham' (the training set's majority class, 137 of 200) |\
                 0.6850 | 0.4065 |

                adamw's eval accuracy 0.6800 is not above the majority_class baseline's 0.6850.
                """), markdown);
        assertFalse(markdown.contains("soaa's eval accuracy"), markdown);
        // right under the results, before the significance tests
        assertTrue(markdown.indexOf("## Trivial baselines") < markdown.indexOf("## Significance and rankings"),
                markdown);
        String html = Files.readString(written.html());
        assertTrue(html.contains("<td>majority_class (baseline)</td>"), html);
        assertTrue(html.contains("adamw&#39;s eval accuracy 0.6800 is not above the majority_class baseline&#39;s"
                + " 0.6850."), html);
    }

    /**
     * Language model: unigram eval loss 6.5 (perplexity 665.1), bigram 5.25 (190.6). adamw's last eval loss 5.5 is
     * below the unigram's but not below the bigram's; soaa's 4.0 is below both. adamw has no eval perplexity, so
     * that metric is not compared.
     */
    private SyntheticRuns languageModel() {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("adamw", "adamw");
        variants.put("soaa", "soaa");
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("lm")).recipe("lm", "Tiny Llama", 5.0, variants);
        for (int seed = 1; seed <= 2; seed++) {
            for (Run run : List.of(new Run("adamw", "adamw", seed, lossesDroppingAt(6, 1)).eval(5, 7.0, 0.1)
                    .eval(20, 5.5, 0.1), new Run("soaa", "soaa", seed, lossesDroppingAt(6, 1)).eval(5, 6.0, 0.1)
                    .eval(20, 4.0, 0.1))) {
                runs.run(run.baseline("unigram", "unigram (add-one), counted on the training tokens",
                        metrics("eval_loss", 6.5, "eval_perplexity", 665.1))
                        .baseline("bigram", "bigram (interpolated, λ=0.60), counted on the training tokens",
                                metrics("eval_loss", 5.25, "eval_perplexity", 190.6)));
            }
        }
        return runs;
    }

    @Test
    void aLanguageModelsEvalLossIsComparedWithEachNgramBaseline() throws IOException {
        Comparison comparison = ComparisonReader.read(languageModel().dir());
        assertEquals("adamw's eval loss 5.500 is not below the bigram baseline's 5.250.",
                BaselinesSection.verdicts(comparison));
    }

    @Test
    void theEvalLossChartDrawsEachBaselineAsADashedLineAcrossTheEvaluatedSteps() throws IOException {
        Comparison comparison = ComparisonReader.read(languageModel().dir());
        List<ReportCharts.Series> lines = ReportCharts.baselineLines(comparison, "eval_loss",
                VariantCurves::evalLossByStep);
        assertEquals(List.of(
                new ReportCharts.Series("unigram baseline (6.500)", 2,
                        new Curve(List.of(5.0, 20.0), List.of(6.5, 6.5), List.of(0.0, 0.0)), true),
                new ReportCharts.Series("bigram baseline (5.250)", 3,
                        new Curve(List.of(5.0, 20.0), List.of(5.25, 5.25), List.of(0.0, 0.0)), true)), lines);
        assertTrue(ReportCharts.baselineLines(comparison, "eval_accuracy", VariantCurves::evalLossByStep).isEmpty());
        assertTrue(Files.exists(Report.write(comparison).charts().stream()
                .filter(chart -> chart.getFileName().toString().equals(ReportCharts.EVAL_LOSS_BY_STEP))
                .findFirst().orElseThrow()));
    }

    @Test
    void everyVariantAboveEveryBaselineIsSaidOnce() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("good")).recipe("good", "all good", 5.0,
                Map.of("soaa", "soaa"));
        runs.run(new Run("soaa", "soaa", 1, lossesDroppingAt(6, 1)).eval(20, 0.3, 0.9)
                .baseline("majority_class", "always 'ham'", metrics("eval_accuracy", 0.5, "eval_loss", 0.69)));
        assertEquals("Every variant beats every baseline on each metric they share (mean of the last evaluation"
                + " over the completed seeds).", BaselinesSection.verdicts(ComparisonReader.read(runs.dir())));
    }

    @Test
    void runsWithoutBaselinesGiveNoSection() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("old")).recipe("old", "before baselines", 5.0,
                Map.of("soaa", "soaa"));
        runs.run(new Run("soaa", "soaa", 1, lossesDroppingAt(6, 1)).eval(20, 0.3, 0.9));
        Comparison comparison = ComparisonReader.read(runs.dir());
        assertTrue(comparison.baselines().isEmpty());
        assertFalse(Files.readString(Report.write(comparison).markdown()).contains("Trivial baselines"));
    }

    @Test
    void aMalformedBaselineNamesTheSummaryFile() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("bad")).recipe("bad", "bad", 5.0, Map.of("soaa", "soaa"));
        runs.run(new Run("soaa", "soaa", 1, lossesDroppingAt(6, 1)).eval(20, 0.3, 0.9));
        Path summary = runs.dir().resolve("soaa/seed-1/summary.json");
        Files.writeString(summary, Files.readString(summary).replaceFirst("\\{",
                "{\"baselines\": {\"unigram\": {\"description\": \"u\", \"eval_loss\": \"high\"}},"));
        ReportException error = assertThrows(ReportException.class, () -> ComparisonReader.read(runs.dir()));
        assertEquals(summary + ": baseline 'unigram': 'eval_loss' must be a number, got \"high\"",
                error.getMessage());
    }
}
