package dev.tune4j.recipe;

import dev.tune4j.engine.ComputeDevice;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerPlan;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.OptionSchema;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The optimizer part of a recipe's checks: each variant's optimizer id, its options and parameter groups, checked by
 * the optimizer's own {@link OptimizerFactory#check} (exactly what the run's start does), so that every error a run
 * could raise about options, groups or combinations is raised by {@code tune4j validate}. The checked
 * {@link OptimizerPlan}s are kept, so a run builds its optimizer without parsing the options again.
 *
 * <p>When the factory refuses the settings, each option is parsed on its own as well, so that a bad value is reported
 * at its own line; what only the combination breaks is reported at the variant's {@code options}.
 */
final class VariantOptimizerChecks {
    private final Recipe recipe;
    private final KeyLocations locations;
    private final ProblemCollector problems;
    private final Map<String, OptimizerFactory> optimizers = Optimizers.all();
    private final Map<VariantSpec, OptimizerPlan<?>> plans = new LinkedHashMap<>();

    VariantOptimizerChecks(Recipe recipe, KeyLocations locations, ProblemCollector problems) {
        this.recipe = recipe;
        this.locations = locations;
        this.problems = problems;
    }

    /** The plans of the variants that passed, by variant. */
    Map<VariantSpec, OptimizerPlan<?>> plans() {
        return plans;
    }

    /** Checks the optimizer of the variant at {@code path} ({@code variants[i]}). */
    void check(VariantSpec variant, String path) {
        if (variant.optimizer() == null) {
            return;
        }
        OptimizerFactory factory = optimizers.get(variant.optimizer());
        if (factory == null) {
            error(path + ".optimizer", "unknown optimizer '" + variant.optimizer() + "'"
                    + DidYouMean.closest(variant.optimizer(), optimizers.keySet())
                            .map(match -> " (did you mean '" + match + "'?)").orElse("")
                    + "; known: " + String.join(", ", optimizers.keySet()));
            return;
        }
        if (ComputeDevice.named(recipe.device()).orElse(null) == ComputeDevice.GPU && !factory.updatesGpuTensors()) {
            problems.warning(locations.of(path + ".optimizer"), path + ".optimizer", "'" + variant.optimizer()
                    + "' has no engine-op path: its Java kernels update CPU memory only, so it stops at the first"
                    + " step on a GPU; the ids with an engine-op path are " + String.join(", ", optimizers.values()
                            .stream().filter(OptimizerFactory::updatesGpuTensors).map(OptimizerFactory::id).sorted()
                            .toList()));
        }
        boolean groupsOk = groups(variant, path);
        if (variant.options() == null || locations.failed(path + ".options")) {
            return;
        }
        if (!groupsOk) {
            locateEachOption(factory, variant, path); // the options' own problems, reported with the groups'
            return;
        }
        try {
            plans.put(variant, factory.check(variant.optimizerSettings(1)));
        } catch (IllegalArgumentException refused) {
            if (!locateEachOption(factory, variant, path)) {
                error(path + ".options", refused.getMessage());
            }
        }
    }

    /** Names, globs and roles of the variant's groups; false if one is broken. */
    private boolean groups(VariantSpec variant, String path) {
        List<ParameterGroupSpec> groups = variant.paramGroups();
        if (groups == null) {
            return false;
        }
        boolean ok = true;
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            ParameterGroupSpec group = groups.get(g);
            String groupPath = KeyLocations.item(path + ".param_groups", g);
            if (group == null || locations.failed(groupPath)) {
                ok = false;
                continue;
            }
            if (group.name() != null) {
                if (group.name().isBlank()) {
                    ok = error(groupPath + ".name", "must not be blank");
                } else if (firstIndex.putIfAbsent(group.name(), g) != null) {
                    ok = error(groupPath + ".name", "duplicate group name '" + group.name() + "' in variant '"
                            + variant.name() + "'");
                }
            }
            if (group.match() == null || group.roles() == null || group.match().stream().anyMatch(Objects::isNull)
                    || group.roles().stream().anyMatch(Objects::isNull)) {
                ok = false; // the binder reported what could not be read
            } else if (group.match().isEmpty() && group.roles().isEmpty()) {
                ok = error(groupPath + (locations.has(groupPath + ".match") ? ".match" : ""), "needs at least one"
                        + " glob in match (e.g. '**.bias') or one role in roles (e.g. [bias, norm])");
            } else {
                for (int m = 0; m < group.match().size(); m++) {
                    if (group.match().get(m) != null && group.match().get(m).isBlank()) {
                        ok = error(KeyLocations.item(groupPath + ".match", m), "a glob must not be blank");
                    }
                }
            }
        }
        return ok;
    }

    /** Parses each option on its own, reporting each bad one at its line; true if any was bad. */
    private boolean locateEachOption(OptimizerFactory factory, VariantSpec variant, String path) {
        OptionSchema schema;
        try {
            schema = factory.schema(variant.options()); // a wrapper's schema depends on the rule it wraps
        } catch (IllegalArgumentException noSchema) {
            return !error(path + ".options", noSchema.getMessage());
        }
        String where = "variant '" + variant.name() + "'";
        boolean found = eachOption(schema, variant.options(), path + ".options", where);
        List<ParameterGroupSpec> groups = variant.paramGroups() == null ? List.of() : variant.paramGroups();
        for (int g = 0; g < groups.size(); g++) {
            ParameterGroupSpec group = groups.get(g);
            if (group != null) { // a group that failed to bind was reported by the binder
                found |= eachOption(schema, group.options(), KeyLocations.item(path + ".param_groups", g)
                        + ".options", "group '" + group.name() + "' of " + where);
            }
        }
        return found;
    }

    private boolean eachOption(OptionSchema schema, Map<String, Object> options, String path, String where) {
        if (options == null || locations.failed(path)) {
            return false;
        }
        boolean found = false;
        for (Map.Entry<String, Object> option : options.entrySet()) {
            try {
                schema.parse(Map.of(option.getKey(), option.getValue()), where);
            } catch (IllegalArgumentException e) {
                found = !error(KeyLocations.child(path, option.getKey()), e.getMessage());
            }
        }
        return found;
    }

    /** Reports an error; returns false, so that callers can write {@code ok = error(...)}. */
    private boolean error(String path, String message) {
        problems.error(locations.of(path), path, message);
        return false;
    }
}
