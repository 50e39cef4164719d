package dev.tune4j.recipe;

/**
 * Which model a recipe trains.
 *
 * @param source {@code minilm} (all-MiniLM-L6-v2, imported from its Maven artifact), {@code tiny_llama} (a fresh
 *     Llama-2-architecture model shaped by {@code tiny}), or the path of a Hugging Face checkpoint directory
 *     (config.json + model.safetensors, relative paths against the working directory)
 * @param tokenizer path of a tokenizer.json; absent: MiniLM's for {@code minilm}, the Llama-2 tokenizer for
 *     {@code tiny_llama}, {@code <source>/tokenizer.json} for a directory
 * @param pooling classification head over the encoder: {@code mean} (attention-masked mean, for sentence models) or
 *     {@code pooler} (BERT's [CLS] pooler)
 * @param tiny shape of a {@code tiny_llama} model; only for that source
 * @param allowUnexpectedTensors load a checkpoint that holds tensors the model has no parameter for (beyond the
 *     heads of other tasks, such as a pooler or pretraining heads); without it such a checkpoint is refused, because
 *     extra layers usually mean the config does not describe the weights
 * @param allowIntegerWeights cast integer or boolean checkpoint tensors into floating-point parameters; without it
 *     they are refused, because they are usually quantized weights without their scales
 */
public record ModelSpec(
        String source,
        @OptionalKey String tokenizer,
        @DefaultValue("mean") String pooling,
        @OptionalKey TinyLlamaSpec tiny,
        @DefaultValue("false") boolean allowUnexpectedTensors,
        @DefaultValue("false") boolean allowIntegerWeights) {}
