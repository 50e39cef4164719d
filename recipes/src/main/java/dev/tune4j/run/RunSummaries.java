package dev.tune4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.metrics.ProcessorLoad;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.report.MemoryBreakdown;
import dev.tune4j.report.RunMetrics;
import dev.tune4j.report.RunStatistics;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunStatus;
import dev.tune4j.task.TrivialBaseline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A run's {@code summary.json}: who ran ({@link #start}), how it ended and its statistics as the report defines them
 * ({@link RunStatistics}), written atomically ({@link #finish}). The runner and the comparison's crash record share it.
 */
final class RunSummaries {
    private static final ObjectMapper JSON = new ObjectMapper(); // RunStatistics names its own keys

    private RunSummaries() {}

    /**
     * The fields that name the run: recipe, variant, optimizer, seed, LoRA, target loss, warm-up steps, and the
     * machine's {@code cores} ({@link ProcessorLoad#cores()}), which the run's load is compared with.
     */
    static ObjectNode start(Recipe recipe, VariantSpec variant, int seed) {
        ObjectNode summary = JSON.createObjectNode();
        summary.put("recipe", recipe.name());
        summary.put("variant", variant.name());
        summary.put("optimizer", variant.optimizer());
        summary.put("seed", seed);
        summary.put("lora", variant.lora());
        if (recipe.targetLoss() != null) {
            summary.put("target_loss", recipe.targetLoss());
        } else {
            summary.putNull("target_loss");
        }
        summary.put("throughput_warmup_steps", recipe.throughputWarmupSteps());
        summary.put(MetricKeys.CORES, ProcessorLoad.cores());
        return summary;
    }

    /**
     * Sets {@value MetricKeys#BASELINES}: each baseline's {@value MetricKeys#BASELINE_DESCRIPTION} and metrics, under
     * its name, in the task's order.
     */
    static void putBaselines(ObjectNode summary, List<TrivialBaseline> baselines) {
        ObjectNode all = summary.putObject(MetricKeys.BASELINES);
        for (TrivialBaseline baseline : baselines) {
            ObjectNode entry = all.putObject(baseline.name());
            entry.put(MetricKeys.BASELINE_DESCRIPTION, baseline.description());
            baseline.metrics().forEach(entry::put);
        }
    }

    /**
     * Adds how the run ended, the machine's 1-minute load average now ({@value MetricKeys#LOAD_1M}, null where
     * {@code /proc/loadavg} is not readable) and the statistics, then writes {@code summary.json} through a
     * temporary file, so a reader never sees half of it.
     *
     * @param divergedAt the 1-based step that diverged, or 0
     * @param error what stopped the run, or null
     */
    static void finish(Path directory, ObjectNode summary, Recipe recipe, RunStatus status, long completed,
            long divergedAt, String error) throws IOException {
        summary.put("status", status.jsonName());
        if (divergedAt > 0) {
            summary.put("diverged_at_step", divergedAt);
        } else {
            summary.putNull("diverged_at_step");
        }
        if (error != null) {
            summary.put("error", error);
        } else {
            summary.putNull("error");
        }
        summary.put("steps_completed", completed);
        OptionalDouble load = ProcessorLoad.loadAverage1m();
        if (load.isPresent()) {
            summary.put(MetricKeys.LOAD_1M, load.getAsDouble());
        } else {
            summary.putNull(MetricKeys.LOAD_1M);
        }
        JsonNode cores = summary.path(MetricKeys.CORES);
        addStatistics(summary, directory.resolve(MetricKeys.METRICS_FILE), recipe.targetLoss(),
                recipe.throughputWarmupSteps(), cores.isInt() ? cores.asInt() : null);
        Path temporary = directory.resolve(MetricKeys.SUMMARY_FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), summary);
        Files.move(temporary, directory.resolve(MetricKeys.SUMMARY_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Sets {@code "statistics"} from the run's metrics file, or to null when the run finished no step, and
     * {@value MetricKeys#MEMORY} ({@link MemoryBreakdown#of}) from the same lines and the summary's exact sizes.
     *
     * @param targetLoss the recipe's target loss, or null
     */
    private static void addStatistics(ObjectNode summary, Path metricsFile, Double targetLoss, int warmupSteps,
            Integer cores) throws IOException {
        RunMetrics metrics = Files.exists(metricsFile) ? RunMetrics.read(metricsFile) : null;
        if (metrics == null || metrics.trainSteps().isEmpty()) {
            summary.putNull("statistics");
            summary.putNull(MetricKeys.MEMORY);
            return;
        }
        summary.set("statistics", JSON.valueToTree(RunStatistics.compute(metrics, targetLoss, warmupSteps, cores)));
        MemoryBreakdown memory = MemoryBreakdown.of(summary, metrics.trainSteps());
        summary.set(MetricKeys.MEMORY, memory == null ? summary.nullNode() : JSON.valueToTree(memory));
    }
}
