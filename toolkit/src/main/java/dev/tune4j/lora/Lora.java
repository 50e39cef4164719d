package dev.tune4j.lora;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.nn.ParameterNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Builds models with LoRA adapters and decides what trains.
 *
 * <pre>
 * LlamaForCausalLM model = Lora.build(lora, () -> new LlamaForCausalLM(config));   // q_proj, v_proj adapted
 * model.initialize(manager, DataType.FLOAT32);
 * ModelWeights.load(model, checkpoint, Lora::isAdapterParameter);                    // base weights in
 * Lora.markTrainable(model, lora);                                                  // only adapters train
 * </pre>
 */
public final class Lora {
    private Lora() {}

    /**
     * Constructs a model whose Linear layers named in {@code config.targetModules()} are {@link LoraLinear}.
     *
     * @throws IllegalArgumentException if a target matches no Linear layer, listing the model's Linear names
     */
    public static <B extends Block> B build(LoraConfig config, Supplier<B> constructor) {
        Set<String> linearNames = new TreeSet<>();
        Set<String> matched = new LinkedHashSet<>();
        HfBlock.LinearFactory factory = (name, in, out, bias) -> {
            linearNames.add(lastComponent(name));
            linearNames.add(name);
            if (!config.targets(name)) {
                return null;
            }
            for (String target : config.targetModules()) {
                if (LoraConfig.matchesAny(List.of(target), name)) {
                    matched.add(target);
                }
            }
            return new LoraLinear(in, out, bias, config);
        };
        B model = ScopedValue.where(HfBlock.LINEAR_FACTORY, factory).call(constructor::get);
        List<String> unmatched = config.targetModules().stream().filter(t -> !matched.contains(t)).toList();
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("LoRA target_modules " + unmatched + " match no Linear layer of "
                    + model.getClass().getSimpleName() + "; valid names: " + String.join(", ", linearNames));
        }
        return model;
    }

    /** Whether {@code parameterName} is a LoRA adapter weight ({@code ...lora_A.weight} or {@code ...lora_B.weight}). */
    public static boolean isAdapterParameter(String parameterName) {
        return parameterName.endsWith(".lora_A.weight") || parameterName.endsWith(".lora_B.weight");
    }

    /**
     * Freezes every parameter except the adapters and the parameters of {@code config.modulesToSave()}; call after
     * initializing (and loading) the model.
     *
     * @return the names of the trainable parameters
     * @throws IllegalArgumentException if a module to save matches no parameter
     */
    public static List<String> markTrainable(Block model, LoraConfig config) {
        List<String> trainable = new ArrayList<>();
        Set<String> savedModules = new LinkedHashSet<>();
        for (Map.Entry<String, Parameter> entry : ParameterNames.of(model).entrySet()) {
            String name = entry.getKey();
            String module = moduleOf(name);
            boolean saved = config.saves(module);
            if (saved) {
                config.modulesToSave().stream().filter(m -> LoraConfig.matchesAny(List.of(m), module))
                        .forEach(savedModules::add);
            }
            boolean train = isAdapterParameter(name) || saved;
            entry.getValue().freeze(!train);
            if (train) {
                trainable.add(name);
            }
        }
        List<String> missing = config.modulesToSave().stream().filter(m -> !savedModules.contains(m)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("modules_to_save " + missing + " match no module of "
                    + model.getClass().getSimpleName());
        }
        return trainable;
    }

    /** Every adapted layer of {@code model}, by module name (e.g. {@code model.layers.0.self_attn.q_proj}). */
    public static Map<String, LoraLinear> adapters(Block model) {
        Map<String, LoraLinear> adapters = new java.util.LinkedHashMap<>();
        collect(model, "", adapters);
        return adapters;
    }

    /** Folds every adapter into its base weight. */
    public static void merge(Block model) {
        adapters(model).values().forEach(LoraLinear::merge);
    }

    /** Takes every adapter out of its base weight again. */
    public static void unmerge(Block model) {
        adapters(model).values().forEach(LoraLinear::unmerge);
    }

    private static void collect(Block block, String prefix, Map<String, LoraLinear> adapters) {
        for (var child : block.getChildren()) {
            String name = prefix + ParameterNames.childName(child.getKey(), prefix);
            if (child.getValue() instanceof LoraLinear adapter) {
                adapters.put(name, adapter);
            }
            collect(child.getValue(), name + ".", adapters);
        }
    }

    /** {@code a.b.c.weight -> a.b.c}; {@code a.b.lora_A.weight -> a.b}. */
    static String moduleOf(String parameterName) {
        String module = parameterName.substring(0, Math.max(0, parameterName.lastIndexOf('.')));
        return module.endsWith(".lora_A") || module.endsWith(".lora_B")
                ? module.substring(0, module.lastIndexOf('.'))
                : module;
    }

    private static String lastComponent(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
