package dev.tune4j.report;

/**
 * The fields of one training line of {@code metrics.jsonl} that the statistics and the memory breakdown use; the
 * other keys of the line ({@code lr}, {@code grad_norm}, the phase timings, ...) are not read.
 *
 * @param step optimizer step, 1-based
 * @param loss training loss of the step
 * @param tokens real (non-padding) tokens of the step
 * @param elapsedSeconds training seconds since the run started, evaluation excluded
 * @param stepMillis wall time of the step, milliseconds
 * @param optimizerStateBytes exact optimizer state bytes after the step
 * @param peakRssBytes peak resident set size of the process so far
 * @param rssBytes resident set size after the step, or null when the line has none
 * @param heapUsedBytes JVM heap used after the step, or null when the line has none
 * @param heapCommittedBytes JVM heap committed after the step, or null when the line has none (older files)
 * @param otherCpuMillis CPU milliseconds other processes took during the step, or null when the line has none
 */
public record TrainStep(
        int step,
        double loss,
        long tokens,
        double elapsedSeconds,
        double stepMillis,
        long optimizerStateBytes,
        long peakRssBytes,
        Long rssBytes,
        Long heapUsedBytes,
        Long heapCommittedBytes,
        Double otherCpuMillis) {

    /** A line without the memory fields that only the breakdown reads. */
    public TrainStep(int step, double loss, long tokens, double elapsedSeconds, double stepMillis,
            long optimizerStateBytes, long peakRssBytes) {
        this(step, loss, tokens, elapsedSeconds, stepMillis, optimizerStateBytes, peakRssBytes, null, null, null,
                null);
    }
}
