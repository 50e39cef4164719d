package dev.tune4j.recipe;

import dev.tune4j.optim.OptimizerPlan;
import dev.tune4j.optim.Optimizers;
import java.util.List;
import java.util.Map;

/**
 * A recipe that passed every check, with what it was loaded from and its warnings.
 *
 * @param recipe the bound recipe: defaults filled, overrides applied, {@code output_dir} resolved
 * @param source the file path as given, or the built-in's name
 * @param warnings things worth knowing that do not stop a run here (e.g. a checkpoint directory that does not exist
 *     on this machine), in file order
 * @param optimizers each variant's optimizer settings as its optimizer checked them: a run builds its optimizer from
 *     these without parsing the options again
 */
public record LoadedRecipe(Recipe recipe, String source, List<RecipeProblem> warnings,
        Map<VariantSpec, OptimizerPlan<?>> optimizers) {
    /** Copies the warnings and plans. */
    public LoadedRecipe {
        warnings = List.copyOf(warnings);
        optimizers = Map.copyOf(optimizers);
    }

    /**
     * The checked optimizer plan of {@code variant}: the one validation made, or a new check for a variant that was not
     * in the loaded recipe (e.g. one added by {@link Recipe#withVariants}).
     */
    public OptimizerPlan<?> optimizer(VariantSpec variant) {
        OptimizerPlan<?> plan = optimizers.get(variant);
        return plan != null ? plan
                : Optimizers.factory(variant.optimizer()).check(variant.optimizerSettings(1));
    }

    /** The keys (e.g. {@code data.path}) whose file or folder this machine lacks, each once, in file order. */
    public List<String> missingFileKeys() {
        return warnings.stream().map(RecipeProblem::path).filter(RecipeValidator.FILE_KEYS::contains).distinct()
                .toList();
    }
}
