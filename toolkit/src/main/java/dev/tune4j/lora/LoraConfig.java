package dev.tune4j.lora;

import dev.tune4j.model.ModelConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter's settings, with PEFT's names and defaults (docs/algorithms.md#lora-and-the-peft-layout): rank {@code
 * r}, {@code lora_alpha}, {@code lora_dropout} on the adapter input, {@code target_modules}, {@code modules_to_save}
 * (modules trained fully beside the adapters, e.g. a classifier head), rsLoRA scaling, and PEFT's per-module
 * {@code rank_pattern} and {@code alpha_pattern}.
 *
 * <p>Module names are full dotted Hugging Face names ({@code model.layers.0.self_attn.q_proj}), matched as PEFT
 * matches them:
 *
 * <ul>
 *   <li>{@code target_modules} as a list: a module is a target when its name equals an entry or ends in
 *       {@code .entry}; as one string ({@link #targetPattern}): a regular expression the whole name must match;
 *       {@value #ALL_LINEAR}: every Linear layer but the output layer ({@link Lora#build} resolves it);
 *   <li>{@code rank_pattern} / {@code alpha_pattern}: the first key (in file order) such that the name matches
 *       {@code (.*\.)?(key)} as a whole gives that module's rank / alpha; other modules take {@code r} /
 *       {@code lora_alpha}. The scale of each module is then {@code alpha / r} (or {@code alpha / sqrt(r)}) with its
 *       own values.
 * </ul>
 *
 * @param r the rank, at least 1
 * @param alpha {@code lora_alpha}, the scaling numerator
 * @param dropout {@code lora_dropout} in [0, 1)
 * @param targetModules module names to adapt, e.g. {@code q_proj}, {@code v_proj}; empty when
 *     {@code targetPattern} is set
 * @param modulesToSave modules whose own parameters stay trainable and are saved with the adapter
 * @param useRslora scaling {@code alpha / sqrt(r)} instead of {@code alpha / r}
 * @param baseModelNameOrPath recorded in adapter_config.json
 * @param taskType PEFT task type (e.g. {@code SEQ_CLS}, {@code CAUSAL_LM}), or null
 * @param targetPattern {@code target_modules} written as one string: a regular expression over full module names,
 *     or {@value #ALL_LINEAR}; null when {@code targetModules} lists names
 * @param rankPattern per-module ranks by pattern key, in file order
 * @param alphaPattern per-module alphas by pattern key, in file order
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, List<String> modulesToSave,
        boolean useRslora, String baseModelNameOrPath, String taskType, String targetPattern,
        Map<String, Integer> rankPattern, Map<String, Double> alphaPattern) {

    /** PEFT's {@code target_modules} value for every Linear layer except the output layer. */
    public static final String ALL_LINEAR = "all-linear";

    /** Validates and copies (keeping the patterns' order). */
    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be at least 1, got " + r);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora_alpha must be a finite number > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules.isEmpty() && targetPattern == null) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        if (targetPattern != null && !targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA target_modules is either a list of names or one pattern, got both "
                    + targetModules + " and '" + targetPattern + "'");
        }
        if (targetPattern != null && !targetPattern.equals(ALL_LINEAR)) {
            PeftPatterns.compile(targetPattern, "target_modules");
        }
        rankPattern.forEach((key, rank) -> {
            PeftPatterns.compile(key, "rank_pattern");
            if (rank == null || rank < 1) {
                throw new IllegalArgumentException("rank_pattern '" + key + "' must be a rank of at least 1, got "
                        + rank);
            }
        });
        alphaPattern.forEach((key, value) -> {
            PeftPatterns.compile(key, "alpha_pattern");
            if (value == null || !(value > 0) || value.isInfinite()) {
                throw new IllegalArgumentException("alpha_pattern '" + key + "' must be a finite number > 0, got "
                        + value);
            }
        });
        targetModules = List.copyOf(targetModules);
        modulesToSave = List.copyOf(modulesToSave);
        rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
    }

    /** A config with listed target modules and no per-module patterns. */
    public LoraConfig(int r, double alpha, double dropout, List<String> targetModules, List<String> modulesToSave,
            boolean useRslora, String baseModelNameOrPath, String taskType) {
        this(r, alpha, dropout, targetModules, modulesToSave, useRslora, baseModelNameOrPath, taskType, null, Map.of(),
                Map.of());
    }

    /** PEFT's defaults for a model type: r 8, alpha 8, no dropout, q_proj/v_proj (llama) or query/value (bert). */
    public static LoraConfig defaults(ModelConfig model, String baseModelNameOrPath) {
        List<String> targets = switch (model.modelType()) {
            case "llama" -> List.of("q_proj", "v_proj");
            case "bert" -> List.of("query", "value");
            default -> throw new IllegalArgumentException("no default LoRA targets for model_type " + model.modelType());
        };
        return new LoraConfig(8, 8, 0, targets, List.of(), false, baseModelNameOrPath, null);
    }

    /** This config with other (listed) targets. */
    public LoraConfig withTargets(List<String> targets) {
        return new LoraConfig(r, alpha, dropout, targets, modulesToSave, useRslora, baseModelNameOrPath, taskType, null,
                rankPattern, alphaPattern);
    }

    /** This config recorded as an adapter of {@code baseModel} trained for PEFT task type {@code type}. */
    public LoraConfig forModel(String baseModel, String type) {
        return new LoraConfig(r, alpha, dropout, targetModules, modulesToSave, useRslora, baseModel, type,
                targetPattern, rankPattern, alphaPattern);
    }

    /** This config with modules trained fully and saved beside the adapter. */
    public LoraConfig withModulesToSave(List<String> modules) {
        return new LoraConfig(r, alpha, dropout, targetModules, modules, useRslora, baseModelNameOrPath, taskType,
                targetPattern, rankPattern, alphaPattern);
    }

    /** The factor {@code s} of {@code y = W x + s B A x}: {@code alpha / r}, or {@code alpha / sqrt(r)} (rsLoRA). */
    public double scaling() {
        return scaling(r, alpha);
    }

    /** The rank of the module {@code moduleName}: its {@code rank_pattern} entry, else {@code r}. */
    public int rank(String moduleName) {
        return PeftPatterns.keyFor(rankPattern.keySet(), moduleName).map(rankPattern::get).orElse(r);
    }

    /** The alpha of the module {@code moduleName}: its {@code alpha_pattern} entry, else {@code lora_alpha}. */
    public double alpha(String moduleName) {
        return PeftPatterns.keyFor(alphaPattern.keySet(), moduleName).map(alphaPattern::get).orElse(alpha);
    }

    /** The factor {@code s} of the module {@code moduleName}, from its own rank and alpha. */
    public double scaling(String moduleName) {
        return scaling(rank(moduleName), alpha(moduleName));
    }

    private double scaling(int rank, double numerator) {
        return useRslora ? numerator / Math.sqrt(rank) : numerator / rank;
    }

    /**
     * Whether the module with the full dotted name {@code moduleName} is a target: equal to or ending in
     * {@code .target} for a list, matched as a whole by {@link #targetPattern} otherwise.
     *
     * @throws IllegalStateException for {@value #ALL_LINEAR}, which only {@link Lora#build} can resolve
     */
    public boolean targets(String moduleName) {
        if (targetPattern == null) {
            return matchesAny(targetModules, moduleName);
        }
        if (targetPattern.equals(ALL_LINEAR)) {
            throw new IllegalStateException("target_modules all-linear depends on the model; Lora.build resolves it");
        }
        return PeftPatterns.compile(targetPattern, "target_modules").matcher(moduleName).matches();
    }

    /** Whether {@code moduleName} is one of the modules to save. */
    public boolean saves(String moduleName) {
        return matchesAny(modulesToSave, moduleName);
    }

    static boolean matchesAny(List<String> names, String moduleName) {
        for (String name : names) {
            if (moduleName.equals(name) || moduleName.endsWith("." + name)) {
                return true;
            }
        }
        return false;
    }
}
