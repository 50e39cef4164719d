package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.testing.NpmOnPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune4j compare} with a {@code tune} block, shrunk (2 variants, a 2-point lr grid, 2 seeds, 4 steps of a
 * tiny Llama on Moby Dick, each run in its own JVM), run twice: the chosen lr of each variant is the one of its
 * trials with the lower eval loss, read back here from the trials' own summary files, and is what the seeds ran
 * with and what the comparison's summary records; the report has its tuning section; the second compare reuses
 * every finished trial and runs none again.
 */
class TuningEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> VARIANTS = List.of("adamw", "soaa");

    /** A project-written fixture recipe (not a built-in), the size of CompareEndToEndTest's. */
    private static final String RECIPE = """
            # test fixture written by TuningEndToEndTest
            name: tiny-tuning
            model:
              source: tiny_llama
              tiny: {hidden_size: 32, layers: 1, heads: 2, key_value_heads: 1, intermediate_size: 64}
            task: causal_lm
            data: {source: moby-dick, train_tokens: 4000, eval_tokens: 640}
            seeds: [1, 2]
            steps: 4
            batch_size: 4
            max_sequence_length: 32
            throughput_warmup_steps: 1
            tune: {trials: 2, steps: 3, seed: 5}
            variants:
              - name: adamw
                optimizer: adamw
                options: {lr: 3.0e-3}
              - name: soaa
                optimizer: soaa
                options: {lr: 3.0e-3}
            """;

    @TempDir
    static Path work;
    private static Path runs;
    private static CliRun first;
    private static CliRun second;
    private static Map<Path, FileTime> trialSummariesAfterFirst;

    @BeforeAll
    static void compareTwice() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        Path recipe = work.resolve("tiny-tuning.yaml");
        Files.writeString(recipe, RECIPE);
        runs = work.resolve("runs");
        first = CliRun.of("compare", recipe.toString(), "output_dir=" + runs);
        System.out.println(first.out());
        System.err.println(first.err());
        trialSummariesAfterFirst = new HashMap<>();
        for (Path summary : trialSummaries()) {
            trialSummariesAfterFirst.put(summary, Files.getLastModifiedTime(summary));
        }
        second = CliRun.of("compare", recipe.toString(), "output_dir=" + runs);
        System.out.println(second.out());
        System.err.println(second.err());
    }

    private static List<Path> trialSummaries() throws IOException {
        try (Stream<Path> files = Files.walk(runs.resolve("tuning"))) {
            return files.filter(file -> file.getFileName().toString().equals(MetricKeys.SUMMARY_FILE)).sorted()
                    .toList();
        }
    }

    @Test
    void eachVariantRanItsSeedsWithTheLrOfItsBestTrial() throws IOException {
        assertEquals(0, first.exitCode(), first.err());
        JsonNode comparison = JSON.readTree(runs.resolve("summary.json").toFile());
        for (String variant : VARIANTS) {
            // the 2-point default grid: 3e-3 / sqrt(30) and 3e-3 * sqrt(30), each tried with seed 5 for 3 steps
            Map<Double, Double> evalLossByLr = new HashMap<>();
            try (Stream<Path> trials = Files.list(runs.resolve("tuning").resolve(variant))) {
                for (Path trial : trials.filter(Files::isDirectory).toList()) {
                    String name = trial.getFileName().toString();
                    assertTrue(name.startsWith("lr="), name);
                    JsonNode summary = JSON.readTree(trial.resolve("seed-5").resolve(MetricKeys.SUMMARY_FILE)
                            .toFile());
                    assertEquals("completed", summary.path("status").asText(), trial.toString());
                    assertEquals(3, summary.path("steps_completed").asInt(), trial.toString());
                    evalLossByLr.put(Double.parseDouble(name.substring(3)),
                            summary.path("statistics").path("final_eval_loss").asDouble());
                }
            }
            assertEquals(2, evalLossByLr.size(), evalLossByLr.toString());
            double low = evalLossByLr.keySet().stream().min(Double::compare).orElseThrow();
            double high = evalLossByLr.keySet().stream().max(Double::compare).orElseThrow();
            assertEquals(3e-3 / Math.sqrt(30), low, 1e-15);
            assertEquals(3e-3 * Math.sqrt(30), high, 1e-15);
            double argmin = evalLossByLr.get(high) < evalLossByLr.get(low) ? high : low; // a tie: the smaller lr

            assertEquals(argmin, comparison.path("tuning").path(variant).path("lr").asDouble(), 0.0, variant);
            for (int seed : new int[] {1, 2}) {
                JsonNode config = YAML.readTree(runs.resolve(variant).resolve("seed-" + seed)
                        .resolve(MetricKeys.CONFIG_FILE).toFile());
                assertEquals(argmin, config.path("variants").get(0).path("options").path("lr").asDouble(), 0.0,
                        variant + " seed " + seed + " ran with the chosen lr");
                assertEquals(4, JSON.readTree(runs.resolve(variant).resolve("seed-" + seed)
                        .resolve(MetricKeys.SUMMARY_FILE).toFile()).path("steps_completed").asInt());
            }
        }
    }

    @Test
    void theReportHasTheTuningSectionAndItsChart() throws IOException {
        String markdown = Files.readString(runs.resolve("report.md"));
        assertTrue(markdown.contains("## Tuning\n\nBefore its seeds, each variant ran 2 trials of 3 steps (seed 5)"),
                markdown);
        for (String variant : VARIANTS) {
            assertTrue(markdown.contains("| " + variant + " | lr |"), variant + " has a chosen-value row: " + markdown);
        }
        // a 2-point grid has only edges: every chosen value lies on one
        assertTrue(markdown.contains("lies on the edge of its grid"), markdown);
        assertTrue(markdown.contains("the grid was too narrow: widen it."), markdown);
        assertTrue(Files.size(runs.resolve("charts").resolve("tuning-sensitivity.png")) > 0);
    }

    @Test
    void theSecondCompareReusesEveryFinishedTrial() throws IOException {
        assertEquals(0, second.exitCode(), second.err());
        assertEquals(4, trialSummariesAfterFirst.size(), trialSummariesAfterFirst.toString());
        assertEquals(4, second.out().lines().filter(line -> line.startsWith("tune4j: tuning ")
                && line.contains(": finished earlier, reused (")).count(), second.out());
        assertEquals(0, first.out().lines().filter(line -> line.contains("reused")).count(), first.out());
        for (Path summary : trialSummaries()) {
            assertEquals(trialSummariesAfterFirst.get(summary), Files.getLastModifiedTime(summary),
                    summary + " was not written again");
        }
    }
}
