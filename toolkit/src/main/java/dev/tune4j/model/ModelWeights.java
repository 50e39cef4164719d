package dev.tune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.checkpoint.TensorInfo;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.nn.ParameterNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Moves weights between tune4j models and Hugging Face checkpoints.
 *
 * <p>Loading matches each model parameter to a checkpoint tensor by HF name, accepting the spellings real checkpoints
 * use: with or without the {@code bert.} prefix of BERT head models, and the legacy {@code LayerNorm.gamma/beta}.
 * Values are copied with native copies into the existing parameter arrays (never {@code copyTo}), converted to the
 * parameter's dtype (F16 and widened BF16 checkpoints load into F32 models). Every problem is collected before
 * anything is reported, so one error names all missing, shape-mismatched and unexpected tensors.
 *
 * <p>Two things that would load but silently corrupt a run are refused: an integer or boolean tensor (I64, I32, I8,
 * U8, BOOL: quantized weights without their scales, masks) feeding a floating-point parameter, unless the caller
 * allows it; and a tensor holding NaN or infinite values, which is named with its file and counts before training
 * starts ({@link NonFiniteWeightsException}), instead of the run being blamed on the optimizer as diverged.
 */
public final class ModelWeights {
    /** Checkpoint tensors that are buffers or tied copies, never parameters. */
    private static final Predicate<String> NEVER_PARAMETERS = name -> name.endsWith("rotary_emb.inv_freq")
            || name.endsWith("embeddings.position_ids")
            || name.startsWith("cls.predictions.decoder.");

    private ModelWeights() {}

    /**
     * Whether a checkpoint tensor belongs to a head that a model for another task leaves unused: BERT's pooler, its
     * pretraining heads ({@code cls.}), or a classification or question-answering head. Other unexpected tensors
     * (extra layers, say) mean the config does not describe the checkpoint.
     */
    public static boolean isHeadOfAnotherTask(String checkpointTensor) {
        String name = checkpointTensor.startsWith("bert.") ? checkpointTensor.substring("bert.".length())
                : checkpointTensor;
        return name.startsWith("pooler.") || name.startsWith("cls.") || name.startsWith("classifier.")
                || name.startsWith("qa_outputs.");
    }

    /**
     * What a load did.
     *
     * @param loaded model parameter names filled from the checkpoint
     * @param missing model parameters left as initialized (only those the caller allowed)
     * @param unexpected checkpoint tensors no parameter used (e.g. a pooler the model does not have)
     */
    public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected) {
        /** Copies the lists. */
        public LoadReport {
            loaded = List.copyOf(loaded);
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /**
     * Loads every parameter of {@code model} from {@code checkpoint}.
     *
     * @param mayBeMissing parameters that may stay as initialized, e.g. a new classification head
     *     ({@code name -> name.startsWith("classifier.")})
     * @throws IllegalArgumentException naming every missing (and not allowed) and every shape-mismatched tensor, and
     *     the checkpoint's unexpected tensors, all at once; nothing is copied then
     */
    public static LoadReport load(Block model, Checkpoint checkpoint, Predicate<String> mayBeMissing) {
        return load(model, checkpoint, mayBeMissing, false);
    }

    /**
     * Loads every parameter of {@code model} from {@code checkpoint}.
     *
     * @param mayBeMissing parameters that may stay as initialized, e.g. a new classification head
     * @param allowIntegerWeights whether an integer or boolean checkpoint tensor may be cast into a floating-point
     *     parameter (recipe key {@code model.allow_integer_weights})
     * @throws IllegalArgumentException naming every missing (and not allowed), shape-mismatched and (unless allowed)
     *     integer-typed tensor, and the checkpoint's unexpected tensors, all at once; nothing is copied then
     * @throws NonFiniteWeightsException naming every tensor that holds NaN or infinite values
     */
    public static LoadReport load(Block model, Checkpoint checkpoint, Predicate<String> mayBeMissing,
            boolean allowIntegerWeights) {
        Map<String, Parameter> parameters = ParameterNames.of(model);
        List<String> integerIntoFloat = new ArrayList<>();
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> notAllowed = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Set<String> used = new HashSet<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (var entry : parameters.entrySet()) {
            String name = entry.getKey();
            Optional<String> source = candidates(name).stream().filter(checkpoint.names()::contains).findFirst();
            if (source.isEmpty()) {
                (mayBeMissing.test(name) ? missing : notAllowed).add(name);
                continue;
            }
            used.add(source.get());
            TensorInfo info = checkpoint.info(source.get());
            var expected = entry.getValue().getArray().getShape();
            if (!info.shape().equals(expected)) {
                mismatched.add(name + " (model " + expected + ", checkpoint " + source.get() + " " + info.shape() + ")");
                continue;
            }
            if (!allowIntegerWeights && entry.getValue().getArray().getDataType().isFloating()
                    && !info.dtype().engineType().isFloating()) {
                integerIntoFloat.add(name + " (checkpoint " + source.get() + " is " + info.dtype() + ", the model's "
                        + entry.getValue().getArray().getDataType() + ")");
                continue;
            }
            sources.put(name, source.get());
        }
        List<String> unexpected = checkpoint.names().stream()
                .filter(n -> !used.contains(n) && !NEVER_PARAMETERS.test(n))
                .toList();
        if (!notAllowed.isEmpty() || !mismatched.isEmpty() || !integerIntoFloat.isEmpty()) {
            StringBuilder message = new StringBuilder("checkpoint ").append(checkpoint).append(" does not fit the model:");
            if (!notAllowed.isEmpty()) {
                message.append("\n  missing (").append(notAllowed.size()).append("): ").append(abbreviate(notAllowed));
            }
            if (!mismatched.isEmpty()) {
                message.append("\n  shape mismatch (").append(mismatched.size()).append("): ")
                        .append(abbreviate(mismatched));
            }
            if (!integerIntoFloat.isEmpty()) {
                message.append("\n  integer or boolean tensors for floating-point parameters (")
                        .append(integerIntoFloat.size()).append("): ").append(abbreviate(integerIntoFloat))
                        .append("\n  (quantized weights need their scales and masks are no weights; load a float"
                                + " checkpoint, or set model.allow_integer_weights: true in the recipe to cast them)");
            }
            if (!unexpected.isEmpty()) {
                message.append("\n  unexpected (").append(unexpected.size()).append("): ").append(abbreviate(unexpected));
            }
            message.append("\nIs this checkpoint of the same architecture and size as the config?");
            throw new IllegalArgumentException(message.toString());
        }
        List<String> nonFinite = new ArrayList<>();
        for (var entry : sources.entrySet()) {
            NDArray weight = parameters.get(entry.getKey()).getArray();
            try (NDManager scratch = weight.getManager().newSubManager()) {
                NDArray values = checkpoint.load(entry.getValue(), scratch);
                if (values.getDataType().isFloating()) {
                    long nan = values.isNaN().countNonzero().getLong();
                    long infinite = values.isInfinite().countNonzero().getLong();
                    if (nan + infinite > 0) {
                        nonFinite.add(entry.getValue() + " in " + checkpoint.fileOf(entry.getValue()) + ": " + nan
                                + " NaN and " + infinite + " infinite of " + values.size() + " values");
                        continue;
                    }
                }
                if (values.getDataType() != weight.getDataType()) {
                    values = values.toType(weight.getDataType(), false);
                }
                weight.set(new NDIndex("..."), values); // native copy_, keeps requiresGradient
            }
            loaded.add(entry.getKey());
        }
        if (!nonFinite.isEmpty()) {
            throw new NonFiniteWeightsException(checkpoint.toString(), nonFinite);
        }
        return new LoadReport(loaded, missing, unexpected);
    }

    /** Loads a model that must match the checkpoint completely. */
    public static LoadReport load(Block model, Checkpoint checkpoint) {
        return load(model, checkpoint, name -> false);
    }

    /**
     * Hugging Face's default largest shard, {@code save_pretrained(max_shard_size="5GB")}: 5 * 10^9 bytes. A model
     * whose weights are larger is written as shards with {@value Checkpoint#INDEX_FILE}.
     */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    /**
     * Saves a model as a Hugging Face directory: {@code config.json}, the weights with HF names in model order and
     * {@code format: pt} metadata (sharded above {@link #DEFAULT_MAX_SHARD_BYTES}), and for Llama
     * {@code generation_config.json}. Each weights file is written atomically.
     */
    public static void save(Block model, ModelConfig config, Path directory) throws IOException {
        save(model, config, directory, name -> true);
    }

    /** Saves the parameters whose names {@code include} accepts (e.g. a merged LoRA model without its adapters). */
    public static void save(Block model, ModelConfig config, Path directory, Predicate<String> include)
            throws IOException {
        save(model, config, directory, include, DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * {@link #save(Block, ModelConfig, Path, Predicate)} with another largest shard size, as Hugging Face's
     * {@code max_shard_size}: shards are filled in model order ({@link SafeTensorsWriter#writeSharded}).
     *
     * @return the weight files written, the index last when sharded
     */
    public static List<Path> save(Block model, ModelConfig config, Path directory, Predicate<String> include,
            long maxShardBytes) throws IOException {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (var entry : ParameterNames.of(model).entrySet()) {
            if (include.test(entry.getKey())) {
                weights.put(entry.getKey(), entry.getValue().getArray());
            }
        }
        return saveTensors(weights, config, directory, maxShardBytes);
    }

    /**
     * The one writer of a Hugging Face model directory: {@code config.json}, {@code generation_config.json} for
     * Llama, and {@code weights} (HF names, in the given order, {@code format: pt}) sharded above
     * {@code maxShardBytes}.
     *
     * @return the weight files written, the index last when sharded
     */
    public static List<Path> saveTensors(Map<String, NDArray> weights, ModelConfig config, Path directory,
            long maxShardBytes) throws IOException {
        Files.createDirectories(directory);
        config.write(directory);
        if (config instanceof LlamaConfig llama) {
            ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(
                    directory.resolve(LlamaConfig.GENERATION_CONFIG_FILE).toFile(), llama.generationConfigJson());
        }
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        weights.forEach((name, array) -> entries.add(SafeTensorsWriter.Entry.of(name, array)));
        return SafeTensorsWriter.writeSharded(directory, entries, Map.of("format", "pt"), maxShardBytes);
    }

    /** Checkpoint spellings of a model parameter name, most likely first. */
    static List<String> candidates(String name) {
        List<String> names = new ArrayList<>(List.of(name));
        if (name.startsWith("bert.")) {
            names.add(name.substring("bert.".length()));
        } else if (name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pooler.")) {
            names.add("bert." + name);
        }
        for (String spelling : List.copyOf(names)) {
            if (spelling.endsWith("LayerNorm.weight")) {
                names.add(spelling.substring(0, spelling.length() - "weight".length()) + "gamma");
            } else if (spelling.endsWith("LayerNorm.bias")) {
                names.add(spelling.substring(0, spelling.length() - "bias".length()) + "beta");
            }
        }
        return names;
    }

    /**
     * Tensor names for a message: all of them up to 12, else the first 12 and how many more; the one wording of every
     * refusal that lists tensors.
     */
    public static String abbreviate(List<String> names) {
        int shown = 12;
        return names.size() <= shown
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, shown)) + ", ... " + (names.size() - shown) + " more";
    }
}
