package dev.tune4j.optim.adam;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;

/** Registers {@code adam}: Adam (PyTorch semantics, L2 weight decay), fused Java Vector API kernel. */
public final class AdamFactory extends AdamFamilyFactory {
    /** The factory ServiceLoader instantiates. */
    public AdamFactory() {
        super("adam", AdamFlavor.ADAM, "Adam (PyTorch semantics, L2 weight decay), fused Java Vector API kernel.");
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new AdamOptimizer(AdamFlavor.ADAM, settings);
    }
}
