package dev.tune4j.cli;

import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    private RecipeArguments arguments;

    @Override
    public Integer call() throws IOException {
        Optional<LoadedRecipe> loaded = arguments.load(spec);
        if (loaded.isEmpty()) {
            return Tune4jCommand.EXIT_FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(loaded.get().source() + ": OK (" + size(loaded.get().recipe()) + ")");
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
