package dev.tune4j.cli;

import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.RecipeArgumentException;
import dev.tune4j.recipe.RecipeException;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.recipe.RecipeProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * The {@code RECIPE [KEY=VALUE...]} arguments that validate, run and compare share, and how they are loaded: a
 * missing recipe or a malformed override is a usage error (exit 2, one line); an invalid recipe prints every error
 * with its file:line:column and key (exit 1); warnings go to stderr and the command goes on.
 */
final class RecipeArguments {
    @Parameters(index = "0", paramLabel = "RECIPE", description = "A recipe file or a built-in name (see 'tune4j ls').")
    String recipe;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
            description = "Overrides, e.g. steps=4 data.train_examples=32 variants.soaa.options.lr=1e-3.")
    List<String> overrides = new ArrayList<>();

    /**
     * Loads the recipe with its overrides; empty after printing every error of an invalid recipe.
     *
     * @throws ParameterException for a usage error
     */
    Optional<LoadedRecipe> load(CommandSpec spec) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        LoadedRecipe loaded;
        try {
            loaded = RecipeLoader.loadWithWarnings(recipe, overrides);
        } catch (RecipeArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (RecipeException e) {
            e.errors().forEach(err::println);
            int count = e.errors().size();
            err.println(recipe + ": " + count + (count == 1 ? " error" : " errors"));
            err.flush();
            return Optional.empty();
        }
        for (RecipeProblem warning : loaded.warnings()) {
            err.println(warning);
        }
        err.flush();
        return Optional.of(loaded);
    }
}
