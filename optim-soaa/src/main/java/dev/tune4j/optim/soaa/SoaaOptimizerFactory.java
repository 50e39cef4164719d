package dev.tune4j.optim.soaa;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;

/** Registers {@link SoaaOptimizer} under the id {@code soaa} (a {@link java.util.ServiceLoader} provider). */
public final class SoaaOptimizerFactory implements OptimizerFactory {
    /** The provider constructor {@link java.util.ServiceLoader} calls. */
    public SoaaOptimizerFactory() {}

    @Override
    public String id() {
        return SoaaOptimizer.ID;
    }

    @Override
    public String description() {
        return "SOAA (Vo & Vo 2024): Adam with a diagonal-Fisher denominator and an adaptive trust region;"
                + " needs the loss at each step and the run's total steps";
    }

    @Override
    public OptionSchema schema() {
        return SoaaOptimizer.schema();
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new SoaaOptimizer(settings);
    }
}
