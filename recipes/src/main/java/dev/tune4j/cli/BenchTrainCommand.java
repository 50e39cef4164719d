package dev.tune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.io.Directories;
import dev.tune4j.metrics.ByteSize;
import dev.tune4j.metrics.ProcessorLoad;
import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.report.MemoryBreakdown;
import dev.tune4j.report.RunMetrics;
import dev.tune4j.report.RunStatistics;
import dev.tune4j.run.DeviceCheck;
import dev.tune4j.run.RecipeRunner;
import dev.tune4j.run.RunControl;
import dev.tune4j.run.TaskData;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j bench train RECIPE [--variant V] [--steps K] [--warmup W] [--keep DIR] [KEY=VALUE...]}: trains one
 * variant of a recipe for W + K steps in this process, the way {@code tune4j run} does (same data, model, optimizer,
 * clipping and schedule; no checkpoint, nothing saved, one evaluation after the last step as every run ends with,
 * outside the timed steps), and prints what a user compares with their own
 * Python run of the same shape: the median step time of the K timed steps split into forward, backward and optimizer,
 * tokens per second, and the peak resident memory split into its parts ({@link MemoryBreakdown}). The load average
 * before and after is printed beside the times, since other work on the machine decides them.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train one variant of a recipe for --warmup + --steps steps (nothing saved, one evaluation at the end) and"
                    + " print the median step time split into forward / backward / optimizer, tokens/s and the peak"
                    + " RSS with its parts, for comparing with a Python run of the same shape.",
            "Overrides (KEY=VALUE) change the shape, e.g. batch_size=16 max_sequence_length=128."
        })
final class BenchTrainCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Mixin
    private RecipeArguments arguments;

    @Option(names = "--variant", paramLabel = "NAME", description = "The variant to train (default: the first).")
    private String variant;

    @Option(names = "--steps", paramLabel = "K", defaultValue = "20",
            description = "Timed steps; the medians are over these (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "3",
            description = "Untimed steps first: the JIT, libtorch's first allocations (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "Write the run directory (metrics.jsonl, summary.json) into DIR and keep it; by default it"
                    + " goes into a temporary directory that is deleted at the end.")
    private Path keep;

    @Override
    public Integer call() throws IOException {
        if (steps < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--steps must be at least 1 and --warmup at least 0, got "
                    + steps + " and " + warmup);
        }
        Path outputDir = keep != null ? keep.toAbsolutePath() : Files.createTempDirectory("tune4j-bench-train");
        // steps replace a recipe's epochs (a recipe sets one of them)
        arguments.overrides.addAll(List.of("epochs=null", "steps=" + (warmup + steps), "eval_interval=0", "save=none",
                "checkpoint_every=0", "tune=off", "output_dir=" + outputDir));
        try {
            Optional<LoadedRecipe> loaded = arguments.load(spec);
            if (loaded.isEmpty()) {
                return Tune4jCommand.EXIT_FAILURE;
            }
            return bench(loaded.get(), outputDir);
        } finally {
            if (keep == null) {
                Directories.deleteRecursively(outputDir);
            }
        }
    }

    private int bench(LoadedRecipe loaded, Path outputDir) throws IOException {
        Recipe full = loaded.recipe();
        String name = variant != null ? variant : full.variants().getFirst().name();
        int seed = full.seeds().getFirst();
        Recipe recipe;
        try {
            recipe = full.withOnly(name, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        DeviceCheck.require(recipe);
        PrintWriter out = spec.commandLine().getOut();
        VariantSpec chosen = recipe.variants().getFirst();
        TaskData data = TaskData.prepare(recipe, out);
        OptionalDouble loadBefore = ProcessorLoad.loadAverage1m();
        RecipeRunner.Outcome outcome = new RecipeRunner(recipe, data, outputDir, out).run(chosen,
                loaded.optimizer(chosen), seed, RecipeWriter.toYaml(recipe), RunControl.FRESH);
        OptionalDouble loadAfter = ProcessorLoad.loadAverage1m();
        if (outcome.status() != RunStatus.COMPLETED) {
            out.printf("tune4j bench train: the run %s after %d steps; nothing to time (%s)%n",
                    outcome.status().jsonName(), outcome.stepsCompleted(), outcome.directory());
            out.flush();
            return Tune4jCommand.EXIT_FAILURE;
        }
        Path metrics = outcome.directory().resolve(MetricKeys.METRICS_FILE);
        List<JsonNode> timed = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode node = JSON.readTree(line);
            if (MetricKeys.TYPE_TRAIN.equals(node.path(MetricKeys.TYPE).asText())
                    && node.path(MetricKeys.STEP).asInt() > warmup) {
                timed.add(node);
            }
        }
        double step = median(timed, MetricKeys.STEP_MS);
        double forward = median(timed, MetricKeys.FORWARD_MS);
        double backward = median(timed, MetricKeys.BACKWARD_MS);
        double optimizer = median(timed, MetricKeys.OPTIMIZER_MS);
        double tokens = timed.stream().mapToLong(node -> node.path(MetricKeys.TOKENS).asLong()).sum()
                / (double) timed.size();
        out.printf("tune4j bench train: %s, variant %s (%s%s), seed %d: %d timed steps after %d warm-up steps;"
                        + " batch %d, max length %d, %.0f real tokens per step on average%n", full.name(), name,
                chosen.optimizer(), chosen.lora() ? ", LoRA" : "", seed, timed.size(), warmup, recipe.batchSize(),
                recipe.maxSequenceLength(), tokens);
        out.printf("median step %.1f ms: forward %.1f, backward %.1f, optimizer %.1f (medians of each phase; the"
                + " phases' medians need not add up to the step's)%n", step, forward, backward, optimizer);
        double norm = median(timed, MetricKeys.GRAD_NORM_MS);
        double[] ownSteps = new double[timed.size()]; // (steps) optimizer.step's ms: the phase minus the norm
        double[] ratios = new double[timed.size()]; // (steps) the phase over optimizer.step
        for (int i = 0; i < ownSteps.length; i++) {
            double phase = timed.get(i).path(MetricKeys.OPTIMIZER_MS).asDouble();
            ownSteps[i] = phase - timed.get(i).path(MetricKeys.GRAD_NORM_MS).asDouble();
            ratios[i] = phase / ownSteps[i];
        }
        double ownStep = RunStatistics.median(ownSteps);
        double ratio = RunStatistics.median(ratios);
        out.printf("optimizer phase: gradient norm %.1f ms, then optimizer.step %.1f ms (clipping included; medians):"
                + " the phase is %.2fx the optimizer's own step (median over the steps)%n", norm, ownStep, ratio);
        out.printf("tokens/s %.0f (real tokens per step / median step time); median of the steps' own tokens/s %.0f%n",
                tokens / (step / 1000), median(timed, MetricKeys.TOKENS_PER_S));
        JsonNode summary = JSON.readTree(outcome.directory().resolve(MetricKeys.SUMMARY_FILE).toFile());
        MemoryBreakdown memory = MemoryBreakdown.of(summary, RunMetrics.read(metrics).trainSteps());
        if (memory == null) {
            out.println("peak RSS: not measured on this platform or device");
        } else {
            out.printf("peak RSS %s at step %d = weights %s + gradients %s + optimizer state %s + JVM heap committed %s"
                            + " (used %s) + rest %s (freed by the step's end %s, resident after it %s)%n",
                    ByteSize.format(memory.peakRssBytes()), memory.peakStep(), ByteSize.format(memory.weightsBytes()),
                    ByteSize.format(memory.gradientBytes()), ByteSize.format(memory.optimizerStateBytes()),
                    ByteSize.format(memory.heapCommittedBytes()), ByteSize.format(memory.heapUsedBytes()),
                    ByteSize.format(memory.restBytes()), ByteSize.format(memory.restFreedByStepEndBytes()),
                    ByteSize.format(memory.restResidentAfterStepBytes()));
        }
        out.printf("load average (1 min) %s before, %s after, on %d cores: a load above the cores means other work"
                + " shared them%n", format(loadBefore), format(loadAfter), ProcessorLoad.cores());
        if (keep != null) {
            out.println("run directory: " + outcome.directory());
        }
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }

    /** The median of {@code key} over the lines ({@link RunStatistics#median}). */
    private static double median(List<JsonNode> lines, String key) {
        return RunStatistics.median(lines.stream().mapToDouble(node -> node.path(key).asDouble(Double.NaN)).toArray());
    }

    private static String format(OptionalDouble load) {
        return load.isPresent() ? String.format("%.2f", load.getAsDouble()) : "unknown";
    }
}
