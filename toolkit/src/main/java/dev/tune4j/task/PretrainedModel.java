package dev.tune4j.task;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.lora.Lora;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.ModelWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A model resolved to files: its config, the checkpoint to start from (none for freshly initialized weights) and its
 * tokenizer, with the two permissions for checkpoints that do not quite fit.
 *
 * @param name what the model is, for logs and the report
 * @param config the architecture
 * @param checkpoint directory of the weights to load, or null for freshly initialized weights
 * @param tokenizer the tokenizer.json
 * @param allowUnexpectedTensors load a checkpoint holding tensors the model has no parameter for (beyond the heads of
 *     other tasks), leaving them unused
 * @param allowIntegerWeights cast integer or boolean checkpoint tensors into floating-point parameters
 */
public record PretrainedModel(String name, ModelConfig config, Path checkpoint, Path tokenizer,
        boolean allowUnexpectedTensors, boolean allowIntegerWeights) {

    /**
     * Constructs a model (with LoRA adapters when {@code lora} is not null), initializes it (seed the engine first),
     * loads the checkpoint's weights when there is one and, under LoRA, freezes all but the adapters and the modules
     * to save.
     *
     * @param mayBeMissing parameters the checkpoint need not hold (a new task head); adapters are always allowed
     * @throws IllegalArgumentException if the checkpoint does not fit the model (every mismatch named), holds
     *     tensors the model has no place for (unless {@code model.allow_unexpected_tensors}) or integer tensors for
     *     floating-point parameters (unless {@code model.allow_integer_weights})
     * @throws dev.tune4j.model.NonFiniteWeightsException if a checkpoint tensor holds NaN or infinite values
     */
    public <B extends Block> B build(NDManager manager, Supplier<B> constructor,
            BiFunction<B, NDManager, B> initializer, Predicate<String> mayBeMissing, LoraConfig lora)
            throws IOException {
        B model = initializer.apply(lora == null ? constructor.get() : Lora.build(lora, constructor), manager);
        if (checkpoint != null) {
            try (Checkpoint weights = Checkpoint.open(checkpoint)) {
                ModelWeights.LoadReport report = ModelWeights.load(model, weights,
                        mayBeMissing.or(Lora::isAdapterParameter), allowIntegerWeights);
                List<String> extra = report.unexpected().stream()
                        .filter(tensor -> !ModelWeights.isHeadOfAnotherTask(tensor)).toList();
                if (!extra.isEmpty() && !allowUnexpectedTensors) {
                    throw new IllegalArgumentException("checkpoint " + weights + " holds " + extra.size()
                            + (extra.size() == 1 ? " tensor" : " tensors") + " the model has no parameter for: "
                            + ModelWeights.abbreviate(extra) + ". Its config.json (" + config.modelType()
                            + ") does not describe these weights; use the config that belongs to the checkpoint, or"
                            + " set model.allow_unexpected_tensors: true in the recipe to leave them unused");
                }
            }
        }
        if (lora != null) {
            List<String> trainable = Lora.markTrainable(model, lora);
            if (trainable.isEmpty()) {
                throw new IllegalArgumentException("LoRA left no trainable parameter");
            }
        }
        return model;
    }
}
