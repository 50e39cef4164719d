package dev.tune4j.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.data.batch.BatchOrder;
import dev.tune4j.engine.ComputeDevice;
import dev.tune4j.io.Spelled;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.metrics.ByteSize;
import dev.tune4j.metrics.OtherProcessesCpu;
import dev.tune4j.metrics.ProcessMemory;
import dev.tune4j.metrics.ProcessorLoad;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerPlan;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.io.OutputFiles;
import dev.tune4j.runfiles.CheckpointManifest;
import dev.tune4j.runfiles.CheckpointStore;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.OutputLock;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import dev.tune4j.runfiles.TrainerState;
import dev.tune4j.task.TrainingTask;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Trains one variant of a recipe with one seed, in this process, and writes its run directory
 * ({@link RunLayout}): the resolved config, {@value MetricKeys#METRICS_FILE} line by line as it trains, and
 * {@value MetricKeys#SUMMARY_FILE} at the end.
 *
 * <pre>
 * setup:  seed the engine -> model (pretrained weights, new head, LoRA) -> optimizer (options, groups, total steps)
 * train:  for each optimizer step: schedule factor -> micro-batches in the seed's order -> TrainingStep
 *                                  -> metrics line (with CPU time and the optimizer's telemetry) -> progress
 *                                  -> evaluation every eval_interval steps (with the machine's load)
 *                                  -> checkpoint every checkpoint_every steps ({@link RunCheckpoints})
 * save:   recipe key save: the best evaluation's weights as they occur, or the final ones ({@link RunModelWriter})
 * end:    final evaluation -> summary (completed, or diverged at the step whose loss was NaN/Inf), with the exact
 *         bytes of weights and gradients and where the peak memory went ({@link dev.tune4j.report.MemoryBreakdown})
 * </pre>
 *
 * <p>SIGTERM or SIGINT stops the run before its next step: a checkpoint, then the summary with status
 * {@code interrupted}; {@code --resume} ({@link RunControl}) continues it from its newest valid checkpoint exactly as
 * the uninterrupted run would have gone on (the engine is reseeded before every step, see {@link TrainerState}).
 *
 * A NaN or infinite loss ends the run as diverged (not as an error) at that step, and so does a non-finite evaluation
 * (at the step after it, whose loss could not be finite): the comparison carries on with the other runs.
 */
public final class RecipeRunner {
    private final Recipe recipe;
    private final TaskData data;
    private final Path outputDir;
    private final PrintWriter out;

    /**
     * @param recipe the resolved recipe
     * @param data its examples, prepared once for all runs
     * @param outputDir the recipe's output directory
     * @param out progress and log lines
     */
    public RecipeRunner(Recipe recipe, TaskData data, Path outputDir, PrintWriter out) {
        this.recipe = recipe;
        this.data = data;
        this.outputDir = outputDir;
        this.out = out;
    }

    /**
     * How a run ended.
     *
     * @param directory the run directory
     * @param status completed, diverged, interrupted or failed
     * @param stepsCompleted optimizer steps that finished
     * @param divergedAtStep the 1-based step whose loss was not finite, or 0
     */
    public record Outcome(Path directory, RunStatus status, long stepsCompleted, long divergedAtStep) {}

    /** Optimizer steps of one run of {@code recipe} over {@code trainSize} examples. */
    public static long totalSteps(Recipe recipe, int trainSize) {
        if (recipe.steps() != null) {
            return recipe.steps();
        }
        return new BatchOrder(trainSize, recipe.batchSize(), 0).stepsForEpochs(recipe.epochs(),
                recipe.gradientAccumulation());
    }

    /**
     * Trains {@code variant} with {@code seed}, replacing what an earlier run left in its directory.
     *
     * @param optimizerPlan the variant's optimizer settings as checked when the recipe was loaded
     *     ({@link dev.tune4j.recipe.LoadedRecipe#optimizer}); the optimizer is built from it, options are not parsed
     *     again
     * @param resolvedConfig the YAML text saved as the run's {@value MetricKeys#CONFIG_FILE}
     */
    public Outcome run(VariantSpec variant, OptimizerPlan<?> optimizerPlan, int seed, String resolvedConfig)
            throws IOException {
        return run(variant, optimizerPlan, seed, resolvedConfig, RunControl.FRESH);
    }

    /**
     * Trains {@code variant} with {@code seed} as {@code control} says: from scratch or from the newest valid
     * checkpoint. The run directory is locked for the run ({@link OutputLock}); SIGTERM and SIGINT stop the run after
     * its current step with a checkpoint and status {@code interrupted}.
     *
     * @param optimizerPlan the variant's optimizer settings as checked when the recipe was loaded
     * @param resolvedConfig the YAML text saved as the run's {@value MetricKeys#CONFIG_FILE}; a resumed run's
     *     checkpoint must have been written with the same text
     */
    public Outcome run(VariantSpec variant, OptimizerPlan<?> optimizerPlan, int seed, String resolvedConfig,
            RunControl control) throws IOException {
        Path directory = RunLayout.runDirectory(outputDir, variant.name(), seed);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw OutputFiles.writeFailure(directory, e);
        }
        String name = variant.name() + " seed " + seed;
        try (OutputLock lock = OutputLock.acquire(directory, "run " + name);
                StopSignal signal = StopSignal.install(name + " stops after its current step and writes a checkpoint",
                        out)) {
            return train(variant, optimizerPlan, seed, resolvedConfig, control, directory, signal);
        }
    }

    private Outcome train(VariantSpec variant, OptimizerPlan<?> optimizerPlan, int seed, String resolvedConfig,
            RunControl control, Path directory, StopSignal signal) throws IOException {
        String name = variant.name() + " seed " + seed;
        Files.deleteIfExists(directory.resolve(MetricKeys.SUMMARY_FILE));
        CheckpointStore store = new CheckpointStore(directory, recipe.keepCheckpoints());
        if (!control.resume()) {
            store.clear();
        }
        OutputFiles.writeAtomically(directory.resolve(MetricKeys.CONFIG_FILE), resolvedConfig);
        LoraConfig adapter = data.adapterConfig(variant);
        RunCheckpoints checkpoints = new RunCheckpoints(store, data, adapter);
        TrainerState expected = new TrainerState(0, seed, 0, 0, 0, CheckpointManifest.sha256(resolvedConfig),
                variant.optimizer(), TrainerState.RNG_SCHEME);
        long totalSteps = totalSteps(recipe, data.trainSize());
        Device device = ComputeDevice.named(recipe.device()).orElseThrow(() -> new IllegalArgumentException("device"
                + " must be one of " + String.join(", ", Spelled.spellings(ComputeDevice.class)) + ", found '"
                + recipe.device() + "'")).djl();
        Engine.getInstance().setRandomSeed(seed);
        ObjectNode summary = RunSummaries.start(recipe, variant, seed);
        summary.put("steps_planned", totalSteps);
        summary.put("device", device.toString());
        summary.put("data", data.describe());
        RunSummaries.putBaselines(summary, data.baselines());
        summary.put("model", data.model().name());
        RunStatus status = RunStatus.COMPLETED;
        long completed = 0;
        long divergedAt = 0;
        String error = null;
        boolean buildingModel = true;
        RunModelWriter saving = new RunModelWriter(recipe.save(), recipe.saveMerged(), data, adapter, directory);
        if (!control.resume()) {
            saving.deleteEarlierModels();
        }
        GpuMemory gpuMemory = GpuMemory.of(device);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Block model = data.newModel(manager, variant);
            buildingModel = false;
            long totalParameters = ParameterNames.of(model).values().stream()
                    .mapToLong(p -> p.getArray().size()).sum();
            summary.put(MetricKeys.WEIGHTS_BYTES, ParameterBytes.weights(model));
            summary.put(MetricKeys.TRAINABLE_WEIGHTS_BYTES, ParameterBytes.trainableWeights(model));
            try (Optimizer optimizer = optimizerPlan.create(totalSteps)) {
                Optional<TrainerState> resumed = control.resume()
                        ? checkpoints.restore(model, optimizer, expected, out) : Optional.empty();
                if (control.resume() && resumed.isEmpty()) {
                    out.println("tune4j: " + name + ": no valid checkpoint in " + store.stepDirectory(0).getParent()
                            + "; starting from step 0");
                    out.flush();
                }
                long start = resumed.map(TrainerState::step).orElse(0L);
                completed = start;
                double clipping = recipe.gradientClipping() > 0 ? recipe.gradientClipping() : Double.POSITIVE_INFINITY;
                TrainingStep step = new TrainingStep(manager, model, optimizer, clipping);
                summary.put("trainable_parameters", step.trainableParameterCount());
                summary.put("total_parameters", totalParameters);
                LearningRateSchedule schedule = new LearningRateSchedule(recipe.schedule(),
                        Math.toIntExact(totalSteps));
                BatchOrder order = new BatchOrder(data.trainSize(), recipe.batchSize(), seed);
                int accumulation = recipe.gradientAccumulation();
                long trainNanos = resumed.map(TrainerState::trainNanos).orElse(0L);
                try (MetricsLog metrics = new MetricsLog(directory.resolve(MetricKeys.METRICS_FILE),
                        resumed.map(TrainerState::metricsLines).orElse(0L));
                        RunProgress progress = new RunProgress(out, name, totalSteps)) {
                    if (resumed.isPresent()) {
                        saving.resumedAfter(directory.resolve(MetricKeys.METRICS_FILE));
                    }
                    OtherProcessesCpu otherCpu = new OtherProcessesCpu();
                    for (long s = start; s < totalSteps; s++) {
                        if (signal.requested() || (s > start && control.stopAfterStep().test(s))) {
                            status = RunStatus.INTERRUPTED;
                            if (s > 0) {
                                checkpoint(checkpoints, model, optimizer, seed, s, metrics, trainNanos, expected,
                                        progress);
                            }
                            progress.message("interrupted after step " + s + "; continue with --resume");
                            break;
                        }
                        Engine.getInstance().setRandomSeed(TrainerState.stepSeed(seed, s)); // dropout: see TrainerState
                        optimizer.setLearningRateScale(schedule.factor((int) s));
                        double lr = optimizer.learningRate();
                        otherCpu.start();
                        long stepStart = System.nanoTime();
                        List<Function<NDManager, ai.djl.ndarray.NDArray>> microBatches = new ArrayList<>(accumulation);
                        long tokens = 0;
                        for (int j = 0; j < accumulation; j++) {
                            TrainingTask.MicroBatch micro = data.microBatch(model,
                                    order.microBatch(s * accumulation + j));
                            microBatches.add(micro.loss());
                            tokens += micro.tokens();
                        }
                        TrainingStep.Result result;
                        try {
                            result = step.run(microBatches);
                        } catch (ArithmeticException diverged) {
                            status = RunStatus.DIVERGED;
                            divergedAt = s + 1;
                            error = diverged.getMessage(); // kept in summary.json: which loss or gradients
                            progress.message("diverged at step " + divergedAt + ": " + diverged.getMessage());
                            break;
                        }
                        long stepNanos = System.nanoTime() - stepStart;
                        OptionalDouble othersSeconds = otherCpu.stop();
                        trainNanos += stepNanos;
                        completed = s + 1;
                        if (completed == start + 1) { // libtorch allocates the gradients in the first backward pass
                            summary.put(MetricKeys.GRADIENT_BYTES, ParameterBytes.gradients(model));
                        }
                        double tokensPerSecond = tokens / (stepNanos / 1e9);
                        ObjectNode line = trainLine(metrics, completed, result, lr, tokens, trainNanos, stepNanos,
                                tokensPerSecond, optimizer.stateBytes(), gpuMemory);
                        othersSeconds.ifPresent(seconds -> line.put(MetricKeys.OTHER_CPU_MS, seconds * 1000));
                        MetricsLog.putFinite(line, MetricKeys.OPTIMIZER_PREFIX, optimizer.telemetry());
                        metrics.write(line);
                        progress.step(completed, result.loss(), tokensPerSecond);
                        boolean evalDue = recipe.evalInterval() > 0 && completed % recipe.evalInterval() == 0;
                        if ((evalDue || completed == totalSteps)
                                && !evaluate(model, manager, metrics, progress, completed, trainNanos, saving)) {
                            status = RunStatus.DIVERGED; // the weights after this step are no longer finite
                            divergedAt = completed + 1;
                            break;
                        }
                        int every = recipe.checkpointEvery();
                        if (every > 0 && (completed % every == 0 || completed == totalSteps)) {
                            checkpoint(checkpoints, model, optimizer, seed, completed, metrics, trainNanos, expected,
                                    progress);
                        }
                    }
                }
                if (status == RunStatus.COMPLETED) {
                    saving.completed(model, completed);
                }
            }
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            // the checkpoint was refused (non-finite, integer or unexpected weights): bad input, not a training failure
            status = buildingModel && e instanceof IllegalArgumentException ? RunStatus.BAD_INPUT : RunStatus.FAILED;
            error = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            out.println("tune4j: " + name + " failed: " + error);
            out.flush();
            try {
                saving.putInto(summary);
                gpuMemory.putSummary(summary);
                RunSummaries.finish(directory, summary, recipe, status, completed, divergedAt, error);
            } catch (IOException | RuntimeException summaryFailed) {
                e.addSuppressed(summaryFailed);
                out.println("tune4j: " + name + ": the summary could not be written either: "
                        + summaryFailed.getMessage());
                out.flush();
            }
            throw e;
        }
        saving.putInto(summary);
        gpuMemory.putSummary(summary);
        RunSummaries.finish(directory, summary, recipe, status, completed, divergedAt, error);
        return new Outcome(directory, status, completed, divergedAt);
    }

    /**
     * Writes the checkpoint after {@code step}, with the trainer state it needs to go on from there, and says its size
     * and how long the write took.
     */
    private void checkpoint(RunCheckpoints checkpoints, Block model, Optimizer optimizer, int seed, long step,
            MetricsLog metrics, long trainNanos, TrainerState expected, RunProgress progress) throws IOException {
        long started = System.nanoTime();
        Path written = checkpoints.save(model, optimizer, new TrainerState(step, seed,
                step * recipe.gradientAccumulation(), metrics.lines(), trainNanos, expected.configSha256(),
                expected.optimizer(), expected.rngScheme()));
        long bytes;
        try (var files = Files.walk(written)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
        progress.message("checkpoint " + written.getFileName() + ": " + ByteSize.format(bytes) + " (" + bytes
                + " bytes) in " + String.format("%.0f ms", (System.nanoTime() - started) / 1e6));
    }

    /**
     * Evaluates and logs, then lets {@code saving} keep the model if it is the best so far; false (and nothing logged)
     * when a metric is NaN or infinite.
     */
    private boolean evaluate(Block model, NDManager manager, MetricsLog metrics, RunProgress progress, long step,
            long trainNanos, RunModelWriter saving) throws IOException {
        Map<String, Double> results = data.evaluate(model, manager);
        if (!results.values().stream().allMatch(Double::isFinite)) {
            progress.message("diverged: evaluation after step " + step + " gave " + results);
            return false;
        }
        ObjectNode line = metrics.line(MetricKeys.TYPE_EVAL, step);
        line.put(MetricKeys.ELAPSED_S, trainNanos / 1e9);
        MetricsLog.putAll(line, results);
        ProcessorLoad.loadAverage1m().ifPresent(load -> line.put(MetricKeys.LOAD_1M, load));
        metrics.write(line);
        StringBuilder text = new StringBuilder("eval at step " + step + ":");
        results.forEach((key, value) -> text.append(' ').append(key).append(' ').append(String.format("%.4f", value)));
        progress.message(text.toString());
        saving.evaluated(model, step, results);
        return true;
    }

    private static ObjectNode trainLine(MetricsLog metrics, long step, TrainingStep.Result result, double lr,
            long tokens, long trainNanos, long stepNanos, double tokensPerSecond, long stateBytes,
            GpuMemory gpuMemory) {
        ProcessMemory memory = ProcessMemory.read();
        ObjectNode line = metrics.line(MetricKeys.TYPE_TRAIN, step);
        line.put(MetricKeys.LOSS, result.loss());
        line.put(MetricKeys.LR, lr);
        line.put(MetricKeys.GRAD_NORM, result.gradientNorm());
        line.put(MetricKeys.TOKENS, tokens);
        line.put(MetricKeys.ELAPSED_S, trainNanos / 1e9);
        line.put(MetricKeys.STEP_MS, stepNanos / 1e6);
        line.put(MetricKeys.FORWARD_MS, result.forwardNanos() / 1e6);
        line.put(MetricKeys.BACKWARD_MS, result.backwardNanos() / 1e6);
        line.put(MetricKeys.OPTIMIZER_MS, result.optimizerNanos() / 1e6);
        line.put(MetricKeys.GRAD_NORM_MS, result.gradientNormNanos() / 1e6);
        line.put(MetricKeys.TOKENS_PER_S, tokensPerSecond);
        line.put(MetricKeys.OPTIMIZER_STATE_BYTES, stateBytes);
        line.put(MetricKeys.RSS_BYTES, memory.residentBytes());
        line.put(MetricKeys.PEAK_RSS_BYTES, memory.peakResidentBytes());
        line.put(MetricKeys.HEAP_USED_BYTES, memory.heapUsedBytes());
        line.put(MetricKeys.HEAP_COMMITTED_BYTES, memory.heapCommittedBytes());
        ProcessorLoad.processCpuSeconds().ifPresent(seconds -> line.put(MetricKeys.CPU_S, seconds));
        gpuMemory.putReading(line);
        return line;
    }
}
