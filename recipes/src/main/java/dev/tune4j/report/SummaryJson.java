package dev.tune4j.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.tuning.TuningRecord;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the comparison's {@code summary.json}:
 *
 * <pre>{@code
 * {"recipe": {"name", "description", "target_loss"}, "main_eval_metric", "conclusion", "significance",
 *  "variants": [{"name", "optimizer", "runs", "completed", "target_reached", "status",
 *                "seeds": [{"seed", "status", "diverged_at_step", "error", "trainable_parameters",
 *                           "bytes_per_parameter", "statistics": {RunStatistics} | null}],
 *                "aggregates": {"final_loss": {"mean", "std", "seeds"} | null, "stability", "final_eval_loss",
 *                               "final_eval_metrics": {"eval_<metric>": {...}}, "steps_to_target",
 *                               "seconds_to_target", "seconds_to_target_at_median_step",
 *                               "optimizer_state_bytes", "bytes_per_parameter", "peak_rss_bytes", "tokens_per_s",
 *                               "median_step_ms", "step_time_cv", "timing_disturbed" (a seed count),
 *                               "train_seconds"},
 *                "curves": {"loss_by_step", "loss_by_seconds", "eval_loss_by_step",
 *                           "eval_metrics_by_step": {"eval_<metric>": ...}}}]}
 * }</pre>
 *
 * Aggregates are over completed seeds (mean, sample std with ddof 1 and 0 for one seed, and the seed count); a
 * curve is {@code {"x": [...], "mean": [...], "std": [...]}}. Per-seed statistics are those of
 * {@link RunStatistics} recomputed from {@code metrics.jsonl}, also for diverged seeds. {@code "significance"} holds
 * every test behind the conclusion and the rankings ({@link SignificanceJson}). {@code "tuning"}, only when the
 * comparison tuned, maps each tuned variant to the values its seeds ran with, e.g. {@code {"adamw": {"lr": 0.001}}}.
 */
final class SummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {}

    /** The summary, with the values tuning chose when {@code tuning} is present. */
    static String render(Comparison comparison, String conclusion, Optional<TuningRecord> tuning) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode recipe = root.putObject("recipe");
        recipe.put("name", comparison.recipeName());
        recipe.put("description", comparison.description());
        recipe.put("target_loss", comparison.targetLoss());
        root.put("main_eval_metric", comparison.mainEvalMetric());
        root.put("conclusion", conclusion);
        root.set("significance", SignificanceJson.of(ComparisonTests.of(comparison)));
        tuning.ifPresent(record -> root.set("tuning", JSON.valueToTree(record.chosenByVariant())));
        ArrayNode variants = root.putArray("variants");
        for (VariantResult variant : comparison.variants()) {
            VariantStatistics stats = variant.statistics();
            ObjectNode node = variants.addObject();
            node.put("name", variant.name());
            node.put("optimizer", variant.optimizer());
            node.put("runs", variant.runs().size());
            node.put("completed", stats.completedSeeds());
            node.put("target_reached", comparison.targetLoss() == null ? null : stats.targetReached());
            node.put("status", ReportTables.seedsCompleted(variant));
            ArrayNode seeds = node.putArray("seeds");
            for (SeedRun run : variant.runs()) {
                ObjectNode seed = seeds.addObject();
                seed.put("seed", run.seed());
                seed.put("status", run.status().jsonName());
                seed.put("diverged_at_step", run.divergedAtStep());
                seed.put("error", run.error());
                seed.put("trainable_parameters", run.trainableParameters());
                seed.put("bytes_per_parameter", run.bytesPerParameter());
                seed.set("statistics", JSON.valueToTree(run.statistics()));
            }
            ObjectNode aggregates = node.putObject("aggregates");
            aggregates.set("final_loss", JSON.valueToTree(stats.finalLoss()));
            aggregates.set("stability", JSON.valueToTree(stats.stability()));
            aggregates.set("final_eval_loss", JSON.valueToTree(stats.finalEvalLoss()));
            ObjectNode metrics = aggregates.putObject("final_eval_metrics");
            stats.finalEvalMetrics().forEach((name, spread) -> metrics.set(name, JSON.valueToTree(spread)));
            aggregates.set("steps_to_target", JSON.valueToTree(stats.stepsToTarget()));
            aggregates.set("seconds_to_target", JSON.valueToTree(stats.secondsToTarget()));
            aggregates.set("seconds_to_target_at_median_step", JSON.valueToTree(stats.secondsToTargetAtMedianStep()));
            aggregates.set("optimizer_state_bytes", JSON.valueToTree(stats.optimizerStateBytes()));
            aggregates.set("bytes_per_parameter", JSON.valueToTree(stats.bytesPerParameter()));
            aggregates.set("peak_rss_bytes", JSON.valueToTree(stats.peakRssBytes()));
            aggregates.set("tokens_per_s", JSON.valueToTree(stats.tokensPerSecond()));
            aggregates.set("median_step_ms", JSON.valueToTree(stats.medianStepMillis()));
            aggregates.set("step_time_cv", JSON.valueToTree(stats.stepTimeCv()));
            aggregates.put("timing_disturbed", stats.timingDisturbed());
            aggregates.set("train_seconds", JSON.valueToTree(stats.trainSeconds()));
            ObjectNode curves = node.putObject("curves");
            curves.set("loss_by_step", JSON.valueToTree(variant.curves().lossByStep()));
            curves.set("loss_by_seconds", JSON.valueToTree(variant.curves().lossByTime()));
            curves.set("eval_loss_by_step", JSON.valueToTree(variant.curves().evalLossByStep()));
            ObjectNode evalCurves = curves.putObject("eval_metrics_by_step");
            for (Map.Entry<String, Curve> curve : variant.curves().evalMetricsByStep().entrySet()) {
                evalCurves.set(curve.getKey(), JSON.valueToTree(curve.getValue()));
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not write summary.json", e);
        }
    }
}
