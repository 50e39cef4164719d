package dev.tune4j.cli;

import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.run.ComparisonInterruptedException;
import dev.tune4j.run.ComparisonJob;
import dev.tune4j.run.ComparisonRunner;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j compare RECIPE [--resume] [KEY=VALUE...]}: the main job, {@link ComparisonJob} on a recipe file or
 * built-in name with overrides. It exits 1 when no run completed (every run failed, diverged or was refused as bad
 * input), saying how many ended which way, and {@value Tune4jCommand#EXIT_INTERRUPTED} when a signal stopped it.
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

    @Option(names = ComparisonRunner.RESUME_OPTION, description = "Keep the runs and tuning trials that finished"
            + " (completed or diverged, with the same config) and continue the others from their newest valid"
            + " checkpoint, instead of running everything again.")
    private boolean resume;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<LoadedRecipe> loaded = arguments.load(spec);
        if (loaded.isEmpty()) {
            return Tune4jCommand.EXIT_FAILURE;
        }
        ComparisonJob.Result result;
        try {
            result = ComparisonJob.run(loaded.get().recipe(), spec.commandLine().getOut(), resume);
        } catch (ComparisonInterruptedException stopped) {
            return Tune4jCommand.EXIT_INTERRUPTED;
        }
        if (result.runsWith(RunStatus.COMPLETED) > 0) {
            return Tune4jCommand.EXIT_OK;
        }
        long runs = result.comparison().variants().stream().mapToLong(variant -> variant.runs().size()).sum();
        PrintWriter err = spec.commandLine().getErr();
        err.println("tune4j compare: no run completed: " + runs + " of " + runs + " runs did not finish ("
                + result.runsWith(RunStatus.FAILED) + " failed, " + result.runsWith(RunStatus.DIVERGED)
                + " diverged, " + result.runsWith(RunStatus.BAD_INPUT) + " refused as bad input, "
                + result.runsWith(RunStatus.INTERRUPTED) + " interrupted); see each run's"
                + " error in " + result.report().markdown());
        err.flush();
        return Tune4jCommand.EXIT_FAILURE;
    }
}
