package dev.tune4j.lora;

import dev.tune4j.model.ModelConfig;
import java.util.List;

/**
 * A LoRA adapter's settings, with PEFT's names and defaults (docs/algorithms.md#lora-and-the-peft-layout): rank {@code
 * r}, {@code lora_alpha}, {@code lora_dropout} on the adapter input, {@code target_modules} (Linear module names,
 * matched as the last dotted components of a module's name, as PEFT does), {@code modules_to_save} (modules trained
 * fully beside the adapters, e.g. a classifier head) and rsLoRA scaling.
 *
 * @param r the rank, at least 1
 * @param alpha {@code lora_alpha}, the scaling numerator
 * @param dropout {@code lora_dropout} in [0, 1)
 * @param targetModules Linear names to adapt, e.g. {@code q_proj}, {@code v_proj}
 * @param modulesToSave modules whose own parameters stay trainable and are saved with the adapter
 * @param useRslora scaling {@code alpha / sqrt(r)} instead of {@code alpha / r}
 * @param baseModelNameOrPath recorded in adapter_config.json
 * @param taskType PEFT task type (e.g. {@code SEQ_CLS}, {@code CAUSAL_LM}), or null
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, List<String> modulesToSave,
        boolean useRslora, String baseModelNameOrPath, String taskType) {

    /** Validates and copies. */
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
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        targetModules = List.copyOf(targetModules);
        modulesToSave = List.copyOf(modulesToSave);
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

    /** This config with other targets. */
    public LoraConfig withTargets(List<String> targets) {
        return new LoraConfig(r, alpha, dropout, targets, modulesToSave, useRslora, baseModelNameOrPath, taskType);
    }

    /** This config recorded as an adapter of {@code baseModel} trained for PEFT task type {@code type}. */
    public LoraConfig forModel(String baseModel, String type) {
        return new LoraConfig(r, alpha, dropout, targetModules, modulesToSave, useRslora, baseModel, type);
    }

    /** This config with modules trained fully and saved beside the adapter. */
    public LoraConfig withModulesToSave(List<String> modules) {
        return new LoraConfig(r, alpha, dropout, targetModules, modules, useRslora, baseModelNameOrPath, taskType);
    }

    /** The factor {@code s} of {@code y = W x + s B A x}: {@code alpha / r}, or {@code alpha / sqrt(r)} (rsLoRA). */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** Whether a module with the dotted name {@code moduleName} is a target (equal to or ending in {@code .target}). */
    public boolean targets(String moduleName) {
        return matchesAny(targetModules, moduleName);
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
