package dev.tune4j.lora;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.nn.ParameterNames;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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
     * Constructs a model whose Linear layers that {@code config} targets are {@link LoraLinear}, each with its own
     * rank and scale ({@link LoraConfig#rank(String)}, {@link LoraConfig#scaling(String)}). Targets are matched
     * against full module names as PEFT matches them; {@value LoraConfig#ALL_LINEAR} means every Linear layer's last
     * name component except the output layer's ({@code lm_head}, or for PEFT task type {@code SEQ_CLS} the
     * {@code classifier} head), as PEFT resolves it.
     *
     * <p>The model is constructed twice: first with plain Linear layers, to learn the full name of each (a layer only
     * knows its name within its parent while it is made), then with the adapters. Construction allocates no weights.
     *
     * @throws IllegalArgumentException if a listed target, the target pattern, or a rank_pattern or alpha_pattern key
     *     matches no Linear layer, listing the model's Linear names
     */
    public static <B extends Block> B build(LoraConfig config, Supplier<B> constructor) {
        List<Block> made = new ArrayList<>();
        HfBlock.LinearFactory recording = (name, in, out, bias) -> {
            Block plain = Linear.builder().setUnits(out).optBias(bias).build();
            made.add(plain);
            return plain;
        };
        B plainModel = ScopedValue.where(HfBlock.LINEAR_FACTORY, recording).call(constructor::get);
        Map<Block, String> names = new IdentityHashMap<>();
        nameBlocks(plainModel, "", names);
        List<String> linearNames = made.stream().map(names::get).toList();
        LoraConfig resolved = LoraConfig.ALL_LINEAR.equals(config.targetPattern())
                ? config.withTargets(allLinear(linearNames, config.taskType())) : config;
        List<String> adapted = linearNames.stream().filter(resolved::targets).toList();
        checkEveryTargetMatches(resolved, config, linearNames, adapted, plainModel);
        int[] next = {0};
        HfBlock.LinearFactory factory = (name, in, out, bias) -> {
            String fullName = linearNames.get(next[0]++);
            return resolved.targets(fullName) ? new LoraLinear(in, out, bias, resolved, fullName) : null;
        };
        return ScopedValue.where(HfBlock.LINEAR_FACTORY, factory).call(constructor::get);
    }

    /**
     * PEFT's {@value LoraConfig#ALL_LINEAR}: the last name component of every Linear layer, without the output layer
     * ({@code lm_head}) or, for a {@code SEQ_CLS} adapter without one, the top-level {@code classifier} or
     * {@code score} head.
     */
    static List<String> allLinear(List<String> linearNames, String taskType) {
        Set<String> components = new TreeSet<>();
        linearNames.forEach(name -> components.add(lastComponent(name)));
        if (linearNames.contains("lm_head")) {
            components.remove("lm_head");
        } else if ("SEQ_CLS".equals(taskType)) {
            linearNames.stream().filter(name -> name.equals("classifier") || name.equals("score")).findFirst()
                    .ifPresent(components::remove);
        }
        return List.copyOf(components);
    }

    private static void checkEveryTargetMatches(LoraConfig resolved, LoraConfig asGiven, List<String> linearNames,
            List<String> adapted, Block model) {
        List<String> problems = new ArrayList<>();
        if (resolved.targetPattern() == null) {
            List<String> unmatched = resolved.targetModules().stream().filter(target -> adapted.stream()
                    .noneMatch(module -> LoraConfig.matchesAny(List.of(target), module))).toList();
            if (!unmatched.isEmpty()) {
                problems.add("target_modules " + unmatched + " match no Linear layer");
            }
        } else if (adapted.isEmpty()) {
            problems.add("target_modules '" + resolved.targetPattern() + "' matches no Linear layer as a whole");
        }
        for (var pattern : List.of(Map.entry("rank_pattern", resolved.rankPattern().keySet()),
                Map.entry("alpha_pattern", resolved.alphaPattern().keySet()))) {
            for (String key : pattern.getValue()) {
                boolean used = adapted.stream().anyMatch(module -> PeftPatterns.keyFor(pattern.getValue(), module)
                        .filter(key::equals).isPresent());
                if (!used) {
                    problems.add(pattern.getKey() + " key '" + key + "' gives no adapted layer its value: it matches"
                            + " no adapted module's full name or dotted suffix, or an earlier key takes all it matches"
                            + " (PEFT ignores such a key, so an adapter trained with it used the default; remove it)");
                }
            }
        }
        if (!problems.isEmpty()) {
            Set<String> valid = new TreeSet<>();
            linearNames.forEach(name -> {
                valid.add(name);
                valid.add(lastComponent(name));
            });
            throw new IllegalArgumentException("LoRA config " + (LoraConfig.ALL_LINEAR.equals(asGiven.targetPattern())
                    ? "(target_modules all-linear) " : "") + "does not fit " + model.getClass().getSimpleName()
                    + ": " + String.join("; ", problems) + ". Module names are Hugging Face's; this model's Linear"
                    + " layers: " + String.join(", ", valid));
        }
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

    /** Every block under {@code block} by its full dotted Hugging Face name. */
    private static void nameBlocks(Block block, String prefix, Map<Block, String> names) {
        for (var child : block.getChildren()) {
            String name = prefix + ParameterNames.childName(child.getKey(), prefix);
            names.put(child.getValue(), name);
            nameBlocks(child.getValue(), name + ".", names);
        }
    }

    private static String lastComponent(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
