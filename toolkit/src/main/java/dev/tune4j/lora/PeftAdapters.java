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
        if (targets.isTextual()) {
            targetModules.add(targets.asText()); // PEFT also accepts one name (a regex there; matched as a name here)
        } else {
            targets.forEach(t -> targetModules.add(t.asText()));
        }
        if (targetModules.isEmpty()) {
            throw new IOException(file + ": target_modules is missing or empty");
        }
        List<String> modulesToSave = new ArrayList<>();
        json.path("modules_to_save").forEach(m -> modulesToSave.add(m.asText()));
        if (json.path("use_dora").asBoolean(false)) {
            throw new IOException(file + ": use_dora is true; DoRA adapters are not supported");
        }
        if (json.path("fan_in_fan_out").asBoolean(false)) {
            throw new IOException(file + ": fan_in_fan_out is true (Conv1D models); Llama and BERT use false");
        }
        return new LoraConfig(json.path("r").asInt(8), json.path("lora_alpha").asDouble(8),
                json.path("lora_dropout").asDouble(0), targetModules, modulesToSave,
                json.path("use_rslora").asBoolean(false), json.path("base_model_name_or_path").asText(null),
                json.path("task_type").isNull() ? null : json.path("task_type").asText(null));
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
     * tensors); the model is left unmerged as it was.
     */
    public static void saveMerged(Block model, ModelConfig config, Path directory) throws IOException {
        Map<String, LoraLinear> adapters = Lora.adapters(model);
        List<LoraLinear> mergedHere = adapters.values().stream().filter(a -> !a.merged()).toList();
        mergedHere.forEach(LoraLinear::merge);
        try {
            ModelWeights.save(model, config, directory, name -> !Lora.isAdapterParameter(name));
        } finally {
            mergedHere.forEach(LoraLinear::unmerge);
        }
    }

    private static boolean belongsToAdapter(String parameterName, LoraConfig config) {
        return Lora.isAdapterParameter(parameterName) || config.saves(Lora.moduleOf(parameterName));
    }

    private static ObjectNode configJson(LoraConfig config) {
        ObjectNode json = ModelConfig.JSON.createObjectNode();
        json.putObject("alpha_pattern");
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
        json.putObject("rank_pattern");
        json.putNull("revision");
        ArrayNode targets = json.putArray("target_modules");
        config.targetModules().forEach(targets::add);
        json.put("task_type", config.taskType());
        json.put("use_dora", false);
        json.put("use_rslora", config.useRslora());
        return json;
    }
}
