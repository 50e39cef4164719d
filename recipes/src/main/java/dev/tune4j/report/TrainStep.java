package dev.tune4j.report;

/**
 * The fields of one training line of {@code metrics.jsonl} that the statistics use; the other keys of the line
 * ({@code lr}, {@code grad_norm}, the phase timings, ...) are not read.
 *
 * @param step optimizer step, 1-based
 * @param loss training loss of the step
 * @param tokens real (non-padding) tokens of the step
 * @param elapsedSeconds training seconds since the run started, evaluation excluded
 * @param stepMillis wall time of the step, milliseconds
 * @param optimizerStateBytes exact optimizer state bytes after the step
 * @param peakRssBytes peak resident set size of the process so far
 */
public record TrainStep(
        int step,
        double loss,
        long tokens,
        double elapsedSeconds,
        double stepMillis,
        long optimizerStateBytes,
        long peakRssBytes) {}
