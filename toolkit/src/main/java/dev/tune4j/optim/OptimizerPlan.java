package dev.tune4j.optim;

import java.util.List;

/**
 * An optimizer's settings after every check a run's start makes (options parsed and typed, groups merged and
 * validated, combinations checked), with nothing allocated: what {@code tune4j validate} produces and what the run
 * builds its optimizer from, so options are parsed once.
 *
 * @param id the optimizer id it was checked for
 * @param factory the factory that checked it and builds the optimizer
 * @param parsed the optimizer-wide options as parsed (saved with the state, for the record)
 * @param options the optimizer-wide options as the rule's record
 * @param groups the parameter groups with their merged options, first match wins
 * @param <O> the rule's options record
 */
public record OptimizerPlan<O extends RuleOptions>(String id, RuleFactory<O> factory, Options parsed, O options,
        List<Group<O>> groups) {
    /**
     * A parameter group with its options (the optimizer's, overridden by the group's).
     *
     * @param group the group's name and patterns
     * @param options the merged options as the rule's record
     * @param <O> the rule's options record
     */
    public record Group<O extends RuleOptions>(ParameterGroup group, O options) {}

    /** Copies. */
    public OptimizerPlan {
        groups = List.copyOf(groups);
    }

    /** The optimizer for a run of {@code totalSteps} optimizer steps (at least 1). */
    public Optimizer create(long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be at least 1, got " + totalSteps);
        }
        return new RuleOptimizer<>(this, factory.rule(options, totalSteps, engineOps()));
    }

    /** The option {@link OptionSchema#ENGINE_OPS}: whether CPU parameters take the rule's engine-op path too. */
    public boolean engineOps() {
        return parsed.has(OptionSchema.ENGINE_OPS) && parsed.flag(OptionSchema.ENGINE_OPS);
    }

    /** The name and options of the first group matching {@code parameter}, else {@code default} and the options. */
    public Group<O> groupOf(TrainableParameter parameter) {
        for (Group<O> group : groups) {
            if (group.group().matches(parameter.name(), parameter.role())) {
                return group;
            }
        }
        return new Group<>(null, options);
    }
}
