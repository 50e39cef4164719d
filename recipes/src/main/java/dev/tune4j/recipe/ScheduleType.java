package dev.tune4j.recipe;

/** Learning-rate schedule after the linear warm-up; the YAML spelling is the lower-case name. */
public enum ScheduleType {
    /** The optimizer's learning rate throughout. */
    CONSTANT,
    /** Linear decay from the learning rate to {@code min_lr_ratio} times it at the last step. */
    LINEAR,
    /** Half-cosine decay from the learning rate to {@code min_lr_ratio} times it at the last step. */
    COSINE
}
