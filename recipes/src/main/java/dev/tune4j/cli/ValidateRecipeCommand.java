package dev.tune4j.cli;

import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.run.DeviceCheck;
import dev.tune4j.run.TaskData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j validate RECIPE [KEY=VALUE...]}: loads a recipe with overrides and runs every check that needs no
 * training: the recipe's keys, then (as {@code compare} does before its first run) the model's config.json, every
 * checkpoint header and the tokenizer against {@code vocab_size}, {@code max_sequence_length} against the model's
 * positions, and the data, read, split, tokenized and counted against {@code batch_size}. Prints
 * {@code <recipe>: OK (N variants x M seeds, S steps; ...)} and any warnings, or every recipe error (one per line,
 * with file, line, column and key), or the first model or data error, and exits 1. Files the recipe names but this
 * machine lacks stay warnings; what needs them is reported as not checked. A recipe with {@code device: gpu} on a
 * machine where no GPU is usable gets a warning that says why and what to do ({@link DeviceCheck}).
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
        Recipe recipe = loaded.get().recipe();
        PrintWriter out = spec.commandLine().getOut();
        DeviceCheck.problem(recipe).ifPresent(problem -> {
            PrintWriter err = spec.commandLine().getErr();
            err.println(loaded.get().source() + ": device: warning: " + problem + "; run and compare stop here"
                    + " before training");
            err.flush();
        });
        List<String> missing = loaded.get().missingFileKeys();
        String checked;
        if (missing.isEmpty()) {
            TaskData.prepare(recipe, out);
            checked = "model, checkpoint headers, tokenizer and data checked";
        } else if (missing.stream().noneMatch(key -> key.startsWith("model."))) {
            TaskData.resolveModel(recipe, FetchProgress.lines(out, "tune4j: "));
            checked = "model, checkpoint headers and tokenizer checked; data not checked: " + String.join(", ",
                    missing) + " missing";
        } else {
            checked = "model and data not checked: " + String.join(", ", missing) + " missing";
        }
        out.println(loaded.get().source() + ": OK (" + size(recipe) + "; " + checked + ")");
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
