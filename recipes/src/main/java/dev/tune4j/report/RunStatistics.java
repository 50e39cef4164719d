package dev.tune4j.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics of one run, computed from its {@code metrics.jsonl} by {@link #compute}. This is the one home of
 * their definitions: the runner writes them as the {@code "statistics"} object of each run's {@code summary.json}
 * (Jackson serializes this record under the snake_case names below; absent values are {@code null}), and the report
 * recomputes them from {@code metrics.jsonl}.
 *
 * <p>"The final window" is the last {@code ceil(n / 10)} training lines of a run with {@code n} training lines:
 * the last 10% of the steps, at least one.
 *
 * @param stepsCompleted {@code steps_completed}: training lines (optimizer steps) in the metrics
 * @param finalLoss {@code final_loss}: mean training loss over the final window
 * @param stability {@code stability}: population standard deviation (divide by the count, ddof 0) of the training
 *     loss over the final window; 0 for a one-step window. Lower is steadier.
 * @param finalEvalLoss {@code final_eval_loss}: {@code eval_loss} of the last evaluation line; null without one
 * @param finalEvalMetrics {@code final_eval_metrics}: the other {@code eval_<metric>} values of the last evaluation
 *     line under their full keys, in line order; empty without an evaluation line
 * @param stepsToTarget {@code steps_to_target}: the first step whose trailing mean training loss (the mean over that
 *     step and the 4 before it; fewer in the first 4 steps) is at most the target loss; null if it never is or
 *     there is no target
 * @param secondsToTarget {@code seconds_to_target}: {@code elapsed_s} of that step; null with it
 * @param tokensPerSecond {@code tokens_per_s}: {@code sum(tokens) / sum(step_ms / 1000)} over the training lines
 *     after the first {@code throughput_warmup_steps}; over all lines when no line is left after them
 * @param peakRssBytes {@code peak_rss_bytes}: the largest {@code peak_rss_bytes} of the training lines
 * @param optimizerStateBytes {@code optimizer_state_bytes}: the largest {@code optimizer_state_bytes} of the
 *     training lines
 * @param trainSeconds {@code train_seconds}: {@code elapsed_s} of the last training line
 */
@JsonPropertyOrder({"steps_completed", "final_loss", "stability", "final_eval_loss", "final_eval_metrics",
        "steps_to_target", "seconds_to_target", "tokens_per_s", "peak_rss_bytes", "optimizer_state_bytes",
        "train_seconds"})
public record RunStatistics(
        @JsonProperty("steps_completed") int stepsCompleted,
        @JsonProperty("final_loss") double finalLoss,
        @JsonProperty("stability") double stability,
        @JsonProperty("final_eval_loss") Double finalEvalLoss,
        @JsonProperty("final_eval_metrics") Map<String, Double> finalEvalMetrics,
        @JsonProperty("steps_to_target") Integer stepsToTarget,
        @JsonProperty("seconds_to_target") Double secondsToTarget,
        @JsonProperty("tokens_per_s") double tokensPerSecond,
        @JsonProperty("peak_rss_bytes") long peakRssBytes,
        @JsonProperty("optimizer_state_bytes") long optimizerStateBytes,
        @JsonProperty("train_seconds") double trainSeconds) {

    /** Training lines the trailing mean for {@code steps_to_target} covers. */
    public static final int TARGET_TRAILING_STEPS = 5;

    /** Keeps an unmodifiable copy of the metrics map in its order. */
    public RunStatistics {
        finalEvalMetrics = finalEvalMetrics == null
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(finalEvalMetrics));
    }

    /**
     * Computes the statistics of a run.
     *
     * @param metrics the run's parsed metrics; at least one training line
     * @param targetLoss the recipe's target loss, or null for none
     * @param throughputWarmupSteps training lines left out of {@code tokens_per_s}, at least 0
     * @throws IllegalArgumentException without training lines, with negative warm-up, or when the step times of
     *     the throughput window sum to zero
     */
    public static RunStatistics compute(RunMetrics metrics, Double targetLoss, int throughputWarmupSteps) {
        List<TrainStep> steps = metrics.trainSteps();
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("no training lines: statistics need at least one step");
        }
        if (throughputWarmupSteps < 0) {
            throw new IllegalArgumentException("throughput warm-up steps must be >= 0, got " + throughputWarmupSteps);
        }
        int n = steps.size();
        List<TrainStep> window = steps.subList(n - (n + 9) / 10, n);
        double finalLoss = window.stream().mapToDouble(TrainStep::loss).average().orElseThrow();
        double squares = window.stream().mapToDouble(s -> (s.loss() - finalLoss) * (s.loss() - finalLoss)).sum();
        double stability = Math.sqrt(squares / window.size());

        Integer stepsToTarget = null;
        Double secondsToTarget = null;
        if (targetLoss != null) {
            for (int i = 0; i < n; i++) {
                // summed afresh for each step, so a mean that equals the target is not lost to rounding drift
                double trailingMean = steps.subList(Math.max(0, i + 1 - TARGET_TRAILING_STEPS), i + 1).stream()
                        .mapToDouble(TrainStep::loss).average().orElseThrow();
                if (trailingMean <= targetLoss) {
                    stepsToTarget = steps.get(i).step();
                    secondsToTarget = steps.get(i).elapsedSeconds();
                    break;
                }
            }
        }

        List<TrainStep> measured = throughputWarmupSteps < n ? steps.subList(throughputWarmupSteps, n) : steps;
        double tokens = measured.stream().mapToLong(TrainStep::tokens).sum();
        double seconds = measured.stream().mapToDouble(TrainStep::stepMillis).sum() / 1000.0;
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("step_ms of the throughput window sums to " + seconds * 1000);
        }

        EvalPoint lastEval = metrics.evalPoints().isEmpty() ? null : metrics.evalPoints().getLast();
        return new RunStatistics(
                n,
                finalLoss,
                stability,
                lastEval == null ? null : lastEval.evalLoss(),
                lastEval == null ? Map.of() : lastEval.metrics(),
                stepsToTarget,
                secondsToTarget,
                tokens / seconds,
                steps.stream().mapToLong(TrainStep::peakRssBytes).max().orElseThrow(),
                steps.stream().mapToLong(TrainStep::optimizerStateBytes).max().orElseThrow(),
                steps.getLast().elapsedSeconds());
    }
}
