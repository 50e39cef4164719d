package dev.tune4j.optim.adam;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;

/** Registers {@code adamw}: AdamW (PyTorch semantics, decoupled weight decay), fused Java Vector API kernel. */
public final class AdamWFactory extends AdamFamilyFactory {
    /** The factory ServiceLoader instantiates. */
    public AdamWFactory() {
        super("adamw", AdamFlavor.ADAMW, "AdamW (PyTorch semantics, decoupled weight decay), fused Java Vector API kernel.");
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new AdamOptimizer(AdamFlavor.ADAMW, settings);
    }
}
