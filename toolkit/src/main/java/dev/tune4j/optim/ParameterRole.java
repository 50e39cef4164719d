package dev.tune4j.optim;

/**
 * What a parameter is for in its model, declared by the model that owns it. Optimizers and adapters default from the
 * roles instead of from model-specific parameter names: GaLore projects {@link #PROJECTION} matrices, 8-bit Adam keeps
 * {@link #EMBEDDING} state in float32 under {@code stable_embedding}, no-decay groups take {@link #BIAS} and
 * {@link #NORM}, and LoRA adapts {@link #PROJECTION} matrices.
 */
public enum ParameterRole {
    /** A 2-D weight of a linear map inside a block: attention q/k/v/o, MLP gate/up/down, BERT's dense layers. */
    PROJECTION,
    /** A lookup table indexed by token, position or segment. */
    EMBEDDING,
    /** The task head's weight: classifier, language-model head, question-answering outputs. */
    HEAD,
    /** The gain (and for LayerNorm the shift) of a normalization layer. */
    NORM,
    /** The additive bias of a linear map. */
    BIAS,
    /** Anything else, and every parameter of a model that does not declare roles. */
    OTHER
}
