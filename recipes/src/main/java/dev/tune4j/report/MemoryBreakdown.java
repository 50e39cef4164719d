package dev.tune4j.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tune4j.runfiles.MetricKeys;
import java.util.List;

/**
 * Where a run's peak resident memory went: the one home of the breakdown's definitions. The runner writes it as the
 * {@code "memory"} object of each run's {@code summary.json}, and the report recomputes it from {@code metrics.jsonl}
 * and the exact model sizes of {@code summary.json}.
 *
 * <p>The peak is the run's {@code peak_rss_bytes} statistic (the largest VmHWM of its training lines). The <em>peak
 * step</em> is the first training line that reports it: the process reached its peak during that step (or during an
 * evaluation just before it). The parts are of that moment:
 * <ul>
 *   <li>exact: {@code weights_bytes} (every model parameter, frozen ones too), {@code gradient_bytes} (the trainable
 *       parameters' gradients), {@code optimizer_state_bytes} (the optimizer's state after the peak step);
 *   <li>measured at the end of the peak step: {@code heap_committed_bytes}, the JVM heap committed (its used part is
 *       {@code heap_used_bytes}, shown but not a separate part), and {@code rss_after_peak_step_bytes}, the resident
 *       set then;
 *   <li>the rest, {@code rest_bytes} = peak − (weights + gradients + state + heap committed), which is therefore
 *       exact by construction: libtorch's activations and temporaries, allocator caches, shared libraries, thread
 *       stacks and the JVM's non-heap memory. DJL exposes no CPU allocator statistics of libtorch, so the rest is
 *       split only by time: {@code rest_freed_by_step_end_bytes} = peak − resident set after the step (memory the
 *       step held at its peak and gave back by its end: activations and temporaries) and
 *       {@code rest_resident_after_step_bytes} = the remainder (what stays: allocator caches, libraries, runtime).
 * </ul>
 * The resident remainder is negative when the named parts exceed the resident set after the step: the committed heap
 * counts pages the JVM reserved but never touched, which are not resident.
 *
 * @param peakRssBytes {@code peak_rss_bytes}: the run's peak resident set
 * @param peakStep {@code peak_step}: the first training step whose line reports the peak
 * @param weightsBytes {@code weights_bytes}: every model parameter, exact
 * @param gradientBytes {@code gradient_bytes}: the trainable parameters' gradients, exact
 * @param optimizerStateBytes {@code optimizer_state_bytes}: the optimizer's state after the peak step, exact
 * @param heapCommittedBytes {@code heap_committed_bytes}: JVM heap committed after the peak step
 * @param heapUsedBytes {@code heap_used_bytes}: JVM heap used after the peak step (inside the committed heap)
 * @param rssAfterPeakStepBytes {@code rss_after_peak_step_bytes}: the resident set after the peak step
 * @param restBytes {@code rest_bytes}: the peak minus the four parts above
 * @param restFreedByStepEndBytes {@code rest_freed_by_step_end_bytes}: peak minus the resident set after the step
 * @param restResidentAfterStepBytes {@code rest_resident_after_step_bytes}: the rest minus what the step freed
 */
@JsonPropertyOrder({"peak_rss_bytes", "peak_step", "weights_bytes", "gradient_bytes", "optimizer_state_bytes",
        "heap_committed_bytes", "heap_used_bytes", "rss_after_peak_step_bytes", "rest_bytes",
        "rest_freed_by_step_end_bytes", "rest_resident_after_step_bytes"})
public record MemoryBreakdown(
        @JsonProperty("peak_rss_bytes") long peakRssBytes,
        @JsonProperty("peak_step") int peakStep,
        @JsonProperty("weights_bytes") long weightsBytes,
        @JsonProperty("gradient_bytes") long gradientBytes,
        @JsonProperty("optimizer_state_bytes") long optimizerStateBytes,
        @JsonProperty("heap_committed_bytes") long heapCommittedBytes,
        @JsonProperty("heap_used_bytes") long heapUsedBytes,
        @JsonProperty("rss_after_peak_step_bytes") long rssAfterPeakStepBytes,
        @JsonProperty("rest_bytes") long restBytes,
        @JsonProperty("rest_freed_by_step_end_bytes") long restFreedByStepEndBytes,
        @JsonProperty("rest_resident_after_step_bytes") long restResidentAfterStepBytes) {

    /** Checks that the parts add up to the peak and the rest's two halves to the rest. */
    public MemoryBreakdown {
        if (weightsBytes + gradientBytes + optimizerStateBytes + heapCommittedBytes + restBytes != peakRssBytes
                || restFreedByStepEndBytes + restResidentAfterStepBytes != restBytes) {
            throw new IllegalArgumentException("memory parts do not add up to the peak " + peakRssBytes);
        }
    }

    /**
     * The breakdown of a run from the exact sizes its {@code summary.json} records ({@value MetricKeys#WEIGHTS_BYTES},
     * {@value MetricKeys#GRADIENT_BYTES}) and its training lines; null without those sizes, on a GPU (where weights,
     * gradients and state are not part of the resident set) or when {@link #compute} gives none.
     */
    public static MemoryBreakdown of(JsonNode summary, List<TrainStep> steps) {
        JsonNode weights = summary.path(MetricKeys.WEIGHTS_BYTES);
        JsonNode gradients = summary.path(MetricKeys.GRADIENT_BYTES);
        boolean onGpu = summary.path("device").asText().startsWith("gpu"); // DJL names devices cpu() and gpu(n)
        return weights.isIntegralNumber() && gradients.isIntegralNumber() && !onGpu
                ? compute(steps, weights.asLong(), gradients.asLong()) : null;
    }

    /**
     * The breakdown of a run, or null when it cannot be made: no training line, a line without
     * {@code rss_bytes} or {@code heap_committed_bytes} at the peak step (files of an older tune4j), or a peak that
     * was not measured ({@code peak_rss_bytes} -1 off Linux).
     *
     * @param steps the run's training lines
     * @param weightsBytes exact bytes of every model parameter
     * @param gradientBytes exact bytes of the trainable parameters' gradients
     */
    public static MemoryBreakdown compute(List<TrainStep> steps, long weightsBytes, long gradientBytes) {
        TrainStep peak = null;
        for (TrainStep step : steps) {
            if (peak == null || step.peakRssBytes() > peak.peakRssBytes()) {
                peak = step;
            }
        }
        if (peak == null || peak.peakRssBytes() < 0 || peak.rssBytes() == null || peak.rssBytes() < 0
                || peak.heapCommittedBytes() == null || peak.heapUsedBytes() == null) {
            return null;
        }
        long named = weightsBytes + gradientBytes + peak.optimizerStateBytes() + peak.heapCommittedBytes();
        long rest = peak.peakRssBytes() - named;
        long freed = peak.peakRssBytes() - peak.rssBytes();
        return new MemoryBreakdown(peak.peakRssBytes(), peak.step(), weightsBytes, gradientBytes,
                peak.optimizerStateBytes(), peak.heapCommittedBytes(), peak.heapUsedBytes(), peak.rssBytes(), rest,
                freed, rest - freed);
    }
}
