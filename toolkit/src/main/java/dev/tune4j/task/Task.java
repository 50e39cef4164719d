package dev.tune4j.task;

import dev.tune4j.io.Spelled;

/** What a model is fine-tuned to do; written as the lower-case name ({@code causal_lm}). */
public enum Task implements Spelled {
    /** Sequence classification with a BERT encoder and a new head (cross-entropy, accuracy and macro-F1). */
    CLASSIFICATION("SEQ_CLS"),
    /** Next-token prediction with a Llama-2-architecture model (cross-entropy, perplexity). */
    CAUSAL_LM("CAUSAL_LM"),
    /** Extractive question answering with a BERT encoder (start/end logits, exact match and F1). */
    QUESTION_ANSWERING("QUESTION_ANS");

    private final String peftTaskType;

    Task(String peftTaskType) {
        this.peftTaskType = peftTaskType;
    }

    /** PEFT's {@code task_type} of a LoRA adapter trained for this task, as adapter_config.json records it. */
    public String peftTaskType() {
        return peftTaskType;
    }
}
