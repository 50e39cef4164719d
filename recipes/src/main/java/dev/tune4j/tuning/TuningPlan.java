package dev.tune4j.tuning;

import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.TuneSpec;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a recipe's {@code tune:} blocks mean for one variant: the variant's own block over the recipe's, key by key,
 * and then the defaults: {@value #DEFAULT_TRIALS} trials, the recipe's {@code steps}, its first seed,
 * {@value #DEFAULT_OBJECTIVE}, and the default lr grid ({@link SearchGrid#defaultLearningRates}) around the
 * variant's {@code lr}. An explicit {@code space} sets the trials to its number of values.
 *
 * @param grid the searched option and its values; its size is the number of trials
 * @param steps optimizer steps of each trial
 * @param seed the seed of every trial
 * @param objective the {@code eval_loss} or {@code eval_<metric>} key a trial is judged by
 */
public record TuningPlan(SearchGrid grid, int steps, int seed, String objective) {
    /** Trials per variant when no block sets them. */
    public static final int DEFAULT_TRIALS = 5;
    /** The objective when no block sets one. */
    public static final String DEFAULT_OBJECTIVE = "eval_loss";

    /** Whether the objective is better high (accuracy, F1, exact match) rather than low (loss, perplexity). */
    public boolean higherIsBetter() {
        return higherIsBetter(objective);
    }

    /** Losses and perplexities are better low, every other metric high (as the report's comparisons have it). */
    public static boolean higherIsBetter(String objective) {
        String lowered = objective.toLowerCase(Locale.ROOT);
        return !(lowered.contains("loss") || lowered.contains("perplexity"));
    }

    /** The objectives a task's evaluation reports, the default first. */
    public static List<String> objectives(Task task) {
        return switch (task) {
            case CAUSAL_LM -> List.of(DEFAULT_OBJECTIVE, "eval_perplexity");
            case CLASSIFICATION -> List.of(DEFAULT_OBJECTIVE, "eval_accuracy", "eval_macro_f1");
            case QUESTION_ANSWERING -> List.of(DEFAULT_OBJECTIVE, "eval_exact_match", "eval_f1");
        };
    }

    /** Whether tuning is on for {@code variant}: its own block's switch, else the recipe's, else off. */
    public static boolean enabled(Recipe recipe, VariantSpec variant) {
        if (variant.tune() != null) {
            return variant.tune().enabled();
        }
        return recipe.tune() != null && recipe.tune().enabled();
    }

    /** The number of trials of {@code variant} as its blocks set it (or its explicit space implies), else 5. */
    public static int trials(Recipe recipe, VariantSpec variant) {
        Integer trials = pick(recipe, variant, TuneSpec::trials);
        if (trials != null) {
            return trials;
        }
        Map<String, Object> space = pick(recipe, variant, TuneSpec::space);
        if (space != null && space.size() == 1 && space.values().iterator().next() instanceof List<?> values) {
            return values.size();
        }
        return DEFAULT_TRIALS;
    }

    /** The steps of each of {@code variant}'s trials as its blocks set them, else the recipe's steps (or null). */
    public static Integer steps(Recipe recipe, VariantSpec variant) {
        Integer steps = pick(recipe, variant, TuneSpec::steps);
        return steps != null ? steps : recipe.steps();
    }

    /** The objective of {@code variant}'s trials. */
    public static String objective(Recipe recipe, VariantSpec variant) {
        String objective = pick(recipe, variant, TuneSpec::objective);
        return objective != null ? objective : DEFAULT_OBJECTIVE;
    }

    /** The explicit search space of {@code variant} (its block's, else the recipe's), or null for the default. */
    public static Map<String, Object> space(Recipe recipe, VariantSpec variant) {
        return pick(recipe, variant, TuneSpec::space);
    }

    /**
     * The plan of a validated recipe's variant.
     *
     * @return empty when tuning is off for it
     */
    public static Optional<TuningPlan> of(Recipe recipe, VariantSpec variant) {
        if (!enabled(recipe, variant)) {
            return Optional.empty();
        }
        int trials = trials(recipe, variant);
        Map<String, Object> space = space(recipe, variant);
        SearchGrid grid;
        if (space == null) {
            grid = SearchGrid.defaultLearningRates(((Number) variant.options().get("lr")).doubleValue(), trials,
                    variant.lora());
        } else {
            Map.Entry<String, Object> only = space.entrySet().iterator().next();
            List<Double> values = new ArrayList<>();
            for (Object value : (List<?>) only.getValue()) {
                values.add(((Number) value).doubleValue());
            }
            grid = new SearchGrid(only.getKey(), values);
        }
        Integer seed = pick(recipe, variant, TuneSpec::seed);
        return Optional.of(new TuningPlan(grid, steps(recipe, variant), seed != null ? seed : recipe.seeds().get(0),
                objective(recipe, variant)));
    }

    /** The variant's value of a key, else the recipe's, else null. */
    private static <T> T pick(Recipe recipe, VariantSpec variant, java.util.function.Function<TuneSpec, T> key) {
        T own = variant.tune() == null ? null : key.apply(variant.tune());
        if (own != null) {
            return own;
        }
        return recipe.tune() == null ? null : key.apply(recipe.tune());
    }
}
