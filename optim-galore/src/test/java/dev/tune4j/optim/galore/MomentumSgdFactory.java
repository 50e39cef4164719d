package dev.tune4j.optim.galore;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.testing.MomentumSgd;

/** Test fixture (written by the project): registers the toolkit's momentum-SGD fixture as {@code momentum_sgd}. */
public final class MomentumSgdFactory implements OptimizerFactory {
    /** For the service loader. */
    public MomentumSgdFactory() {}

    @Override
    public String id() {
        return "momentum_sgd";
    }

    @Override
    public String description() {
        return "test fixture: SGD with momentum";
    }

    @Override
    public OptionSchema schema() {
        return MomentumSgd.SCHEMA;
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new MomentumSgd(settings);
    }
}
