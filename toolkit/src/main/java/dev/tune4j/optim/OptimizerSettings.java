package dev.tune4j.optim;

import java.util.List;
import java.util.Map;

/**
 * What an optimizer is built from: its options (validated by its {@link OptionSchema}), parameter groups, and the
 * total number of optimizer steps of the run (SOAA's trust-region schedule needs it; others ignore it).
 *
 * @param options option values, e.g. {@code {lr: 1e-3, betas: [0.9, 0.999]}}
 * @param groups parameter groups, first match wins
 * @param totalSteps optimizer steps the run will take (after gradient accumulation), at least 1
 */
public record OptimizerSettings(Map<String, Object> options, List<ParameterGroup> groups, long totalSteps) {
    /** Validates and copies. */
    public OptimizerSettings {
        options = Map.copyOf(options);
        groups = List.copyOf(groups);
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be at least 1, got " + totalSteps);
        }
    }

    /** Settings with only options and no groups. */
    public static OptimizerSettings of(Map<String, Object> options, long totalSteps) {
        return new OptimizerSettings(options, List.of(), totalSteps);
    }
}
