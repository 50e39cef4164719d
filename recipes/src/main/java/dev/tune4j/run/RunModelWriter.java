package dev.tune4j.run;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.Directories;
import dev.tune4j.io.OutputFiles;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.lora.PeftAdapters;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.recipe.SaveMode;
import dev.tune4j.report.EvalPoint;
import dev.tune4j.report.RunMetrics;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.task.TrainingTask;
import dev.tune4j.tokenizer.TokenizerDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's trained model into its run directory as the recipe's {@code save} key asks ({@link SaveMode}):
 * {@value RunLayout#MODEL_DIR}/ for full fine-tuning (config.json, weights, tokenizer files, generation_config.json
 * for Llama), {@value RunLayout#ADAPTER_DIR}/ for LoRA, and {@value RunLayout#MERGED_DIR}/ beside it with
 * {@code save_merged}. Each directory is written beside its place and then renamed into it, so a reader sees the old
 * or the new model, never a mixture.
 *
 * <p>{@code best} keeps no copy in memory: when an evaluation's {@value TrainingTask#EVAL_LOSS} is lower than every
 * earlier one, the weights are written at once (one model's disk space; the time of one write per improvement).
 */
final class RunModelWriter {
    /** The summary.json key of what a run saved. */
    static final String SAVED = "saved";

    private final SaveMode mode;
    private final boolean merged;
    private final TaskData data;
    private final LoraConfig adapter;
    private final Path runDirectory;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private long savedStep;
    private double savedLoss = Double.NaN;
    private long lastEvalStep;
    private double lastEvalLoss = Double.NaN;
    private int writes;
    private long writeNanos;

    /**
     * @param adapter the LoRA config of the run's model, or null for full fine-tuning
     * @param mergedToo also write the merged model of a LoRA run
     */
    RunModelWriter(SaveMode mode, boolean mergedToo, TaskData data, LoraConfig adapter, Path runDirectory) {
        this.mode = mode;
        this.merged = mergedToo && adapter != null;
        this.data = data;
        this.adapter = adapter;
        this.runDirectory = runDirectory;
    }

    /** Deletes what an earlier run left in the model directories, so a fresh run never reports an old model. */
    void deleteEarlierModels() throws IOException {
        for (String name : new String[] {RunLayout.MODEL_DIR, RunLayout.ADAPTER_DIR, RunLayout.MERGED_DIR}) {
            Directories.deleteRecursively(runDirectory.resolve(name));
        }
    }

    /**
     * A resumed run goes on from the evaluations its metrics file kept: under {@code best}, the lowest
     * {@value TrainingTask#EVAL_LOSS} among them is the one to beat, and the model directory an earlier process wrote
     * for it stays the saved model until an evaluation beats it.
     */
    void resumedAfter(Path metricsFile) throws IOException {
        if (mode != SaveMode.BEST || !Files.exists(metricsFile)) {
            return;
        }
        for (EvalPoint eval : RunMetrics.read(metricsFile).evalPoints()) {
            if (eval.evalLoss() < bestLoss) {
                bestLoss = eval.evalLoss();
                savedStep = eval.step();
                savedLoss = bestLoss;
            }
        }
        Path kept = runDirectory.resolve(adapter == null ? RunLayout.MODEL_DIR : RunLayout.ADAPTER_DIR);
        if (Files.isDirectory(kept) && Double.isFinite(bestLoss)) {
            writes = 1; // the write of an earlier process, whose model is still the best
        }
    }

    /** After a finite evaluation at {@code step}: under {@code best}, writes the model when its loss is the lowest. */
    void evaluated(Block model, long step, Map<String, Double> results) throws IOException {
        lastEvalStep = step;
        lastEvalLoss = results.getOrDefault(TrainingTask.EVAL_LOSS, Double.NaN);
        if (mode == SaveMode.BEST && lastEvalLoss < bestLoss) {
            bestLoss = lastEvalLoss;
            write(model, step, lastEvalLoss);
        }
    }

    /** After the last step of a completed run: under {@code final}, writes the model. */
    void completed(Block model, long step) throws IOException {
        if (mode == SaveMode.FINAL) {
            write(model, step, lastEvalStep == step ? lastEvalLoss : Double.NaN);
        }
    }

    private void write(Block model, long step, double evalLoss) throws IOException {
        long start = System.nanoTime();
        if (adapter == null) {
            Path target = runDirectory.resolve(RunLayout.MODEL_DIR);
            Path staging = Directories.staging(target);
            ModelWeights.save(model, data.model().config(), staging);
            TokenizerDirectory.write(data.model().tokenizer(), data.model().config(), staging);
            place(staging, target);
        } else {
            Path target = runDirectory.resolve(RunLayout.ADAPTER_DIR);
            Path staging = Directories.staging(target);
            PeftAdapters.save(model, adapter, staging);
            place(staging, target);
            if (merged) {
                Path mergedTarget = runDirectory.resolve(RunLayout.MERGED_DIR);
                Path mergedStaging = Directories.staging(mergedTarget);
                PeftAdapters.saveMerged(model, data.model().config(), mergedStaging);
                TokenizerDirectory.write(data.model().tokenizer(), data.model().config(), mergedStaging);
                place(mergedStaging, mergedTarget);
            }
        }
        writeNanos += System.nanoTime() - start;
        writes++;
        savedStep = step;
        savedLoss = evalLoss;
    }

    private static void place(Path staging, Path target) throws IOException {
        try {
            Directories.replace(staging, target);
        } catch (IOException e) {
            throw OutputFiles.writeFailure(target, e);
        }
    }

    /**
     * Puts what was saved into summary.json's {@value #SAVED} object: {@code mode}, and when something was written the
     * directory, the step and eval_loss of the saved weights, its bytes on disk, how many writes there were and their
     * seconds in all.
     */
    void putInto(ObjectNode summary) throws IOException {
        ObjectNode saved = summary.putObject(SAVED);
        saved.put("mode", mode.name().toLowerCase(Locale.ROOT));
        if (writes == 0) {
            saved.putNull("directory");
            return;
        }
        String directory = adapter == null ? RunLayout.MODEL_DIR : RunLayout.ADAPTER_DIR;
        saved.put("directory", directory);
        saved.put("step", savedStep);
        if (Double.isFinite(savedLoss)) {
            saved.put(TrainingTask.EVAL_LOSS, savedLoss);
        } else {
            saved.putNull(TrainingTask.EVAL_LOSS);
        }
        saved.put("bytes", Directories.sizeInBytes(runDirectory.resolve(directory)));
        if (merged) {
            saved.put("merged_bytes", Directories.sizeInBytes(runDirectory.resolve(RunLayout.MERGED_DIR)));
        }
        saved.put("writes", writes);
        saved.put("write_s", writeNanos / 1e9);
    }
}
