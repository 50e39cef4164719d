package dev.tune4j.recipe;

/**
 * Shape of a freshly initialized Llama-2-architecture model ({@code model.source: tiny_llama}); the vocabulary comes
 * from the tokenizer.
 *
 * @param hiddenSize width of the residual stream
 * @param layers decoder layers
 * @param heads attention heads
 * @param keyValueHeads key/value heads (grouped-query attention when fewer than heads)
 * @param intermediateSize SwiGLU width
 */
public record TinyLlamaSpec(
        @DefaultValue("64") int hiddenSize,
        @DefaultValue("2") int layers,
        @DefaultValue("4") int heads,
        @DefaultValue("2") int keyValueHeads,
        @DefaultValue("172") int intermediateSize) {}
