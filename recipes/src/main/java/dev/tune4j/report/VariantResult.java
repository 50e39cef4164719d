package dev.tune4j.report;

import dev.tune4j.runfiles.RunStatus;
import java.util.List;

/**
 * One optimizer variant of a comparison: its runs (one per seed, in seed order), their aggregates and curves.
 *
 * @param name the variant name (its directory name)
 * @param optimizer the optimizer id, or null when neither a summary nor the recipe names it
 * @param runs the runs found, in seed order; empty when the recipe names the variant but it has no directory
 * @param statistics aggregates over the completed runs
 * @param curves curves over the completed runs
 */
public record VariantResult(String name, String optimizer, List<SeedRun> runs, VariantStatistics statistics,
        VariantCurves curves) {

    /** Keeps an unmodifiable copy of the runs. */
    public VariantResult {
        runs = List.copyOf(runs);
    }

    /** Aggregates and curves of {@code runs}. */
    public static VariantResult of(String name, String optimizer, List<SeedRun> runs) {
        return new VariantResult(name, optimizer, runs, VariantStatistics.of(runs), VariantCurves.of(runs));
    }

    /** The runs that ended with {@code status}, in seed order. */
    public List<SeedRun> runsWith(RunStatus status) {
        return runs.stream().filter(run -> run.status() == status).toList();
    }

    /** Whether the variant trains LoRA adapters only (any of its runs says so). */
    public boolean lora() {
        return runs.stream().anyMatch(SeedRun::lora);
    }

    /** Whether every run of the variant completed and reached the target loss (false without runs). */
    public boolean everySeedReachedTarget() {
        return !runs.isEmpty() && statistics.targetReached() == runs.size();
    }
}
