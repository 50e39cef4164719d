package dev.tune4j.recipe;

/**
 * The learning-rate schedule: a linear warm-up from 0, then constant, linear or cosine decay. It scales every
 * parameter group's learning rate by the same factor.
 *
 * @param type shape after warm-up
 * @param warmupSteps optimizer steps of linear warm-up (0 for none)
 * @param minLrRatio the factor reached at the last step by linear and cosine decay, in [0, 1]
 */
public record ScheduleSpec(
        @DefaultValue("constant") ScheduleType type,
        @DefaultValue("0") int warmupSteps,
        @DefaultValue("0.0") double minLrRatio) {}
