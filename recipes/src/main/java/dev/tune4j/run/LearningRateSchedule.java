package dev.tune4j.run;

import dev.tune4j.recipe.ScheduleSpec;

/**
 * The factor a recipe's schedule applies to every learning rate at each optimizer step: linear warm-up from
 * {@code 1/(warmup+1)} towards 1 over {@code warmup_steps}, then constant, linear or half-cosine decay towards
 * {@code min_lr_ratio}, reached just after the last step. The decay is Hugging Face's
 * {@code get_linear_schedule_with_warmup} / {@code get_cosine_schedule_with_warmup} (progress
 * {@code (step - warmup) / (total - warmup)}, floor added); the warm-up differs from theirs ({@code step / warmup}) in
 * never multiplying by exactly 0, which would waste a step.
 *
 * @param spec the recipe's schedule
 * @param totalSteps optimizer steps of the run
 */
public record LearningRateSchedule(ScheduleSpec spec, int totalSteps) {

    /** Checks the step count. */
    public LearningRateSchedule {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a schedule needs at least one step, got " + totalSteps);
        }
    }

    /**
     * The factor at optimizer step {@code step} (0-based).
     *
     * @throws IllegalArgumentException if the step is outside {@code [0, totalSteps)}
     */
    public double factor(int step) {
        if (step < 0 || step >= totalSteps) {
            throw new IllegalArgumentException("step " + step + " outside [0, " + totalSteps + ")");
        }
        int warmup = spec.warmupSteps();
        if (step < warmup) {
            return (step + 1.0) / (warmup + 1.0);
        }
        int decaySteps = totalSteps - warmup;
        double progress = (double) (step - warmup) / decaySteps; // 0 at the first step after warm-up
        double floor = spec.minLrRatio();
        return switch (spec.type()) {
            case CONSTANT -> 1.0;
            case LINEAR -> floor + (1.0 - floor) * (1.0 - progress);
            case COSINE -> floor + (1.0 - floor) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
        };
    }
}
