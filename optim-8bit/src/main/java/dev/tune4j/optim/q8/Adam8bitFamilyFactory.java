package dev.tune4j.optim.q8;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;

/** The shared part of the two 8-bit factories: each is {@link Adam8bit} under its own id and description. */
abstract sealed class Adam8bitFamilyFactory implements OptimizerFactory permits Adam8bitFactory, AdamW8bitFactory {
    private final String id;
    private final String description;

    Adam8bitFamilyFactory(String id, String description) {
        this.id = id;
        this.description = description;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final OptionSchema schema() {
        return Adam8bit.schema(id);
    }

    @Override
    public final Optimizer create(OptimizerSettings settings) {
        return new Adam8bit(id, settings);
    }
}
