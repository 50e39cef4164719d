package dev.tune4j.cli;

import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeArgumentException;
import dev.tune4j.recipe.RecipeException;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.recipe.RecipeProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j validate RECIPE [KEY=VALUE...]}: loads a recipe with overrides and checks it without running it.
 * Prints {@code <recipe>: OK (N variants x M seeds, S steps)} and any warnings, or every error (one per line, with
 * file, line, column and key) and exits 1.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check a recipe file or built-in, with overrides, without running it: every error is listed"
                + " with its file:line:column and key.")
final class ValidateRecipeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RECIPE", description = "A recipe file or a built-in name (see 'tune4j ls').")
    private String recipe;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
            description = "Overrides, e.g. steps=4 data.train_examples=32 variants.soaa.options.lr=1e-3.")
    private List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
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
            return Tune4jCommand.EXIT_FAILURE;
        }
        for (RecipeProblem warning : loaded.warnings()) {
            err.println(warning);
        }
        err.flush();
        out.println(loaded.source() + ": OK (" + size(loaded.recipe()) + ")");
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }

    private static String size(Recipe recipe) {
        String length = recipe.steps() != null ? count(recipe.steps(), "step") : count(recipe.epochs(), "epoch");
        return count(recipe.variants().size(), "variant") + " x " + count(recipe.seeds().size(), "seed") + ", "
                + length;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
