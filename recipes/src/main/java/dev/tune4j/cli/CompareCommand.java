package dev.tune4j.cli;

import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.report.Comparison;
import dev.tune4j.report.ComparisonReader;
import dev.tune4j.report.Report;
import dev.tune4j.report.RunStatus;
import dev.tune4j.report.WrittenReport;
import dev.tune4j.run.ComparisonRunner;
import dev.tune4j.run.MetricKeys;
import dev.tune4j.run.RunLayout;
import dev.tune4j.run.TaskData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j compare RECIPE [KEY=VALUE...]}: the main job. Makes the model and data ready once (import, fetch,
 * tokenize: a failure here stops before any run), trains every variant with every seed, each in its own JVM, then
 * writes the report. A diverged or failed run is shown as such in the report; the others still count.
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
        Recipe recipe = loaded.get().recipe();
        PrintWriter out = spec.commandLine().getOut();
        Path outputDir = Path.of(recipe.outputDir());
        RunLayout.createOutputDirectory(outputDir);
        Path recipeFile = outputDir.resolve(MetricKeys.RECIPE_FILE);
        Files.writeString(recipeFile, RecipeWriter.toYaml(recipe));
        out.println("tune4j: comparing " + recipe.variants().size() + " variants x " + recipe.seeds().size()
                + " seeds of " + recipe.name() + " into " + outputDir);
        TaskData.prepare(recipe, out); // fetch, import and tokenize once up front, so runs start from caches
        long started = System.nanoTime();
        new ComparisonRunner(recipe, recipeFile, outputDir, out).runAll();
        Comparison comparison = ComparisonReader.read(outputDir);
        WrittenReport report = Report.write(comparison);
        int runs = recipe.variants().size() * recipe.seeds().size();
        out.printf("tune4j: %d runs in %.1f min; report: %s%n", runs, (System.nanoTime() - started) / 60e9,
                report.markdown());
        out.println(report.conclusion());
        out.flush();
        if (count(comparison, RunStatus.COMPLETED) > 0) {
            return Tune4jCommand.EXIT_OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("tune4j compare: no run completed: " + runs + " of " + runs + " runs did not finish ("
                + count(comparison, RunStatus.FAILED) + " failed, " + count(comparison, RunStatus.DIVERGED)
                + " diverged, " + count(comparison, RunStatus.BAD_INPUT) + " refused as bad input); see each run's"
                + " error in " + report.markdown());
        err.flush();
        return Tune4jCommand.EXIT_FAILURE;
    }

    private static long count(Comparison comparison, RunStatus status) {
        return comparison.variants().stream().mapToLong(variant -> variant.runsWith(status).size()).sum();
    }
}
