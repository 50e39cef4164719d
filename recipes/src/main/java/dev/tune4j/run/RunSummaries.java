package dev.tune4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.report.RunMetrics;
import dev.tune4j.report.RunStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Adds a run's statistics (as the report defines them, {@link RunStatistics}) to its {@code summary.json}. */
final class RunSummaries {
    private static final ObjectMapper JSON = new ObjectMapper(); // RunStatistics names its own keys

    private RunSummaries() {}

    /**
     * Sets {@code "statistics"} from the run's metrics file, or to null when the run finished no step.
     *
     * @param targetLoss the recipe's target loss, or null
     */
    static void addStatistics(ObjectNode summary, Path metricsFile, Double targetLoss, int warmupSteps)
            throws IOException {
        RunMetrics metrics = Files.exists(metricsFile) ? RunMetrics.read(metricsFile) : null;
        if (metrics == null || metrics.trainSteps().isEmpty()) {
            summary.putNull("statistics");
            return;
        }
        summary.set("statistics", JSON.valueToTree(RunStatistics.compute(metrics, targetLoss, warmupSteps)));
    }
}
