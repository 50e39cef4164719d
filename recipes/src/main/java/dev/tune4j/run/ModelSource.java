package dev.tune4j.run;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.onnx.MiniLmImporter;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.lora.Lora;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.recipe.LoraSpec;
import dev.tune4j.recipe.ModelSpec;
import dev.tune4j.recipe.TinyLlamaSpec;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A recipe's model resolved to files: its config, the checkpoint to start from (none for a fresh tiny Llama) and its
 * tokenizer. Built-in sources are made ready here (MiniLM imported from its Maven artifact, the Llama-2 tokenizer built
 * from its package), so a fresh clone needs no manual step.
 *
 * @param name what the model is, for logs and the report
 * @param config the architecture
 * @param checkpoint directory of the weights to load, or null for freshly initialized weights
 * @param tokenizer the tokenizer.json
 * @param allowUnexpectedTensors recipe key {@code model.allow_unexpected_tensors}
 * @param allowIntegerWeights recipe key {@code model.allow_integer_weights}
 */
public record ModelSource(String name, ModelConfig config, Path checkpoint, Path tokenizer,
        boolean allowUnexpectedTensors, boolean allowIntegerWeights) {

    /** The built-in source name of all-MiniLM-L6-v2. */
    public static final String MINILM = "minilm";
    /** The built-in source name of a freshly initialized Llama-2-architecture model. */
    public static final String TINY_LLAMA = "tiny_llama";

    /**
     * Resolves {@code spec}: imports MiniLM or fetches the Llama-2 tokenizer when needed, reads config.json of a
     * checkpoint directory.
     *
     * @param progress what the import or the fetch does and how long it took, or that an earlier one is reused
     * @throws NoSuchFileException naming the missing directory, config.json or tokenizer.json
     */
    public static ModelSource resolve(ModelSpec spec, FetchProgress progress) throws IOException {
        Path tokenizer = spec.tokenizer() == null ? null : Path.of(spec.tokenizer());
        switch (spec.source()) {
            case MINILM -> {
                Path directory = MiniLmImporter.ensureImported(progress::stage);
                return new ModelSource(MiniLmImporter.MODEL_NAME, MiniLmImporter.CONFIG, directory,
                        existing(tokenizer == null ? BertTokenizerFiles.minilm() : tokenizer, "tokenizer"),
                        spec.allowUnexpectedTensors(), spec.allowIntegerWeights());
            }
            case TINY_LLAMA -> {
                Path file = existing(tokenizer == null ? LlamaTokenizerFiles.ensure(progress) : tokenizer, "tokenizer");
                TinyLlamaSpec tiny = spec.tiny() == null ? defaultTiny() : spec.tiny();
                LlamaConfig config = LlamaConfig.tiny(Tokenizers.vocabularySize(file), tiny.hiddenSize(),
                        tiny.layers(), tiny.heads(), tiny.keyValueHeads(), tiny.intermediateSize());
                return new ModelSource("tiny Llama-2 architecture (" + tiny.layers() + " layers, hidden "
                        + tiny.hiddenSize() + ", fresh weights)", config, null, file, false, false);
            }
            default -> {
                Path directory = existing(Path.of(spec.source()), "model directory");
                ModelConfig config = ModelConfig.read(directory);
                Path file = existing(tokenizer == null ? directory.resolve("tokenizer.json") : tokenizer,
                        "tokenizer");
                Tokenizers.checkFits(file, config);
                try (Checkpoint headers = Checkpoint.open(directory)) { // every shard's header, before any run
                    headers.names();
                }
                return new ModelSource(directory.toString(), config, directory, file, spec.allowUnexpectedTensors(),
                        spec.allowIntegerWeights());
            }
        }
    }

    private static TinyLlamaSpec defaultTiny() {
        return new TinyLlamaSpec(64, 2, 4, 2, 172);
    }

    private static Path existing(Path path, String what) throws NoSuchFileException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, what + " not found (model.source / model.tokenizer"
                    + " in the recipe)");
        }
        return path;
    }

    /** PEFT-style LoRA settings for this model from a recipe's {@code lora} block. */
    public LoraConfig lora(LoraSpec spec, String taskType) {
        return new LoraConfig(spec.rank(), spec.alpha(), spec.dropout(), spec.targetModules(), spec.modulesToSave(),
                false, name, taskType);
    }

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
