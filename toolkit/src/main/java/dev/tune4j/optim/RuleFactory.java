package dev.tune4j.optim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registry entry for an {@link UpdateRule}: its id, schema and options record, and the checks that turn settings into
 * an {@link OptimizerPlan} without allocating anything. Every optimizer of tune4j is a {@link RuleOptimizer} built here.
 *
 * @param <O> the rule's options record
 */
public abstract class RuleFactory<O extends RuleOptions> implements OptimizerFactory {
    private final String id;
    private final String description;

    /** A factory registered as {@code id}. */
    protected RuleFactory(String id, String description) {
        this.id = id;
        this.description = description;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    /**
     * The options record of parsed options; its constructor checks every rule beyond the schema's single values.
     *
     * @throws IllegalArgumentException naming the options that do not go together
     */
    public abstract O options(Options parsed);

    /**
     * Checks a group's overrides beyond the schema; by default a group may override every option.
     *
     * @throws IllegalArgumentException naming the option a group may not override
     */
    public void checkGroup(ParameterGroup group) {}

    /**
     * Checks a group's overrides knowing the optimizer-wide {@code options} (a wrapper such as GaLore asks the rule it
     * wraps, which the options name); by default {@link #checkGroup(ParameterGroup)}.
     *
     * @throws IllegalArgumentException naming the option a group may not override
     */
    public void checkGroup(ParameterGroup group, O options) {
        checkGroup(group);
    }

    /**
     * A new rule with the optimizer-wide {@code options} for a run of {@code totalSteps} optimizer steps.
     *
     * @param engineOps the option {@link OptionSchema#ENGINE_OPS}: whether CPU parameters also take the rule's
     *     engine-op path (parameters on any other device always take it)
     */
    public abstract UpdateRule<O> rule(O options, long totalSteps, boolean engineOps);

    /**
     * True: every rule of tune4j has an engine-op path, in-place engine operations on the parameter's own device with
     * its state there, which parameters off the CPU always take (a rule without one, such as a CPU-only test
     * fixture, says false).
     */
    @Override
    public boolean updatesGpuTensors() {
        return true;
    }

    @Override
    public final OptimizerPlan<O> check(OptimizerSettings settings) {
        return plan(id, settings);
    }

    /**
     * The plan of {@code settings} for the optimizer id {@code planId} (this id, or an alias of it).
     *
     * @throws IllegalArgumentException naming every unknown option and invalid value, or a group or combination this
     *     rule refuses
     */
    public final OptimizerPlan<O> plan(String planId, OptimizerSettings settings) {
        OptionSchema schema = schema(settings.options());
        Options parsed = schema.parse(settings.options(), "optimizer '" + planId + "'");
        O options = options(parsed);
        Set<String> names = new HashSet<>();
        List<OptimizerPlan.Group<O>> groups = new ArrayList<>();
        for (ParameterGroup group : settings.groups()) {
            if (!names.add(group.name())) {
                throw new IllegalArgumentException("two parameter groups are named '" + group.name() + "'");
            }
            if (group.overrides().containsKey(OptionSchema.ENGINE_OPS)) {
                throw new IllegalArgumentException("parameter group '" + group.name() + "' overrides '"
                        + OptionSchema.ENGINE_OPS + "'; it chooses the path of the whole optimizer, so set it at the"
                        + " top level of the optimizer's options");
            }
            checkGroup(group, options);
            Map<String, Object> merged = new LinkedHashMap<>(settings.options());
            merged.putAll(group.overrides());
            groups.add(new OptimizerPlan.Group<>(group, options(schema.parse(merged, "group '" + group.name() + "'"))));
        }
        return new OptimizerPlan<>(planId, this, parsed, options, groups);
    }
}
