package dev.tune4j.report;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes what {@code tune4j report} reads. The input, split at zero bytes, is the resolved recipe
 * ({@value MetricKeys#RECIPE_FILE}, left out when empty) and one run's {@code summary.json} and
 * {@code metrics.jsonl}. {@link ComparisonReader#read} may only refuse with an {@link IOException}
 * ({@link ReportException}; {@link MetricsFormatException} with file and line) that says why; what it accepts lists
 * the run under its variant.
 */
class ComparisonReaderFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void readRunsDirectory(byte[] input) throws IOException {
        Path runs = FuzzInputs.freshDirectory("runs");
        List<byte[]> files = FuzzInputs.parts(input, 3);
        Path run = Files.createDirectories(runs.resolve("adamw").resolve("seed-1"));
        if (files.get(0).length > 0) {
            Files.write(runs.resolve(MetricKeys.RECIPE_FILE), files.get(0));
        }
        Files.write(run.resolve(MetricKeys.SUMMARY_FILE), files.get(1));
        Files.write(run.resolve(MetricKeys.METRICS_FILE), files.get(2));
        Comparison comparison;
        try {
            comparison = ComparisonReader.read(runs);
        } catch (IOException refused) {
            FuzzInputs.assertExplained(refused);
            return;
        }
        boolean listed = comparison.variants().stream().anyMatch(variant -> variant.name().equals("adamw")
                && variant.runs().size() == 1 && variant.runs().getFirst().status() != null);
        if (!listed) {
            throw new AssertionError("the run in adamw/seed-1 is missing from " + comparison.variants());
        }
    }
}
