package dev.tune4j.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
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
 * @param secondsToTarget {@code seconds_to_target}: training seconds from the end of the warm-up (the first
 *     {@code throughput_warmup_steps} training lines, whose JIT and allocator warm-up would otherwise count) to that
 *     step: its {@code elapsed_s} minus that of the last warm-up line; its whole {@code elapsed_s} when the target
 *     is reached within the warm-up (nothing is left to measure after it); null with {@code steps_to_target}
 * @param secondsToTargetAtMedianStep {@code seconds_to_target_at_median_step}: {@code steps_to_target} times the
 *     median step time, in seconds: the time to target had every step taken the run's typical time, which a few
 *     steps slowed by the machine's load cannot move; null with {@code steps_to_target}
 * @param tokensPerSecond {@code tokens_per_s}: {@code sum(tokens) / sum(step_ms / 1000)} over the training lines
 *     after the first {@code throughput_warmup_steps}; over all lines when no line is left after them
 * @param medianStepMillis {@code median_step_ms}: the median {@code step_ms} over the same lines as
 *     {@code tokens_per_s}
 * @param stepTimeCv {@code step_time_cv}: coefficient of variation of {@code step_ms} over those lines, population
 *     standard deviation (ddof 0) over the mean; 0 for one line. Shown, not a test of disturbance: a quiet machine
 *     gives CVs near 1 on the tiny Llama, whose steps are now and then slowed tenfold by the allocator's page faults
 * @param otherCores {@code other_cores}: the cores other processes kept busy on average during those steps, the sum
 *     of their {@code other_cpu_ms} over the sum of their {@code step_ms}; null when a line lacks it
 * @param meanLoad1m {@code mean_load_1m}: the mean {@code load_1m} of the evaluation lines that have one; null
 *     when none has
 * @param cores {@code cores}: the machine's cores as the run's {@code summary.json} records them; null when unknown
 * @param timingDisturbed {@code timing_disturbed}: other work on the machine shared the cores while this run was timed,
 *     so its times should not decide a speed comparison: {@code other_cores} above {@value #MAX_OTHER_CORES}, or
 *     {@code mean_load_1m} above {@code cores} + {@value #OWN_LOAD_MARGIN} (the run's own threads count in the load:
 *     on a quiet machine it sits near the cores, so only runnable tasks beyond them, on average at the evaluations,
 *     disturb)
 * @param peakRssBytes {@code peak_rss_bytes}: the largest {@code peak_rss_bytes} of the training lines
 * @param optimizerStateBytes {@code optimizer_state_bytes}: the largest {@code optimizer_state_bytes} of the
 *     training lines
 * @param trainSeconds {@code train_seconds}: {@code elapsed_s} of the last training line
 */
@JsonPropertyOrder({"steps_completed", "final_loss", "stability", "final_eval_loss", "final_eval_metrics",
        "steps_to_target", "seconds_to_target", "seconds_to_target_at_median_step", "tokens_per_s", "median_step_ms",
        "step_time_cv", "other_cores", "mean_load_1m", "cores", "timing_disturbed", "peak_rss_bytes",
        "optimizer_state_bytes", "train_seconds"})
public record RunStatistics(
        @JsonProperty("steps_completed") int stepsCompleted,
        @JsonProperty("final_loss") double finalLoss,
        @JsonProperty("stability") double stability,
        @JsonProperty("final_eval_loss") Double finalEvalLoss,
        @JsonProperty("final_eval_metrics") Map<String, Double> finalEvalMetrics,
        @JsonProperty("steps_to_target") Integer stepsToTarget,
        @JsonProperty("seconds_to_target") Double secondsToTarget,
        @JsonProperty("seconds_to_target_at_median_step") Double secondsToTargetAtMedianStep,
        @JsonProperty("tokens_per_s") double tokensPerSecond,
        @JsonProperty("median_step_ms") double medianStepMillis,
        @JsonProperty("step_time_cv") double stepTimeCv,
        @JsonProperty("other_cores") Double otherCores,
        @JsonProperty("mean_load_1m") Double meanLoad1m,
        @JsonProperty("cores") Integer cores,
        @JsonProperty("timing_disturbed") boolean timingDisturbed,
        @JsonProperty("peak_rss_bytes") long peakRssBytes,
        @JsonProperty("optimizer_state_bytes") long optimizerStateBytes,
        @JsonProperty("train_seconds") double trainSeconds) {

    /** Training lines the trailing mean for {@code steps_to_target} covers. */
    public static final int TARGET_TRAILING_STEPS = 5;
    /**
     * Above this many cores kept busy by other processes on average over the timed steps, a run's timing counts as
     * disturbed. Measured on a 2-core machine (2026-12-06, llama-mobydick-optimizers-quick cut to AdamW, SOAA and 8-bit
     * AdamW, 2 seeds): 0.038 to 0.047 in the three runs of seed 1, with nothing else running (the machine's daemons
     * and the waiting compare process), and 0.82 to 0.84 in the three runs of seed 2, with one shell loop spinning
     * beside them. Those three had mean loads of 2.34 to 2.75 (the load rule alone missed the first) and step-time
     * CVs of 0.45 to 0.60, below the quiet runs' 0.37 to 1.10.
     */
    public static final double MAX_OTHER_CORES = 0.25;
    /**
     * How far above the cores the mean 1-minute load may sit before the run's timing counts as disturbed: the run's
     * own threads make up the load of a quiet machine (1.75 to 2.13 on 2 cores in bert-spam-optimizers' 15 runs on an
     * otherwise idle machine, 2026-12-06), a second busy process adds about 1 per thread it keeps runnable.
     */
    public static final double OWN_LOAD_MARGIN = 0.5;

    /** Keeps an unmodifiable copy of the metrics map in its order. */
    public RunStatistics {
        finalEvalMetrics = finalEvalMetrics == null
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(finalEvalMetrics));
    }

    /**
     * Computes the statistics of a run on a machine of unknown core count (the load is then not checked against it).
     *
     * @see #compute(RunMetrics, Double, int, Integer)
     */
    public static RunStatistics compute(RunMetrics metrics, Double targetLoss, int throughputWarmupSteps) {
        return compute(metrics, targetLoss, throughputWarmupSteps, null);
    }

    /**
     * Computes the statistics of a run.
     *
     * @param metrics the run's parsed metrics; at least one training line
     * @param targetLoss the recipe's target loss, or null for none
     * @param throughputWarmupSteps training lines left out of {@code tokens_per_s}, the step-time statistics and
     *     {@code seconds_to_target}, at least 0
     * @param cores the machine's cores, or null when unknown
     * @throws IllegalArgumentException without training lines, with negative warm-up, or when the step times of
     *     the throughput window sum to zero
     */
    public static RunStatistics compute(RunMetrics metrics, Double targetLoss, int throughputWarmupSteps,
            Integer cores) {
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
                    double warmupSeconds = throughputWarmupSteps > 0 && i >= throughputWarmupSteps
                            ? steps.get(throughputWarmupSteps - 1).elapsedSeconds() : 0;
                    secondsToTarget = steps.get(i).elapsedSeconds() - warmupSeconds;
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
        double[] stepMillis = measured.stream().mapToDouble(TrainStep::stepMillis).toArray();
        double medianStepMillis = median(stepMillis);
        double meanStepMillis = seconds * 1000.0 / stepMillis.length;
        double squaredDeviations = 0;
        for (double millis : stepMillis) {
            squaredDeviations += (millis - meanStepMillis) * (millis - meanStepMillis);
        }
        double stepTimeCv = Math.sqrt(squaredDeviations / stepMillis.length) / meanStepMillis;
        Double otherCores = measured.stream().allMatch(step -> step.otherCpuMillis() != null)
                ? measured.stream().mapToDouble(TrainStep::otherCpuMillis).sum() / (seconds * 1000.0) : null;
        double[] loads = metrics.evalPoints().stream().map(EvalPoint::load1m).filter(load -> load != null)
                .mapToDouble(Double::doubleValue).toArray();
        Double meanLoad = loads.length == 0 ? null : Arrays.stream(loads).average().orElseThrow();
        boolean disturbed = (otherCores != null && otherCores > MAX_OTHER_CORES)
                || (meanLoad != null && cores != null && meanLoad > cores + OWN_LOAD_MARGIN);

        EvalPoint lastEval = metrics.evalPoints().isEmpty() ? null : metrics.evalPoints().getLast();
        return new RunStatistics(
                n,
                finalLoss,
                stability,
                lastEval == null ? null : lastEval.evalLoss(),
                lastEval == null ? Map.of() : lastEval.metrics(),
                stepsToTarget,
                secondsToTarget,
                stepsToTarget == null ? null : stepsToTarget * medianStepMillis / 1000.0,
                tokens / seconds,
                medianStepMillis,
                stepTimeCv,
                otherCores,
                meanLoad,
                cores,
                disturbed,
                steps.stream().mapToLong(TrainStep::peakRssBytes).max().orElseThrow(),
                steps.stream().mapToLong(TrainStep::optimizerStateBytes).max().orElseThrow(),
                steps.getLast().elapsedSeconds());
    }

    /**
     * The median of {@code values} (the mean of the middle two for an even count): the one definition that the
     * statistics, {@code tune4j bench optimizers}, {@code bench train} and the GPU check use.
     *
     * @throws IllegalArgumentException for no values
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
