package dev.tune4j.report;

import dev.tune4j.task.TrivialBaseline;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Everything a report shows about one runs directory, as {@link ComparisonReader} read it.
 *
 * @param runsDir the runs directory
 * @param recipeName the recipe name ({@code name} of {@code recipe.resolved.yaml}; the directory name without it)
 * @param description the recipe description, or null
 * @param targetLoss the target loss the report is about, or null for none
 * @param variants the variants in the recipe's order (directory name order without a recipe file)
 * @param mainEvalMetric the evaluation metric the table shows beside the eval loss (the first {@code eval_<metric>}
 *     key of the first completed run that has one, in variant order), or null when no run has one
 * @param baselines the task's trivial baselines on the evaluation examples, as the runs recorded them; empty when
 *     no run did
 */
public record Comparison(Path runsDir, String recipeName, String description, Double targetLoss,
        List<VariantResult> variants, String mainEvalMetric, List<TrivialBaseline> baselines) {

    /** Keeps unmodifiable copies of the variants and baselines. */
    public Comparison {
        variants = List.copyOf(variants);
        baselines = List.copyOf(baselines);
    }

    /** A comparison without trivial baselines. */
    public Comparison(Path runsDir, String recipeName, String description, Double targetLoss,
            List<VariantResult> variants, String mainEvalMetric) {
        this(runsDir, recipeName, description, targetLoss, variants, mainEvalMetric, List.of());
    }

    /** Every seed any variant ran, ascending. */
    public List<Integer> seeds() {
        TreeSet<Integer> seeds = new TreeSet<>();
        variants.forEach(variant -> variant.runs().forEach(run -> seeds.add(run.seed())));
        return List.copyOf(seeds);
    }

    /** Whether any completed run has an evaluation line. */
    public boolean hasEvaluation() {
        return variants.stream().map(v -> v.statistics().finalEvalLoss()).anyMatch(Objects::nonNull);
    }
}
