package dev.tune4j.recipe;

/** What a recipe trains the model to do; the YAML spelling is the lower-case name. */
public enum Task {
    /** Sequence classification with a BERT encoder and a new head (cross-entropy, accuracy and macro-F1). */
    CLASSIFICATION,
    /** Next-token prediction with a Llama-2-architecture model (cross-entropy, perplexity). */
    CAUSAL_LM,
    /** Extractive question answering with a BERT encoder (start/end logits, exact match and F1). */
    QUESTION_ANSWERING
}
