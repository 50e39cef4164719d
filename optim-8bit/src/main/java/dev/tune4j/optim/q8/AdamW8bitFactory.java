package dev.tune4j.optim.q8;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;

/** Registers {@code adamw8bit}: blockwise 8-bit AdamW with decoupled weight decay (see {@link Adam8bit}). */
public final class AdamW8bitFactory implements OptimizerFactory {
    @Override
    public String id() {
        return Adam8bit.ADAMW_ID;
    }

    @Override
    public String description() {
        return "AdamW with blockwise 8-bit moments (bitsandbytes AdamW8bit), decoupled weight decay";
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
