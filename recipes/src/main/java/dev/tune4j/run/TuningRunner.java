package dev.tune4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.io.OutputFiles;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import dev.tune4j.tuning.SearchGrid;
import dev.tune4j.tuning.TrialPick;
import dev.tune4j.tuning.TuningPlan;
import dev.tune4j.tuning.TuningRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tuning trials of a comparison, before its seeds: for each tuned variant ({@link TuningPlan}), one run per
 * grid value, each in its own JVM like every run ({@link ComparisonRunner}), under
 * {@code <output_dir>/tuning/<variant>/<option>=<value>/seed-<n>/} (that variant's trial recipe, a recipe of one
 * trial variant per value, is {@code <output_dir>/tuning/<variant>/recipe.resolved.yaml}). The winner
 * ({@link TrialPick}) is merged into the variant's options for its seeds, and {@link TuningRecord} keeps what
 * happened for the report.
 *
 * <p>A trial whose {@code summary.json} says completed and whose {@code config.resolved.yaml} is the one this trial
 * would write is reused, not run again (a re-run after an interruption, or after changing only the seeds); a trial
 * of another configuration is run again.
 */
public final class TuningRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Recipe recipe;
    private final Path outputDir;
    private final PrintWriter out;
    private final boolean resume;
    private final StopSignal stop;

    /**
     * @param recipe the resolved recipe
     * @param outputDir the comparison's output directory
     * @param out progress lines
     * @param resume continue an unfinished trial from its newest valid checkpoint (finished ones are reused anyway)
     * @param stop the comparison's signal handling (see {@link ComparisonRunner})
     */
    TuningRunner(Recipe recipe, Path outputDir, PrintWriter out, boolean resume, StopSignal stop) {
        this.recipe = recipe;
        this.outputDir = outputDir;
        this.out = out;
        this.resume = resume;
        this.stop = stop;
    }

    /**
     * Runs (or reuses) every tuned variant's trials and picks its values.
     *
     * @return the recipe with each tuned variant's chosen value merged into its options; the recipe itself when
     *     tuning is off
     */
    Recipe tune() throws IOException, InterruptedException {
        List<VariantSpec> tuned = new ArrayList<>();
        List<TuningRecord.VariantTuning> record = new ArrayList<>();
        for (VariantSpec variant : recipe.variants()) {
            Optional<TuningPlan> plan = TuningPlan.of(recipe, variant);
            if (plan.isEmpty()) {
                tuned.add(variant);
                continue;
            }
            TuningRecord.VariantTuning result = tune(variant, plan.get());
            record.add(result);
            tuned.add(result.chosen() == null ? variant
                    : variant.withSearched(variant.name(), result.option(), result.chosen()));
        }
        if (record.isEmpty()) {
            return recipe;
        }
        new TuningRecord(record).write(outputDir);
        return recipe.withVariantSpecs(tuned);
    }

    private TuningRecord.VariantTuning tune(VariantSpec variant, TuningPlan plan)
            throws IOException, InterruptedException {
        SearchGrid grid = plan.grid();
        Path variantDir = outputDir.resolve(TuningRecord.DIRECTORY).resolve(variant.name());
        List<VariantSpec> trialVariants = new ArrayList<>();
        for (int i = 0; i < grid.values().size(); i++) {
            VariantSpec trial = variant.withSearched(grid.trialName(i), grid.option(), grid.values().get(i));
            trialVariants.add(new VariantSpec(trial.name(), trial.optimizer(), trial.options(), trial.paramGroups(),
                    trial.lora(), null));
        }
        Recipe trials = recipe.forTrials(trialVariants, plan.seed(), plan.steps(), variantDir.toString());
        RunLayout.createOutputDirectory(variantDir);
        Path trialRecipeFile = variantDir.resolve(MetricKeys.RECIPE_FILE);
        OutputFiles.writeAtomically(trialRecipeFile, RecipeWriter.toYaml(trials));
        ComparisonRunner runner = new ComparisonRunner(trials, trialRecipeFile, variantDir, out, resume, stop);

        List<TuningRecord.Trial> results = new ArrayList<>();
        List<Double> objectives = new ArrayList<>();
        for (int i = 0; i < trialVariants.size(); i++) {
            VariantSpec trial = trialVariants.get(i);
            Path directory = RunLayout.runDirectory(variantDir, trial.name(), plan.seed());
            String label = "tune4j: tuning " + variant.name() + " " + (i + 1) + "/" + trialVariants.size() + ": "
                    + trial.name() + ", seed " + plan.seed() + ", " + plan.steps() + " steps";
            boolean reused = finishedWith(directory, RecipeWriter.toYaml(trials.withOnly(trial.name(),
                    plan.seed())));
            if (reused) {
                out.println(label + ": finished earlier, reused (" + directory + ")");
                out.flush();
            } else {
                out.println(label);
                out.flush();
                runner.runChild(trial, plan.seed());
                if (stop.requested()) {
                    throw new ComparisonInterruptedException();
                }
            }
            JsonNode summary = JSON.readTree(directory.resolve(MetricKeys.SUMMARY_FILE).toFile());
            Double objective = objective(summary, plan.objective());
            objectives.add(objective);
            results.add(new TuningRecord.Trial(grid.values().get(i), outputDir.relativize(directory).toString(),
                    summary.path("status").asText(), objective, reused));
        }
        OptionalInt best = TrialPick.best(grid.values(), objectives, plan.higherIsBetter());
        Double chosen = best.isPresent() ? grid.values().get(best.getAsInt()) : null;
        if (chosen == null) {
            out.println("tune4j: tuning " + variant.name() + ": no trial reached an evaluation; its seeds run with"
                    + " its own options");
        } else {
            out.println("tune4j: tuning " + variant.name() + ": chose " + grid.option() + " = " + chosen + " ("
                    + plan.objective() + " " + objectives.get(best.getAsInt()) + ")"
                    + (grid.onEdge(chosen) ? "; it lies on the edge of the grid: widen it" : ""));
        }
        out.flush();
        return new TuningRecord.VariantTuning(variant.name(), grid.option(), plan.objective(), plan.higherIsBetter(),
                plan.steps(), plan.seed(), results, chosen, chosen != null && grid.onEdge(chosen));
    }

    /** Whether the run in {@code directory} completed with exactly {@code config}. */
    private static boolean finishedWith(Path directory, String config) {
        return ComparisonRunner.finishedStatus(directory, config).filter(RunStatus.COMPLETED::equals).isPresent();
    }

    /** The objective of a trial's summary: its last evaluation's loss or metric, null when it has none. */
    static Double objective(JsonNode summary, String objective) {
        JsonNode statistics = summary.path("statistics");
        JsonNode value = objective.equals(TuningPlan.DEFAULT_OBJECTIVE) ? statistics.path("final_eval_loss")
                : statistics.path("final_eval_metrics").path(objective);
        return value.isNumber() && Double.isFinite(value.asDouble()) ? value.asDouble() : null;
    }
}
