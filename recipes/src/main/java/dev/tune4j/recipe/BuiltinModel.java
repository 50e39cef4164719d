package dev.tune4j.recipe;

import dev.tune4j.io.Spelled;
import java.util.Optional;

/** The values of {@code model.source} that name a built-in model rather than a checkpoint directory. */
public enum BuiltinModel implements Spelled {
    /** all-MiniLM-L6-v2, imported from its Maven artifact: a BERT encoder. */
    MINILM("bert"),
    /** A freshly initialized Llama-2-architecture model shaped by {@code model.tiny}. */
    TINY_LLAMA("llama");

    private final String modelType;

    BuiltinModel(String modelType) {
        this.modelType = modelType;
    }

    /** The architecture, as config.json's {@code model_type} names it. */
    public String modelType() {
        return modelType;
    }

    /** The built-in model {@code source} names; empty for a checkpoint directory. */
    public static Optional<BuiltinModel> named(String source) {
        return Spelled.parse(BuiltinModel.class, source);
    }
}
