package dev.tune4j.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.checkpoint.TensorInfo;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.nn.ParameterNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * LoRA adapters on disk exactly as PEFT's {@code save_pretrained} writes them
 * (docs/algorithms.md#lora-and-the-peft-layout), so adapters move between tune4j and Python: {@code
 * adapter_model.safetensors} with keys {@code base_model.model.<module>.lora_A.weight} / {@code lora_B.weight} (and the
 * plain parameter names of {@code modules_to_save}, under the same prefix), metadata {@code format: pt}, and {@code
 * adapter_config.json} with PEFT's keys. Reading ignores keys newer PEFT versions add.
 */
public final class PeftAdapters {
    /** The weights file. */
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The config file. */
    public static final String CONFIG = "adapter_config.json";
    /** PEFT's prefix of every saved key. */
    public static final String PREFIX = "base_model.model.";

    private PeftAdapters() {}

    /** Writes the adapter (and modules_to_save) weights and adapter_config.json into {@code directory}. */
    public static void save(Block model, LoraConfig config, Path directory) throws IOException {
        Files.createDirectories(directory);
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (var entry : ParameterNames.of(model).entrySet()) {
            if (belongsToAdapter(entry.getKey(), config)) {
                entries.add(SafeTensorsWriter.Entry.of(PREFIX + entry.getKey(), entry.getValue().getArray()));
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the model has no LoRA adapter to save; build it with Lora.build");
        }
        SafeTensorsWriter.write(directory.resolve(WEIGHTS), entries, Map.of("format", "pt"));
        ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve(CONFIG).toFile(),
                configJson(config));
    }

    /**
     * Reads adapter_config.json.
     *
     * @throws IOException if the file is missing or not a LoRA config
     */
    public static LoraConfig readConfig(Path directory) throws IOException {
        Path file = directory.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no adapter_config.json: not a PEFT adapter directory");
        }
        JsonNode json = ModelConfig.JSON.readTree(file.toFile());
        String type = json.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new IOException(file + ": peft_type is '" + type + "'; tune4j reads LORA adapters");
        }
        JsonNode targets = json.path("target_modules");
        List<String> targetModules = new ArrayList<>();
        String targetPattern = null;
        if (targets.isTextual()) {
            targetPattern = targets.asText(); // PEFT: a regular expression over full module names, or all-linear
        } else {
            targets.forEach(t -> targetModules.add(t.asText()));
        }
        if (targetModules.isEmpty() && targetPattern == null) {
            throw new IOException(file + ": target_modules is missing or empty");
        }
        List<String> modulesToSave = new ArrayList<>();
        json.path("modules_to_save").forEach(m -> modulesToSave.add(m.asText()));
        List<String> refused = new ArrayList<>();
        refuseIf(refused, json.path("use_dora").asBoolean(false), "use_dora is true; DoRA adapters are not supported");
        refuseIf(refused, json.path("fan_in_fan_out").asBoolean(false),
                "fan_in_fan_out is true (Conv1D models); Llama and BERT use false");
        refuseIf(refused, !json.path("bias").asText("none").equals("none"), "bias is '" + json.path("bias").asText()
                + "'; tune4j trains and loads no LoRA biases (PEFT's default is none)");
        refuseIf(refused, json.path("lora_bias").asBoolean(false), "lora_bias is true; tune4j's lora_B has no bias");
        refuseIf(refused, isSet(json.path("layers_to_transform")), "layers_to_transform is set; tune4j adapts every"
                + " layer its target_modules match (write the layers into target_modules as a regex instead)");
        refuseIf(refused, isSet(json.path("exclude_modules")), "exclude_modules is set; tune4j does not read it"
                + " (write the modules to adapt into target_modules as a regex instead)");
        refuseIf(refused, isSet(json.path("target_parameters")), "target_parameters is set; tune4j adapts"
                + " Linear modules only");
        refuseIf(refused, isSet(json.path("trainable_token_indices")), "trainable_token_indices is set; tune4j"
                + " does not train single token embeddings");
        if (!refused.isEmpty()) {
            throw new IOException(file + ": " + String.join("; ", refused));
        }
        try {
            return new LoraConfig(json.path("r").asInt(8), json.path("lora_alpha").asDouble(8),
                    json.path("lora_dropout").asDouble(0), targetModules, modulesToSave,
                    json.path("use_rslora").asBoolean(false), json.path("base_model_name_or_path").asText(null),
                    json.path("task_type").isNull() ? null : json.path("task_type").asText(null), targetPattern,
                    pattern(json.path("rank_pattern"), file, "rank_pattern", true, JsonNode::asInt),
                    pattern(json.path("alpha_pattern"), file, "alpha_pattern", false, JsonNode::asDouble));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void refuseIf(List<String> refused, boolean condition, String reason) {
        if (condition) {
            refused.add(reason);
        }
    }

    /** Whether an optional key holds something: not absent, null, an empty list or an empty object. */
    private static boolean isSet(JsonNode node) {
        return !(node.isMissingNode() || node.isNull() || (node.isContainerNode() && node.isEmpty()));
    }

    /** A rank_pattern or alpha_pattern object in file order; absent or null is empty. */
    private static <V> Map<String, V> pattern(JsonNode node, Path file, String key, boolean integral,
            java.util.function.Function<JsonNode, V> value) throws IOException {
        Map<String, V> pattern = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return pattern;
        }
        if (!node.isObject()) {
            throw new IOException(file + ": " + key + " must be an object from module name pattern to value, found "
                    + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode number = entry.getValue();
            if (!number.isNumber() || (integral && !number.canConvertToExactIntegral())) {
                throw new IOException(file + ": " + key + " '" + entry.getKey() + "' must be " + (integral
                        ? "an integer rank" : "a number") + ", found " + number);
            }
            pattern.put(entry.getKey(), value.apply(number));
        }
        return pattern;
    }

    /**
     * Loads adapter weights saved by {@link #save} (or by PEFT) into a model built with the same LoRA config.
     *
     * @throws IllegalArgumentException naming adapter parameters the file lacks, tensors the model lacks, and shape
     *     mismatches, all at once
     */
    public static void load(Block model, Path directory) throws IOException {
        Path file = directory.resolve(WEIGHTS);
        Map<String, Parameter> parameters = ParameterNames.of(model);
        try (SafeTensorsFile weights = SafeTensorsFile.open(file)) {
            Set<String> expected = new TreeSet<>();
            parameters.keySet().stream().filter(Lora::isAdapterParameter).forEach(expected::add);
            List<String> problems = new ArrayList<>();
            for (TensorInfo info : weights.tensors()) {
                String name = info.name().startsWith(PREFIX) ? info.name().substring(PREFIX.length()) : info.name();
                Parameter parameter = parameters.get(name);
                if (parameter == null) {
                    problems.add("unexpected " + info.name());
                } else if (!parameter.getArray().getShape().equals(info.shape())) {
                    problems.add(info.name() + " is " + info.shape() + " but the model's " + name + " is "
                            + parameter.getArray().getShape());
                }
                expected.remove(name);
            }
            expected.forEach(name -> problems.add("missing " + PREFIX + name));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(file + " does not fit the model (was it built with the same"
                        + " LoRA config?): " + String.join("; ", problems));
            }
            for (TensorInfo info : weights.tensors()) {
                String name = info.name().startsWith(PREFIX) ? info.name().substring(PREFIX.length()) : info.name();
                NDArray target = parameters.get(name).getArray();
                try (NDManager scratch = target.getManager().newSubManager()) {
                    target.set(new NDIndex("..."), weights.load(info.name(), scratch));
                }
            }
        }
    }

    /**
     * Writes a merged full checkpoint in the HF layout (base weights with {@code s B A} folded in, no adapter
     * tensors). The model is not touched: each merged weight is computed beside it (one adapted matrix at a time
     * more memory until written), so training can go on with exactly the weights it had.
     */
    public static void saveMerged(Block model, ModelConfig config, Path directory) throws IOException {
        saveMerged(model, config, directory, ModelWeights.DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * {@link #saveMerged(Block, ModelConfig, Path)} with another largest shard size (Hugging Face's
     * {@code max_shard_size}, see {@link ModelWeights#save(Block, ModelConfig, Path, java.util.function.Predicate,
     * long)}).
     */
    public static void saveMerged(Block model, ModelConfig config, Path directory, long maxShardBytes)
            throws IOException {
        Map<String, LoraLinear> adapters = Lora.adapters(model);
        try (NDManager scratch = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (var entry : ParameterNames.of(model).entrySet()) {
                String name = entry.getKey();
                if (Lora.isAdapterParameter(name)) {
                    continue;
                }
                LoraLinear adapter = name.endsWith(".weight")
                        ? adapters.get(name.substring(0, name.length() - ".weight".length())) : null;
                NDArray value = entry.getValue().getArray();
                if (adapter != null && !adapter.merged()) {
                    value = adapter.mergedWeight(scratch);
                }
                weights.put(name, value);
            }
            ModelWeights.saveTensors(weights, config, directory, maxShardBytes);
        }
    }

    private static boolean belongsToAdapter(String parameterName, LoraConfig config) {
        return Lora.isAdapterParameter(parameterName) || config.saves(Lora.moduleOf(parameterName));
    }

    private static ObjectNode configJson(LoraConfig config) {
        ObjectNode json = ModelConfig.JSON.createObjectNode();
        ObjectNode alphas = json.putObject("alpha_pattern");
        config.alphaPattern().forEach(alphas::put);
        json.putNull("auto_mapping");
        json.put("base_model_name_or_path", config.baseModelNameOrPath());
        json.put("bias", "none");
        json.put("fan_in_fan_out", false);
        json.put("inference_mode", true);
        json.put("init_lora_weights", true);
        json.putNull("layers_pattern");
        json.putNull("layers_to_transform");
        if (config.alpha() == Math.rint(config.alpha())) {
            json.put("lora_alpha", (long) config.alpha()); // PEFT writes an int for integral alpha
        } else {
            json.put("lora_alpha", config.alpha());
        }
        json.put("lora_dropout", config.dropout());
        if (config.modulesToSave().isEmpty()) {
            json.putNull("modules_to_save");
        } else {
            ArrayNode modules = json.putArray("modules_to_save");
            config.modulesToSave().forEach(modules::add);
        }
        json.put("peft_type", "LORA");
        json.put("r", config.r());
        ObjectNode ranks = json.putObject("rank_pattern");
        config.rankPattern().forEach(ranks::put);
        json.putNull("revision");
        if (config.targetPattern() != null) {
            json.put("target_modules", config.targetPattern());
        } else {
            ArrayNode targets = json.putArray("target_modules");
            config.targetModules().forEach(targets::add);
        }
        json.put("task_type", config.taskType());
        json.put("use_dora", false);
        json.put("use_rslora", config.useRslora());
        return json;
    }
}
