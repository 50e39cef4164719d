package dev.tune4j.recipe;

import java.util.Map;

/**
 * A {@code tune:} block: the tuning every variant gets before its seeds run, at the top of a recipe (for every
 * variant) or in a variant (overriding the top block key by key). {@code tune: off} (YAML {@code false}) is
 * {@code {enabled: false}}. What a left-out key means is decided where the block is resolved for a variant
 * ({@code dev.tune4j.tuning.TuningPlan}): 5 trials, the recipe's steps, its first seed, {@code eval_loss}, and the
 * default learning-rate grid. Every variant must get the same budget (trials and steps), which
 * {@code tune4j validate} checks.
 *
 * @param enabled false for {@code tune: off}: the variant (or recipe) runs its seeds with its own options
 * @param trials points of the grid, i.e. runs per variant before its seeds, at least 2
 * @param steps optimizer steps of each trial
 * @param seed the seed every trial uses
 * @param objective what a trial is judged by: {@code eval_loss} or one of the task's {@code eval_<metric>} keys,
 *     lower is better for losses and perplexity, higher for the rest
 * @param space the searched option with its values, e.g. {@code {lr: [1e-4, 3e-4, 1e-3]}}: one option
 */
public record TuneSpec(
        @DefaultValue("true") boolean enabled,
        @OptionalKey Integer trials,
        @OptionalKey Integer steps,
        @OptionalKey Integer seed,
        @OptionalKey String objective,
        @OptionalKey Map<String, Object> space) {

    /** {@code tune: off}. */
    public static final TuneSpec OFF = new TuneSpec(false, null, null, null, null, null);
}
