package dev.tune4j.optim.adam;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;

/** Registers {@code adamw_engine}: DJL's built-in AdamW (native adamUpdate), state owned and freed. */
public final class EngineAdamWFactory extends AdamFamilyFactory {
    /** The factory ServiceLoader instantiates. */
    public EngineAdamWFactory() {
        super("adamw_engine", AdamFlavor.ADAMW, "DJL's built-in AdamW (native adamUpdate), state owned and freed.");
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new EngineAdamOptimizer(AdamFlavor.ADAMW, settings);
    }

    /** DJL's native Adam update runs on the tensors' own device. */
    @Override
    public boolean updatesGpuTensors() {
        return true;
    }
}
