package dev.tune4j.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunStatus;
import dev.tune4j.task.TrivialBaseline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a runs directory, {@code <runs-dir>/<variant>/seed-<n>/} with {@code summary.json} and
 * {@code metrics.jsonl} per run, plus {@code <runs-dir>/recipe.resolved.yaml}, into a {@link Comparison}.
 *
 * <ul>
 *   <li>Variants: the recipe's {@code variants} in its order (a variant without a directory is shown with no
 *       runs), then any other directory holding {@code seed-<n>} directories, by name. Without a recipe file, all
 *       such directories by name.
 *   <li>A run directory without {@code summary.json} counts as a failed run ("no summary.json"): the run did not
 *       finish.
 *   <li>Statistics of completed and diverged runs are recomputed from {@code metrics.jsonl} with
 *       {@link RunStatistics#compute}, using the run's {@code target_loss} and {@code throughput_warmup_steps}
 *       from {@code summary.json}, else the recipe's, else no target and no warm-up, and the machine's
 *       {@code cores} from {@code summary.json} (absent: the load is not checked against them).
 *   <li>The comparison's target loss is the recipe's {@code target_loss}, else that of the first run having one.
 *   <li>{@code lora} of a summary is false when absent. Whether a run's timing was disturbed is what its recomputed
 *       statistics say ({@link RunStatistics#timingDisturbed()}), the same rule the runner applied when it wrote them.
 *   <li>The trivial baselines are those of the first run, in variant and seed order, whose {@code summary.json} has a
 *       non-empty {@value MetricKeys#BASELINES} object (every run of a comparison prepares the same data); none when
 *       no summary has them (runs written before baselines were recorded).
 *   <li>A run's memory breakdown ({@link MemoryBreakdown}) is recomputed from its training lines and the
 *       {@code weights_bytes} and {@code gradient_bytes} of its summary; none without them or on a GPU.
 * </ul>
 */
public final class ComparisonReader {
    private static final Pattern SEED_DIRECTORY = Pattern.compile("seed-(-?\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ComparisonReader() {}

    /**
     * Reads {@code runsDir}.
     *
     * @throws ReportException when it holds no runs, or a recipe, summary or metrics file is malformed (the message
     *     names the file, and the line for metrics)
     */
    public static Comparison read(Path runsDir) throws IOException {
        if (!Files.isDirectory(runsDir)) {
            throw new ReportException(runsDir + " is not a directory");
        }
        RecipeFacts recipe = RecipeFacts.read(runsDir.resolve(MetricKeys.RECIPE_FILE));
        Map<String, Map<Integer, Path>> runDirectories = runDirectories(runsDir);
        if (runDirectories.values().stream().allMatch(Map::isEmpty)) {
            throw new ReportException("no runs in " + runsDir + ": expected " + runsDir + "/<variant>/seed-<n>/ with "
                    + MetricKeys.SUMMARY_FILE + " and " + MetricKeys.METRICS_FILE);
        }
        List<String> order = new ArrayList<>(recipe.variantOptimizers().keySet());
        runDirectories.keySet().stream().filter(name -> !order.contains(name)).forEach(order::add);

        List<VariantResult> variants = new ArrayList<>();
        Double targetLoss = recipe.targetLoss();
        List<TrivialBaseline> baselines = List.of();
        for (String name : order) {
            List<SeedRun> runs = new ArrayList<>();
            for (Map.Entry<Integer, Path> seed : runDirectories.getOrDefault(name, Map.of()).entrySet()) {
                RunFiles files = RunFiles.read(seed.getValue(), seed.getKey(), recipe);
                runs.add(files.run());
                if (targetLoss == null) {
                    targetLoss = files.targetLoss();
                }
                if (baselines.isEmpty()) {
                    baselines = files.baselines();
                }
            }
            String optimizer = runs.stream().map(SeedRun::optimizer).filter(o -> o != null).findFirst()
                    .orElse(recipe.variantOptimizers().get(name));
            variants.add(VariantResult.of(name, optimizer, runs));
        }
        String mainMetric = variants.stream().flatMap(v -> v.runs().stream())
                .filter(SeedRun::countsTowardsAggregates)
                .flatMap(run -> run.statistics().finalEvalMetrics().keySet().stream())
                .findFirst().orElse(null);
        String recipeName = recipe.name() != null ? recipe.name() : runsDir.toAbsolutePath().normalize()
                .getFileName().toString();
        return new Comparison(runsDir, recipeName, recipe.description(), targetLoss, variants, mainMetric,
                baselines);
    }

    /** Variant directory name to its seed directories by seed, both sorted. */
    private static Map<String, Map<Integer, Path>> runDirectories(Path runsDir) throws IOException {
        Map<String, Map<Integer, Path>> variants = new TreeMap<>();
        try (Stream<Path> children = Files.list(runsDir)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
                Map<Integer, Path> seeds = new TreeMap<>();
                try (Stream<Path> grandchildren = Files.list(child)) {
                    for (Path seedDir : grandchildren.filter(Files::isDirectory).toList()) {
                        Matcher matcher = SEED_DIRECTORY.matcher(seedDir.getFileName().toString());
                        if (matcher.matches()) {
                            seeds.put(seed(seedDir, matcher.group(1)), seedDir);
                        }
                    }
                }
                if (!seeds.isEmpty()) {
                    variants.put(child.getFileName().toString(), seeds);
                }
            }
        }
        return variants;
    }

    /** The seed a {@code seed-<n>} directory names; seeds are 32-bit integers, as in recipes. */
    private static int seed(Path seedDir, String digits) throws ReportException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ReportException(seedDir + ": seed " + digits + " is not a 32-bit integer (from "
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + "), so no tune4j run wrote this directory;"
                    + " rename or remove it", e);
        }
    }

    /** What the report takes from {@code recipe.resolved.yaml}; all absent when there is no such file. */
    private record RecipeFacts(String name, String description, Double targetLoss, Integer warmupSteps,
            Map<String, String> variantOptimizers) {

        static RecipeFacts read(Path file) throws ReportException {
            if (!Files.isRegularFile(file)) {
                return new RecipeFacts(null, null, null, null, Map.of());
            }
            JsonNode root;
            try {
                root = YAML.readTree(file.toFile());
            } catch (IOException e) {
                throw new ReportException(file + ": not readable as YAML: " + firstLine(e), e);
            }
            if (root == null || !root.isObject()) {
                throw new ReportException(file + ": expected a YAML mapping (the resolved recipe)");
            }
            Map<String, String> variants = new LinkedHashMap<>();
            JsonNode list = root.path("variants");
            if (!list.isMissingNode() && !list.isArray()) {
                throw new ReportException(file + ": 'variants' must be a list");
            }
            for (JsonNode variant : list) {
                String name = variant.path("name").asText(null);
                if (name == null || name.isBlank()) {
                    throw new ReportException(file + ": every entry of 'variants' needs a 'name'");
                }
                variants.put(name, variant.path("optimizer").asText(null));
            }
            return new RecipeFacts(text(root, "name"), text(root, "description"),
                    number(file, root, "target_loss"),
                    root.path("throughput_warmup_steps").canConvertToInt()
                            ? root.path("throughput_warmup_steps").asInt() : null,
                    variants);
        }
    }

    /** One run directory's summary and metrics. */
    private record RunFiles(SeedRun run, Double targetLoss, List<TrivialBaseline> baselines) {

        static RunFiles read(Path directory, int seed, RecipeFacts recipe) throws IOException {
            Path summaryFile = directory.resolve(MetricKeys.SUMMARY_FILE);
            if (!Files.isRegularFile(summaryFile)) {
                return new RunFiles(new SeedRun(seed, RunStatus.FAILED, null,
                        "no " + MetricKeys.SUMMARY_FILE + " (the run did not finish)", null, null, null, null, false,
                        false), null, List.of());
            }
            JsonNode summary;
            try {
                summary = JSON.readTree(summaryFile.toFile());
            } catch (JacksonException e) {
                throw new ReportException(summaryFile + ": not valid JSON: " + firstLine(e), e);
            }
            if (summary == null || !summary.isObject()) {
                throw new ReportException(summaryFile + ": expected a JSON object");
            }
            RunStatus status;
            try {
                status = RunStatus.fromJsonName(summary.path("status").asText(""));
            } catch (IllegalArgumentException e) {
                throw new ReportException(summaryFile + ": " + e.getMessage(), e);
            }
            Double targetLoss = number(summaryFile, summary, "target_loss");
            if (targetLoss == null) {
                targetLoss = recipe.targetLoss();
            }
            JsonNode warmupNode = summary.path("throughput_warmup_steps");
            int warmup = warmupNode.canConvertToInt() && warmupNode.isIntegralNumber() ? warmupNode.asInt()
                    : recipe.warmupSteps() != null ? recipe.warmupSteps() : 0;
            JsonNode parameters = summary.path("trainable_parameters");
            Long trainable = parameters.isIntegralNumber() ? parameters.asLong() : null;
            JsonNode coresNode = summary.path(MetricKeys.CORES);
            Integer cores = coresNode.isInt() && coresNode.asInt() > 0 ? coresNode.asInt() : null;
            JsonNode divergedNode = summary.path("diverged_at_step");
            Integer divergedAt = divergedNode.isIntegralNumber() ? divergedNode.asInt() : null;

            RunMetrics metrics = null;
            RunStatistics statistics = null;
            if (status == RunStatus.COMPLETED || status == RunStatus.DIVERGED) {
                Path metricsFile = directory.resolve(MetricKeys.METRICS_FILE);
                if (!Files.isRegularFile(metricsFile)) {
                    throw new ReportException(metricsFile + " is missing, but " + summaryFile + " says the run "
                            + status.jsonName());
                }
                metrics = RunMetrics.read(metricsFile);
                if (!metrics.trainSteps().isEmpty()) {
                    try {
                        statistics = RunStatistics.compute(metrics, targetLoss, warmup, cores);
                    } catch (IllegalArgumentException e) {
                        throw new ReportException(metricsFile + ": " + e.getMessage(), e);
                    }
                } else if (status == RunStatus.COMPLETED) {
                    throw new ReportException(metricsFile + " has no training lines, but " + summaryFile
                            + " says the run completed");
                }
            }
            MemoryBreakdown memory = statistics == null ? null : MemoryBreakdown.of(summary, metrics.trainSteps());
            return new RunFiles(new SeedRun(seed, status, divergedAt, text(summary, "error"),
                    text(summary, "optimizer"), trainable, metrics, statistics, flag(summaryFile, summary, "lora"),
                    statistics != null && statistics.timingDisturbed(), memory), targetLoss,
                    readBaselines(summaryFile, summary));
        }
    }

    /** The {@value MetricKeys#BASELINES} of a summary, in its order; empty when absent or null. */
    private static List<TrivialBaseline> readBaselines(Path file, JsonNode summary) throws ReportException {
        JsonNode all = summary.get(MetricKeys.BASELINES);
        if (all == null || all.isNull()) {
            return List.of();
        }
        if (!all.isObject()) {
            throw new ReportException(file + ": '" + MetricKeys.BASELINES + "' must be an object, got " + all);
        }
        List<TrivialBaseline> baselines = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : all.properties()) {
            JsonNode baseline = entry.getValue();
            String where = file + ": baseline '" + entry.getKey() + "'";
            if (!baseline.isObject() || !baseline.path(MetricKeys.BASELINE_DESCRIPTION).isTextual()) {
                throw new ReportException(where + " must be an object with a '" + MetricKeys.BASELINE_DESCRIPTION
                        + "' text, got " + baseline);
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> metric : baseline.properties()) {
                if (metric.getKey().equals(MetricKeys.BASELINE_DESCRIPTION)) {
                    continue;
                }
                if (!metric.getValue().isNumber()) {
                    throw new ReportException(where + ": '" + metric.getKey() + "' must be a number, got "
                            + metric.getValue());
                }
                metrics.put(metric.getKey(), metric.getValue().asDouble());
            }
            baselines.add(new TrivialBaseline(entry.getKey(), baseline.get(MetricKeys.BASELINE_DESCRIPTION).asText(),
                    metrics));
        }
        return List.copyOf(baselines);
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A boolean of a summary; false when absent or null. */
    private static boolean flag(Path file, JsonNode node, String key) throws ReportException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ReportException(file + ": '" + key + "' must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static Double number(Path file, JsonNode node, String key) throws ReportException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new ReportException(file + ": '" + key + "' must be a number, got " + value);
        }
        return value.asDouble();
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JacksonException jackson ? jackson.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
