package dev.tune4j.cli;

import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.run.ComparisonJob;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j compare RECIPE [KEY=VALUE...]}: the main job, {@link ComparisonJob} on a recipe file or built-in
 * name with overrides.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Train every variant of a recipe with every seed (each run in its own JVM, so memory is"
                + " measured per run) and write report.md, report.html, charts and summary.csv/json.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private RecipeArguments arguments;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<LoadedRecipe> loaded = arguments.load(spec);
        if (loaded.isEmpty()) {
            return Tune4jCommand.EXIT_FAILURE;
        }
        ComparisonJob.run(loaded.get().recipe(), spec.commandLine().getOut());
        return Tune4jCommand.EXIT_OK;
    }
}
