package dev.tune4j.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.nn.EngineScalars;
import dev.tune4j.data.fetch.FetchProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A fine-tuning task with its examples read and tokenized once: the model it trains (pretrained weights, a new head,
 * LoRA adapters when asked), the loss of a micro-batch and evaluation on held-out examples. One subclass per
 * {@link Task}; they share this skeleton and differ in their data, head, loss and metrics.
 *
 * <pre>
 * prepare:  model + {@link DataSettings} -> read, split, tokenize -> one line describing the data
 * train:    newModel -> microBatch(examples).loss() per micro-batch, in any order (e.g. a seeded BatchOrder)
 * evaluate: held-out examples in inference mode -> {@value #EVAL_LOSS} and the task's metrics
 * </pre>
 */
public abstract sealed class TrainingTask permits ClassificationTask, CausalLmTask, QuestionAnsweringTask {
    /** The evaluation metric every task reports: mean cross-entropy on the held-out examples. */
    public static final String EVAL_LOSS = "eval_loss";

    private final PretrainedModel model;
    private final String description;
    private final List<TrivialBaseline> baselines;

    TrainingTask(PretrainedModel model, String description, List<TrivialBaseline> baselines) {
        this.model = model;
        this.description = description;
        this.baselines = List.copyOf(baselines);
    }

    /**
     * Reads, splits and tokenizes the examples of {@code data} for {@code task}, fetching a named source by package
     * when needed.
     *
     * @param pooling how a classification head summarizes the sequence (unused by other tasks)
     * @param log what a fetch does (and how long it took), then one line describing the data
     * @throws IllegalArgumentException if the model's architecture cannot do the task or the source holds data for
     *     another task
     */
    public static TrainingTask prepare(Task task, PretrainedModel model, DataSettings data,
            BertForSequenceClassification.Pooling pooling, PrintWriter log) throws IOException {
        FetchProgress progress = FetchProgress.lines(log, "tune4j: ");
        TrainingTask prepared = switch (task) {
            case CLASSIFICATION -> ClassificationTask.prepare(model, data, pooling, progress);
            case CAUSAL_LM -> CausalLmTask.prepare(model, data, progress);
            case QUESTION_ANSWERING -> QuestionAnsweringTask.prepare(model, data);
        };
        log.println("tune4j: data " + prepared.describe());
        log.flush();
        return prepared;
    }

    /** What this task trains the model to do. */
    public abstract Task task();

    /** The model this task fine-tunes. */
    public final PretrainedModel model() {
        return model;
    }

    /** One line describing the data, for the log and the report. */
    public final String describe() {
        return description;
    }

    /** Training examples (sequences, windows) one epoch covers. */
    public abstract int trainSize();

    /**
     * A fresh model: pretrained weights loaded, the task head new, LoRA adapters when {@code lora} is not null
     * (recorded with this task's PEFT task type). Seed the engine first.
     */
    public final Block newModel(NDManager manager, LoraConfig lora) throws IOException {
        return model.build(manager, this::newBlock, this::initialize, this::isNewParameter,
                lora == null ? null : adapterConfig(lora));
    }

    /**
     * {@code lora} as a model from {@link #newModel} records it in adapter_config.json: with this task's base model
     * and PEFT task type.
     */
    public final LoraConfig adapterConfig(LoraConfig lora) {
        return lora.forModel(model.name(), task().peftTaskType());
    }

    /** The model's block tree, not yet initialized. */
    abstract Block newBlock();

    /** Initializes {@code block} (from {@link #newBlock}) in float32 on {@code manager}, returning it. */
    abstract Block initialize(Block block, NDManager manager);

    /** Whether the checkpoint need not hold {@code parameter} (the new head's). */
    abstract boolean isNewParameter(String parameter);

    /**
     * One micro-batch of training examples.
     *
     * @param model the model {@link #newModel} built
     * @param examples indices into the training examples, each below {@link #trainSize()}
     */
    public abstract MicroBatch microBatch(Block model, int[] examples);

    /**
     * Evaluates {@code model} on the held-out examples, in inference mode.
     *
     * @return {@value #EVAL_LOSS} and the task's metrics ({@code eval_accuracy}, ...), in a stable order
     */
    public abstract Map<String, Double> evaluate(Block model, NDManager manager);

    /**
     * The task's trivial baselines ({@link TrivialBaseline}), scored on the examples {@link #evaluate} scores, fit on
     * the training examples where they need fitting; computed once when the task was prepared. Empty where the task
     * has none (prompt→answer causal LM data, whose loss covers answer tokens only).
     */
    public final List<TrivialBaseline> baselines() {
        return baselines;
    }

    /**
     * A micro-batch ready to train on.
     *
     * @param tokens real (non-padding) tokens in it
     * @param loss its loss on a step manager, as {@link dev.tune4j.train.TrainingStep} wants
     */
    public record MicroBatch(long tokens, Function<NDManager, NDArray> loss) {}

    /**
     * {@code model}'s config as {@code type}, or an error naming what the task needs.
     *
     * @param family the architecture in words, e.g. {@code BERT}
     */
    static <C extends ModelConfig> C config(PretrainedModel model, Task task, Class<C> type, String family) {
        if (!type.isInstance(model.config())) {
            throw new IllegalArgumentException(task.spelling() + " needs a " + family + " model, but " + model.name()
                    + " is " + model.config().modelType());
        }
        return type.cast(model.config());
    }

    /** The error for a source of another task. */
    static IllegalArgumentException notASource(ExampleSource source, Task task) {
        return new IllegalArgumentException("data.source '" + source.spelling() + "' is not a " + task.spelling()
                + " source (" + ExampleSource.listOf(task) + ")");
    }

    /** Runs {@code model} on {@code inputs} with a store on {@code manager}. */
    static NDList forward(Block model, NDManager manager, NDList inputs, boolean training) {
        return model.forward(new ParameterStore(manager, false), inputs, training);
    }

    /** A 0-d loss as a double. */
    static double value(NDArray loss) {
        return loss.toType(DataType.FLOAT64, false).getDouble();
    }

    /** {@code sum / 2} in a form whose backward keeps its scalar ({@link EngineScalars}). */
    static NDArray half(NDArray sum) {
        return sum.div(EngineScalars.of(sum, 2)); // div(Number) would leave backward a freed scalar
    }
}
