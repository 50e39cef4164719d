package dev.tune4j.optim.q8;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;

/** Registers {@code adam8bit}: blockwise 8-bit Adam with L2 weight decay (see {@link Adam8bit}). */
public final class Adam8bitFactory implements OptimizerFactory {
    @Override
    public String id() {
        return Adam8bit.ADAM_ID;
    }

    @Override
    public String description() {
        return "Adam with blockwise 8-bit moments (bitsandbytes Adam8bit), L2 weight decay";
    }

    @Override
    public OptionSchema schema() {
        return Adam8bit.schema(id());
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        return new Adam8bit(id(), settings);
    }
}
