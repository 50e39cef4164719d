package dev.tune4j.recipe;

import java.util.List;

/**
 * A recipe that passed every check, with what it was loaded from and its warnings.
 *
 * @param recipe the bound recipe: defaults filled, overrides applied, {@code output_dir} resolved
 * @param source the file path as given, or the built-in's name
 * @param warnings things worth knowing that do not stop a run here (e.g. a checkpoint directory that does not exist
 *     on this machine), in file order
 */
public record LoadedRecipe(Recipe recipe, String source, List<RecipeProblem> warnings) {
    /** Copies the warnings. */
    public LoadedRecipe {
        warnings = List.copyOf(warnings);
    }

    /** The keys (e.g. {@code data.path}) whose file or folder this machine lacks, each once, in file order. */
    public List<String> missingFileKeys() {
        return warnings.stream().map(RecipeProblem::path).filter(RecipeValidator.FILE_KEYS::contains).distinct()
                .toList();
    }
}
