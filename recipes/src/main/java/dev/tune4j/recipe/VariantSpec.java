package dev.tune4j.recipe;

import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.ParameterGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * @param tune this variant's own tuning, overriding the recipe's {@code tune} key by key (the budget must stay the
 *     same), or null
 */
public record VariantSpec(
        String name,
        String optimizer,
        @DefaultValue("{}") Map<String, Object> options,
        @DefaultValue("[]") List<ParameterGroupSpec> paramGroups,
        @DefaultValue("false") boolean lora,
        @OptionalKey TuneSpec tune) {

    /** This variant with {@code changed} options set over its own. */
    public VariantSpec withOptions(String newName, Map<String, Object> changed) {
        Map<String, Object> merged = new LinkedHashMap<>(options);
        merged.putAll(changed);
        return new VariantSpec(newName, optimizer, Collections.unmodifiableMap(merged), paramGroups, lora, tune);
    }

    /**
     * This variant with one searched option set to {@code value} (a tuning trial's value, or the chosen one). For
     * {@code lr}, a parameter group that sets its own lr keeps its ratio to the variant's lr (GaLore's unprojected
     * parameters at a quarter of its lr stay at a quarter), so tuning moves the whole variant's step size, not only
     * the groups that inherit it.
     */
    public VariantSpec withSearched(String newName, String option, double value) {
        VariantSpec changed = withOptions(newName, Map.of(option, value));
        if (!option.equals("lr") || !(options.get("lr") instanceof Number base) || base.doubleValue() == value) {
            return changed;
        }
        double factor = value / base.doubleValue();
        List<ParameterGroupSpec> groups = new ArrayList<>();
        for (ParameterGroupSpec group : paramGroups) {
            groups.add(group.options() != null && group.options().get("lr") instanceof Number groupLr
                    ? group.withOption("lr", groupLr.doubleValue() * factor) : group);
        }
        return new VariantSpec(newName, optimizer, changed.options(), List.copyOf(groups), lora, tune);
    }


    /** The optimizer settings of this variant for a run of {@code totalSteps} optimizer steps. */
    public OptimizerSettings optimizerSettings(long totalSteps) {
        List<ParameterGroup> groups = new ArrayList<>();
        for (int i = 0; i < paramGroups.size(); i++) {
            groups.add(paramGroups.get(i).toGroup(i));
        }
        return new OptimizerSettings(options, groups, totalSteps);
    }
}
