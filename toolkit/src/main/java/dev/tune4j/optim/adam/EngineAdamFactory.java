package dev.tune4j.optim.adam;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;

/** Registers {@code adam_engine}: DJL's built-in Adam (native adamUpdate), state owned and freed. */
public final class EngineAdamFactory extends AdamFamilyFactory {
    /** The factory ServiceLoader instantiates. */
    public EngineAdamFactory() {
        super("adam_engine", AdamFlavor.ADAM, "DJL's built-in Adam (native adamUpdate), state owned and freed.");
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new EngineAdamOptimizer(AdamFlavor.ADAM, settings);
    }

    /** DJL's native Adam update runs on the tensors' own device. */
    @Override
    public boolean updatesGpuTensors() {
        return true;
    }
}
