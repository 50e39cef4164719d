package dev.tune4j.run;

import dev.tune4j.io.OutputFiles;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.report.Comparison;
import dev.tune4j.report.ComparisonReader;
import dev.tune4j.report.Report;
import dev.tune4j.report.WrittenReport;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.OutputLock;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A whole comparison, as {@code tune4j compare} and the notebooks run it: writes the resolved recipe into the output
 * directory, makes the model and data ready once (import, fetch, tokenize: a failure here stops before any run),
 * runs the tuning trials of a recipe with a {@code tune} block and merges each variant's chosen values into its
 * options ({@link TuningRunner}), trains every variant with every seed, each in its own JVM
 * ({@link ComparisonRunner}), then writes the report.
 * A diverged or failed run is shown as such in the report; the others still count.
 */
public final class ComparisonJob {
    private ComparisonJob() {}

    /**
     * What a comparison produced.
     *
     * @param comparison every run's statistics, read back from the run files
     * @param report the files the report wrote and its conclusion
     */
    public record Result(Comparison comparison, WrittenReport report) {
        /** How many runs (variant x seed) ended with {@code status}. */
        public long runsWith(RunStatus status) {
            return comparison.variants().stream().mapToLong(variant -> variant.runsWith(status).size()).sum();
        }
    }

    /**
     * Runs the comparison {@code recipe} describes into its {@code output_dir}.
     *
     * @param out progress lines, the runs' output and the closing summary
     * @return the runs' statistics, the report's files and its conclusion
     * @throws IllegalStateException when the recipe asks for a GPU and none is usable ({@link DeviceCheck})
     */
    public static Result run(Recipe recipe, PrintWriter out) throws IOException, InterruptedException {
        return run(recipe, out, false);
    }

    /**
     * Runs the comparison {@code recipe} describes into its {@code output_dir}, holding that directory's
     * {@link OutputLock} throughout; SIGINT and SIGTERM stop it (the running child is stopped and waited for, see
     * {@link ComparisonRunner}).
     *
     * @param out progress lines, the runs' output and the closing summary
     * @param resume keep the runs and tuning trials that finished, continue the others from their newest valid
     *     checkpoints
     * @return the runs' statistics, the report's files and its conclusion
     * @throws ComparisonInterruptedException when a signal stopped it before the report
     */
    public static Result run(Recipe recipe, PrintWriter out, boolean resume) throws IOException, InterruptedException {
        DeviceCheck.require(recipe); // before anything is written: a GPU recipe on a machine without one
        Path outputDir = Path.of(recipe.outputDir());
        RunLayout.createOutputDirectory(outputDir);
        try (OutputLock lock = OutputLock.acquire(outputDir, "comparison " + recipe.name());
                StopSignal stop = StopSignal.install("the comparison stops its current run (which writes a"
                        + " checkpoint) and starts no other; continue with compare --resume", out)) {
            try {
                Result result = runLocked(recipe, out, resume, stop, outputDir);
                if (stop.requested()) {
                    throw new ComparisonInterruptedException();
                }
                return result;
            } catch (ComparisonInterruptedException e) {
                // said before the signal's wait ends with the try's close, after which the JVM may halt
                out.println("tune4j: comparison stopped; continue it with: tune4j compare ... --resume");
                out.flush();
                throw e;
            }
        }
    }

    private static Result runLocked(Recipe recipe, PrintWriter out, boolean resume, StopSignal stop, Path outputDir)
            throws IOException, InterruptedException {
        Path recipeFile = outputDir.resolve(MetricKeys.RECIPE_FILE);
        OutputFiles.writeAtomically(recipeFile, RecipeWriter.toYaml(recipe));
        out.println("tune4j: comparing " + recipe.variants().size() + " variants x " + recipe.seeds().size()
                + " seeds of " + recipe.name() + " into " + outputDir);
        TaskData.prepare(recipe, out); // fetch, import and tokenize once up front, so runs start from caches
        long started = System.nanoTime();
        Recipe tuned = new TuningRunner(recipe, outputDir, out, resume, stop).tune();
        if (tuned != recipe) {
            // the seeds' runs load the chosen options
            OutputFiles.writeAtomically(recipeFile, RecipeWriter.toYaml(tuned));
        }
        new ComparisonRunner(tuned, recipeFile, outputDir, out, resume, stop).runAll();
        if (stop.requested()) {
            throw new ComparisonInterruptedException();
        }
        Comparison comparison = ComparisonReader.read(outputDir);
        WrittenReport report = Report.write(comparison);
        out.printf("tune4j: %d runs in %.1f min; report: %s%n", recipe.variants().size() * recipe.seeds().size(),
                (System.nanoTime() - started) / 60e9, report.markdown());
        out.println(report.conclusion());
        out.flush();
        return new Result(comparison, report);
    }
}
