package dev.tune4j.recipe;

import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.ParameterGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One arm of a comparison: an optimizer id with its options and parameter groups.
 *
 * @param name variant name, unique in the recipe; names the run directory
 * @param optimizer registered optimizer id ({@code adamw}, {@code soaa}, {@code galore_adamw}, ...)
 * @param options optimizer options, checked against its schema
 * @param paramGroups parameter groups, first match wins
 * @param lora whether this variant trains the recipe's LoRA adapters instead of the full model
 */
public record VariantSpec(
        String name,
        String optimizer,
        @DefaultValue("{}") Map<String, Object> options,
        @DefaultValue("[]") List<ParameterGroupSpec> paramGroups,
        @DefaultValue("false") boolean lora) {

    /** The optimizer settings of this variant for a run of {@code totalSteps} optimizer steps. */
    public OptimizerSettings optimizerSettings(long totalSteps) {
        List<ParameterGroup> groups = new ArrayList<>();
        for (int i = 0; i < paramGroups.size(); i++) {
            groups.add(paramGroups.get(i).toGroup(i));
        }
        return new OptimizerSettings(options, groups, totalSteps);
    }
}
