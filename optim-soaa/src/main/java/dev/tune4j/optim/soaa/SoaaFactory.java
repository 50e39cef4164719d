package dev.tune4j.optim.soaa;

import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.RuleFactory;
import java.util.Set;
import java.util.TreeSet;

/** Registers {@link SoaaRule} under the id {@code soaa} (a {@link java.util.ServiceLoader} provider). */
public final class SoaaFactory extends RuleFactory<SoaaOptions> {
    /** The registry id. */
    public static final String ID = "soaa";

    /** Options a parameter group may override; the rest define the single global trust region. */
    private static final Set<String> GROUP_OPTIONS = Set.of("lr", "weight_decay");

    private static final OptionSchema SCHEMA = OptionSchema.builder(ID)
            .adamFamily(1e-3, 0.9, 0.999, 1e-8, 0)
            .number("eps", 1e-8, x -> x > 0 && Double.isFinite(x), "a finite number > 0")
            .number("gamma", 0.25, x -> x > 0 && x < 1, "in (0, 1)")
            .number("dt0", 1, x -> x > 0 && Double.isFinite(x), "a finite number > 0")
            .choice("fisher_variance", "s_hat", "s_hat", "centered")
            .choice("fisher_sum", "ratio_of_sums", "ratio_of_sums", "sum_of_ratios")
            .build();

    /** The provider constructor {@link java.util.ServiceLoader} calls. */
    public SoaaFactory() {
        super(ID, "SOAA (Vo & Vo 2024): Adam with a diagonal-Fisher denominator and an adaptive trust region;"
                + " needs the loss at each step and the run's total steps");
    }

    /**
     * The options SOAA accepts, with defaults. The paper names no default values; {@code dt0} 1 is the dt that
     * Algorithm 1 initialises, {@code lr} 1e-3, {@code betas} (0.9, 0.999), {@code eps} 1e-8 and {@code weight_decay} 0
     * are PyTorch Adam's defaults, and {@code gamma} 0.25 is Tadam's (Tadam, whose defaults are those same Adam ones,
     * is the predecessor named in {@link SoaaRule}'s javadoc). Unlike Adam's, {@code eps} must be {@code > 0}: it
     * bounds {@code max(pr, eps)} away from 0.
     */
    @Override
    public OptionSchema schema() {
        return SCHEMA;
    }

    @Override
    public SoaaOptions options(Options parsed) {
        return SoaaOptions.of(parsed);
    }

    /**
     * Refuses a group that overrides an option other than {@code lr} and {@code weight_decay}: SOAA has one trust
     * region for all parameters. Names the schema does not know are left to the schema, which calls them unknown.
     */
    @Override
    public void checkGroup(ParameterGroup group) {
        for (String name : new TreeSet<>(group.overrides().keySet())) {
            if (SCHEMA.names().contains(name) && !GROUP_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("soaa option '" + name + "' in group '" + group.name()
                        + "' is optimizer-wide (one trust region for all parameters); set it at the top level,"
                        + " groups may only override " + GROUP_OPTIONS.stream().sorted().toList());
            }
        }
    }

    @Override
    public SoaaRule rule(SoaaOptions options, long totalSteps, boolean engineOps) {
        return new SoaaRule(options, totalSteps, engineOps);
    }
}
