package dev.tune4j.recipe;

import java.util.List;

/**
 * LoRA adapters for the variants that set {@code lora: true} (PEFT's meaning of each key).
 *
 * @param rank adapter rank r
 * @param alpha scaling numerator: the update is {@code (alpha / r) * B A x}
 * @param dropout dropout on the adapter input
 * @param targetModules module names (last dotted component, e.g. {@code query}, {@code q_proj}) that get adapters
 * @param modulesToSave modules trained fully beside the adapters (e.g. the new {@code classifier} head)
 */
public record LoraSpec(
        @DefaultValue("8") int rank,
        @DefaultValue("16") double alpha,
        @DefaultValue("0.0") double dropout,
        List<String> targetModules,
        @DefaultValue("[]") List<String> modulesToSave) {}
