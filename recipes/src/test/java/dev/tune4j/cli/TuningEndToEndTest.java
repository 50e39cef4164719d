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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune4j compare} with a {@code tune} block, shrunk (AdamW and SOAA, a 2-point lr grid, 2 seeds, 4 steps of a
 * tiny Llama on Moby Dick, each run in its own JVM), run twice; every check reads the files the runs wrote:
 * <ul>
 *   <li>the chosen lr of each variant is the one of its trials with the lower eval loss, read back from the trials'
 *       own summary files, and is what the seeds ran with and what the comparison's summary records;
 *   <li>the significance tests in the comparison's summary and report are recomputed here from the per-seed
 *       {@code metrics.jsonl} files (Welch's t and its degrees of freedom by hand, the p-value from the t
 *       distribution);
 *   <li>SOAA's train lines carry its telemetry keys and AdamW's carry none;
 *   <li>each run's memory parts add up to its recorded peak RSS, the highest on its metrics lines;
 *   <li>the report has its tuning section; the second compare ({@code --resume}, so its seeds' runs are kept too
 *       and the check costs no training) reuses every finished trial and runs none again.
 * </ul>
 * Trials are reused whether or not a compare resumes ({@link dev.tune4j.run.TuningRunner} decides before it starts
 * one); without {@code --resume} the second compare would only train the four seed runs again.
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
        second = CliRun.of("compare", recipe.toString(), "--resume", "output_dir=" + runs);
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

    /** The eval loss of the last eval line of each seed's metrics.jsonl, seeds in order. */
    private static double[] finalEvalLosses(String variant) throws IOException {
        double[] losses = new double[2];
        for (int seed = 1; seed <= 2; seed++) {
            JsonNode last = null;
            for (JsonNode line : metricLines(variant, seed)) {
                if (line.path("type").asText().equals("eval")) {
                    last = line;
                }
            }
            losses[seed - 1] = last.path("eval_loss").asDouble();
        }
        return losses;
    }

    private static List<JsonNode> metricLines(String variant, int seed) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve(variant).resolve("seed-" + seed)
                .resolve(MetricKeys.METRICS_FILE))) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static double mean(double[] values) {
        return (values[0] + values[1]) / 2;
    }

    private static double variance(double[] values) { // sample variance of 2 values
        double mean = mean(values);
        return (values[0] - mean) * (values[0] - mean) + (values[1] - mean) * (values[1] - mean);
    }

    @Test
    void theEvalLossTestIsRecomputedFromThePerSeedFiles() throws IOException {
        JsonNode evalLoss = null;
        for (JsonNode metric : JSON.readTree(runs.resolve("summary.json").toFile()).path("significance")
                .path("metrics")) {
            if (metric.path("metric").asText().equals("eval loss")) {
                evalLoss = metric;
            }
        }
        assertTrue(evalLoss != null, "the comparison's summary has an eval loss test");
        Map<String, double[]> values = new HashMap<>();
        for (JsonNode variant : evalLoss.path("variants")) {
            double[] recorded = {variant.path("values").get(0).asDouble(), variant.path("values").get(1).asDouble()};
            values.put(variant.path("name").asText(), recorded);
        }
        double[] adamw = finalEvalLosses("adamw");
        double[] soaa = finalEvalLosses("soaa");
        assertEquals(Arrays.toString(adamw), Arrays.toString(values.get("adamw")));
        assertEquals(Arrays.toString(soaa), Arrays.toString(values.get("soaa")));

        // Welch: t = (mean1 - mean2) / sqrt(s1^2/n1 + s2^2/n2); df by Welch-Satterthwaite; n = 2 each
        double a = variance(adamw) / 2;
        double b = variance(soaa) / 2;
        double t = (mean(adamw) - mean(soaa)) / Math.sqrt(a + b);
        double df = (a + b) * (a + b) / (a * a + b * b); // (a+b)^2 / (a^2/(n1-1) + b^2/(n2-1)), n - 1 = 1
        double p = 2 * (1 - new TDistribution(df).cumulativeProbability(Math.abs(t)));
        JsonNode pair = evalLoss.path("pairs").get(0);
        assertEquals(1, evalLoss.path("pairs").size(), "two variants make one pair");
        assertEquals("adamw", pair.path("first").asText());
        assertEquals("soaa", pair.path("second").asText());
        assertEquals(t, pair.path("t").asDouble(), 1e-9 * Math.max(1, Math.abs(t)));
        assertEquals(df, pair.path("df").asDouble(), 1e-9 * df);
        assertEquals(p, pair.path("p").asDouble(), 1e-9);
        assertEquals(p, pair.path("holm_p").asDouble(), 1e-9, "Holm over one pair leaves p as it is");

        // the eval loss ranking table's adamw row: its mean ± std, and soaa with the printed (Holm-adjusted) p, each
        // equal to the recomputed value to the digits printed
        String markdown = Files.readString(runs.resolve("report.md"));
        String table = markdown.substring(markdown.indexOf("| eval loss (mean ± std) |"));
        String row = table.lines().filter(line -> line.matches("\\| \\d+ \\| adamw \\|.*")).findFirst().orElse("");
        Matcher shown = Pattern.compile("\\| adamw \\| ([0-9.]+) ± ([0-9.]+) \\| 2 \\|.*soaa \\(p = ([0-9.]+)\\)")
                .matcher(row);
        assertTrue(shown.find(), "the eval loss row of adamw names its mean ± std and soaa with a p: " + markdown);
        assertEqualToThePrintedDigits(mean(adamw), shown.group(1));
        assertEqualToThePrintedDigits(Math.sqrt(variance(adamw)), shown.group(2));
        assertEqualToThePrintedDigits(p, shown.group(3));
    }

    private static void assertEqualToThePrintedDigits(double expected, String printed) {
        int decimals = printed.contains(".") ? printed.length() - printed.indexOf('.') - 1 : 0;
        assertEquals(expected, Double.parseDouble(printed), 0.5 * Math.pow(10, -decimals) + 1e-12,
                "printed " + printed + ", recomputed " + expected);
    }

    @Test
    void soaaTrainLinesCarryItsTelemetryAndAdamwLinesNone() throws IOException {
        for (int seed = 1; seed <= 2; seed++) {
            for (JsonNode line : metricLines("soaa", seed)) {
                if (line.path("type").asText().equals("train")) {
                    for (String key : List.of("opt/dt", "opt/pr", "opt/R", "opt/dt_lo", "opt/dt_hi",
                            "opt/loss_average", "opt/fisher_fraction")) {
                        assertTrue(line.has(key), "soaa seed " + seed + " lacks " + key + ": " + line);
                    }
                }
            }
            for (JsonNode line : metricLines("adamw", seed)) {
                line.fieldNames().forEachRemaining(key -> assertTrue(!key.startsWith("opt/"), key + " in " + line));
            }
        }
    }

    @Test
    void eachRunsMemoryPartsAddUpToItsRecordedPeak() throws IOException {
        for (String variant : VARIANTS) {
            for (int seed = 1; seed <= 2; seed++) {
                long peakOnLines = 0;
                for (JsonNode line : metricLines(variant, seed)) {
                    peakOnLines = Math.max(peakOnLines, line.path("peak_rss_bytes").asLong());
                }
                JsonNode memory = JSON.readTree(runs.resolve(variant).resolve("seed-" + seed)
                        .resolve(MetricKeys.SUMMARY_FILE).toFile()).path("memory");
                long parts = memory.path("weights_bytes").asLong() + memory.path("gradient_bytes").asLong()
                        + memory.path("optimizer_state_bytes").asLong() + memory.path("heap_committed_bytes").asLong()
                        + memory.path("rest_bytes").asLong();
                String where = variant + " seed " + seed + ": " + memory;
                assertTrue(memory.path("peak_rss_bytes").asLong() > 0, where);
                assertEquals(memory.path("peak_rss_bytes").asLong(), parts, where);
                assertEquals(peakOnLines, memory.path("peak_rss_bytes").asLong(), where);
                assertEquals(memory.path("rest_bytes").asLong(), memory.path("rest_freed_by_step_end_bytes").asLong()
                        + memory.path("rest_resident_after_step_bytes").asLong(), where);
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
        assertEquals(4, second.out().lines().filter(line -> line.startsWith("tune4j: run ")
                && line.contains(": completed earlier, kept (")).count(), second.out());
        for (Path summary : trialSummaries()) {
            assertEquals(trialSummariesAfterFirst.get(summary), Files.getLastModifiedTime(summary),
                    summary + " was not written again");
        }
    }
}
