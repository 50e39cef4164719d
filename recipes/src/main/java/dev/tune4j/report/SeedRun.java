package dev.tune4j.report;

import dev.tune4j.runfiles.RunStatus;

/**
 * One run of a variant with one seed, as found in {@code <runs-dir>/<variant>/seed-<n>/}.
 *
 * @param seed the seed
 * @param status how the run ended
 * @param divergedAtStep the step whose loss was non-finite, for a diverged run; else null
 * @param error what went wrong, for a failed run; else null
 * @param optimizer the optimizer id from {@code summary.json}, or null if it has none
 * @param trainableParameters trainable parameters from {@code summary.json}, or null
 * @param metrics the parsed {@code metrics.jsonl}, or null for a failed run (its metrics are not read)
 * @param statistics statistics of the metrics, or null when there are no metrics or no training lines
 * @param lora whether the run trained LoRA adapters only ({@code lora} of {@code summary.json}; false when absent)
 * @param timingDisturbed whether the run's timing was disturbed by the machine's load, as its statistics say
 *     ({@link RunStatistics#timingDisturbed()}; false without statistics): its times stay out of speed comparisons
 * @param memory where the run's peak memory went, recomputed from its metrics and the exact sizes of its
 *     {@code summary.json}; null when they are missing or the run has no training line
 */
public record SeedRun(
        int seed,
        RunStatus status,
        Integer divergedAtStep,
        String error,
        String optimizer,
        Long trainableParameters,
        RunMetrics metrics,
        RunStatistics statistics,
        boolean lora,
        boolean timingDisturbed,
        MemoryBreakdown memory) {

    /** A run without a memory breakdown. */
    public SeedRun(int seed, RunStatus status, Integer divergedAtStep, String error, String optimizer,
            Long trainableParameters, RunMetrics metrics, RunStatistics statistics, boolean lora,
            boolean timingDisturbed) {
        this(seed, status, divergedAtStep, error, optimizer, trainableParameters, metrics, statistics, lora,
                timingDisturbed, null);
    }

    /** Whether the run counts towards the variant's aggregates: completed, with statistics. */
    public boolean countsTowardsAggregates() {
        return status == RunStatus.COMPLETED && statistics != null;
    }

    /** Optimizer state bytes per trainable parameter, or null without statistics or a parameter count. */
    public Double bytesPerParameter() {
        if (statistics == null || trainableParameters == null || trainableParameters <= 0) {
            return null;
        }
        return (double) statistics.optimizerStateBytes() / trainableParameters;
    }
}
