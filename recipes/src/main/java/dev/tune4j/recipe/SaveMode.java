package dev.tune4j.recipe;

/**
 * What a run keeps of the model it trained (recipe key {@code save}); the YAML spelling is the lower-case name. A
 * full fine-tuning run writes {@code <run>/model/} (a Hugging Face model directory), a LoRA run
 * {@code <run>/adapter/} (a PEFT adapter directory).
 */
public enum SaveMode {
    /** The weights after the last step. */
    FINAL,
    /**
     * The weights at the evaluation with the lowest {@code eval_loss}: written to disk whenever an evaluation improves
     * on the best so far (no second copy in memory), so the directory always holds the best weights seen.
     */
    BEST,
    /** Nothing: the run keeps its metrics and summary only. */
    NONE
}
