package dev.tune4j.optim.adam;

import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptionSchema;

/** The shared part of the four Adam-family factories: id, description and schema from flavor and implementation. */
abstract sealed class AdamFamilyFactory implements OptimizerFactory
        permits AdamFactory, AdamWFactory, EngineAdamFactory, EngineAdamWFactory {
    private final String id;
    private final String description;
    private final OptionSchema schema;

    AdamFamilyFactory(String id, AdamFlavor flavor, String description) {
        this.id = id;
        this.description = description;
        this.schema = flavor.schema(id);
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
        return schema;
    }
}
