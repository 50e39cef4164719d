package dev.tune4j.report;

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
 */
public record Comparison(Path runsDir, String recipeName, String description, Double targetLoss,
        List<VariantResult> variants, String mainEvalMetric) {

    /** Keeps an unmodifiable copy of the variants. */
    public Comparison {
        variants = List.copyOf(variants);
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
