package dev.tune4j.cli;

import dev.tune4j.io.OutputFiles;
import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.run.ComparisonRunner;
import dev.tune4j.run.DeviceCheck;
import dev.tune4j.run.RecipeRunner;
import dev.tune4j.run.RunControl;
import dev.tune4j.run.TaskData;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j run RECIPE [--variant V] [--seed N] [--resume] [KEY=VALUE...]}: trains the recipe's variants and
 * seeds (or the one chosen) in this process, one after the other, writing each run directory; no report (that is
 * {@code compare}). Exit 0 when every run completed or diverged (a diverged run is a result), 1 when one failed,
 * {@value Tune4jCommand#EXIT_INTERRUPTED} when SIGTERM or SIGINT stopped a run (after its checkpoint).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Train a recipe's variants x seeds (or one of them) in this process and write their run"
                + " directories: resolved config, metrics.jsonl, summary.json.")
final class RunRecipeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private RecipeArguments arguments;

    @Option(names = "--variant", paramLabel = "NAME", description = "Run only this variant.")
    private String variant;

    @Option(names = "--seed", paramLabel = "N", description = "Run only this seed.")
    private Integer seed;

    @Option(names = ComparisonRunner.RESUME_OPTION, description = "Continue each run from its newest valid"
            + " checkpoint (checkpoints/step-NNNNNN in its run directory) instead of starting over; a run without one"
            + " starts from step 0.")
    private boolean resume;

    @Option(names = ComparisonRunner.QUIET_DATA_OPTION, hidden = true,
            description = "Print no fetch, import and data lines: compare, which starts each run with this, printed"
                    + " them once for all runs.")
    private boolean quietData;

    @Override
    public Integer call() throws IOException {
        Optional<LoadedRecipe> loaded = arguments.load(spec);
        if (loaded.isEmpty()) {
            return Tune4jCommand.EXIT_FAILURE;
        }
        Recipe full = loaded.get().recipe();
        Recipe recipe;
        try {
            recipe = full.withOnly(variant, seed);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DeviceCheck.require(recipe);
        PrintWriter out = spec.commandLine().getOut();
        Path outputDir = Path.of(recipe.outputDir());
        RunLayout.createOutputDirectory(outputDir);
        Path recipeFile = outputDir.resolve(MetricKeys.RECIPE_FILE);
        if (!Files.exists(recipeFile)) {
            OutputFiles.writeAtomically(recipeFile, RecipeWriter.toYaml(full)); // what `tune4j report` reads
        }
        TaskData data = TaskData.prepare(recipe, quietData ? new PrintWriter(Writer.nullWriter()) : out);
        RecipeRunner runner = new RecipeRunner(recipe, data, outputDir, out);
        boolean failed = false;
        for (VariantSpec runVariant : recipe.variants()) {
            for (int runSeed : recipe.seeds()) {
                String config = RecipeWriter.toYaml(recipe.withOnly(runVariant.name(), runSeed));
                Path runDirectory = RunLayout.runDirectory(outputDir, runVariant.name(), runSeed);
                Optional<RunStatus> finished = resume ? ComparisonRunner.finishedStatus(runDirectory, config)
                        : Optional.empty();
                if (finished.isPresent()) {
                    out.printf("tune4j: %s seed %d: %s earlier with this config, kept -> %s%n", runVariant.name(),
                            runSeed, finished.get().jsonName(), runDirectory);
                    out.flush();
                    continue;
                }
                RecipeRunner.Outcome outcome;
                try {
                    outcome = runner.run(runVariant, loaded.get().optimizer(runVariant), runSeed, config,
                            RunControl.of(resume));
                } catch (RuntimeException e) {
                    if (recipe.variants().size() * recipe.seeds().size() == 1) {
                        throw e;
                    }
                    failed = true; // recorded in its summary.json; the other runs go on
                    continue;
                }
                out.printf("tune4j: %s seed %d: %s after %d steps -> %s%n", runVariant.name(), runSeed,
                        outcome.status().jsonName(), outcome.stepsCompleted(), outcome.directory());
                out.flush();
                if (outcome.status() == RunStatus.INTERRUPTED) {
                    return Tune4jCommand.EXIT_INTERRUPTED; // stopped by a signal: the remaining runs do not start
                }
            }
        }
        return failed ? Tune4jCommand.EXIT_FAILURE : Tune4jCommand.EXIT_OK;
    }
}
