package dev.tune4j.recipe;

import java.util.List;

/**
 * LoRA adapters for the variants that set {@code lora: true} (PEFT's meaning of each key).
 *
 * @param rank adapter rank r
 * @param alpha scaling numerator: the update is {@code (alpha / r) * B A x}
 * @param dropout dropout on the adapter input
 * @param targetModules module names (last dotted component, e.g. {@code query}, {@code q_proj}) that get adapters;
 *     required unless {@code from} is set
 * @param modulesToSave modules trained fully beside the adapters (e.g. the new {@code classifier} head)
 * @param from a PEFT adapter directory (adapter_config.json + adapter_model.safetensors, written by tune4j or by
 *     PEFT) to start from: its config replaces rank, alpha, dropout, target_modules and modules_to_save, which must
 *     then be left out, and training continues from its weights
 */
public record LoraSpec(
        @DefaultValue("8") int rank,
        @DefaultValue("16") double alpha,
        @DefaultValue("0.0") double dropout,
        @OptionalKey List<String> targetModules,
        @DefaultValue("[]") List<String> modulesToSave,
        @OptionalKey String from) {}
