package dev.tune4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every statistic of {@link RunStatistics#compute} against values worked out by hand in the comments. */
class RunStatisticsTest {
    private static final double EXACT = 1e-12;

    /**
     * Twelve steps, losses 10, 9, ..., 3 (steps 1-8), 2, 1.5, 1.0, 2.0; elapsed 0.5 s per step; 100 tokens per
     * step; steps 1-2 take 200 ms (warm-up), the others 100 ms; no optimizer state after step 1, 800 bytes after;
     * peak RSS 1000 + 10 * step, except 5000 at step 6. Evaluations after steps 6 and 12.
     */
    private static RunMetrics twelveSteps() {
        double[] losses = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1.5, 1.0, 2.0};
        List<TrainStep> steps = new ArrayList<>();
        for (int step = 1; step <= 12; step++) {
            steps.add(new TrainStep(step, losses[step - 1], 100, 0.5 * step, step <= 2 ? 200 : 100,
                    step == 1 ? 0 : 800, step == 6 ? 5000 : 1000 + 10L * step));
        }
        List<EvalPoint> evals = List.of(
                new EvalPoint(6, 3.0, 3.0, Map.of("eval_accuracy", 0.6)),
                new EvalPoint(12, 6.0, 2.5, orderedMetrics()));
        return new RunMetrics(steps, evals);
    }

    private static Map<String, Double> orderedMetrics() {
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("eval_accuracy", 0.75);
        metrics.put("eval_macro_f1", 0.7);
        return metrics;
    }

    @Test
    void finalLossAndStabilityAreOverTheLastTenthOfStepsRoundedUp() {
        // 12 steps: ceil(1.2) = 2 steps in the window, losses 1.0 and 2.0: mean 1.5, population std 0.5
        RunStatistics stats = RunStatistics.compute(twelveSteps(), null, 2);
        assertEquals(12, stats.stepsCompleted());
        assertEquals(1.5, stats.finalLoss(), EXACT);
        assertEquals(0.5, stats.stability(), EXACT);
    }

    @Test
    void aWindowOfOneStepHasZeroStability() {
        // 3 steps: ceil(0.3) = 1 step, the last
        RunMetrics three = new RunMetrics(twelveSteps().trainSteps().subList(0, 3), List.of());
        RunStatistics stats = RunStatistics.compute(three, null, 0);
        assertEquals(8.0, stats.finalLoss(), EXACT);
        assertEquals(0.0, stats.stability(), EXACT);
    }

    @Test
    void stepsToTargetUseTheTrailingFiveStepMeanAndCountAMeanEqualToTheTarget() {
        // trailing means: 10, 9.5, 9, 8.5, then (10+9+8+7+6)/5 = 8, 7, 6, and at step 8 (7+6+5+4+3)/5 = 5 <= 5
        RunStatistics stats = RunStatistics.compute(twelveSteps(), 5.0, 2);
        assertEquals(8, stats.stepsToTarget());
    }

    @Test
    void secondsToTargetLeaveOutTheWarmUpSteps() {
        // target at step 8 (elapsed 4.0 s); the 2 warm-up steps end at elapsed 1.0 s: 3.0 s after them
        assertEquals(3.0, RunStatistics.compute(twelveSteps(), 5.0, 2).secondsToTarget(), EXACT);
        // without warm-up: the whole 4.0 s
        assertEquals(4.0, RunStatistics.compute(twelveSteps(), 5.0, 0).secondsToTarget(), EXACT);
        // a warm-up of 9 steps outlasts the target at step 8: nothing after it to measure, the whole 4.0 s
        assertEquals(4.0, RunStatistics.compute(twelveSteps(), 5.0, 9).secondsToTarget(), EXACT);
    }

    @Test
    void secondsToTargetAtTheMedianStepAreStepsTimesTheMedianStepTime() {
        // after 2 warm-up steps every step takes 100 ms: 8 steps x 0.1 s
        RunStatistics stats = RunStatistics.compute(twelveSteps(), 5.0, 2);
        assertEquals(100.0, stats.medianStepMillis(), EXACT);
        assertEquals(0.8, stats.secondsToTargetAtMedianStep(), EXACT);
        assertNull(RunStatistics.compute(twelveSteps(), 0.5, 2).secondsToTargetAtMedianStep(), "not reached");
    }

    @Test
    void stepTimeVariationIsOverTheStepsAfterTheWarmUp() {
        // after 2 warm-up steps: ten steps of 100 ms, no variation
        assertEquals(0.0, RunStatistics.compute(twelveSteps(), null, 2).stepTimeCv(), EXACT);
        // with the warm-up: 200, 200 and ten 100 ms; mean 350/3, population variance (2·(250/3)² + 10·(50/3)²)/12
        // = 12500/9, so cv = (50·√5/3) / (350/3) = √5/7 ≈ 0.319 (shown, not a test of disturbance); median 100
        RunStatistics all = RunStatistics.compute(twelveSteps(), null, 0);
        assertEquals(Math.sqrt(5) / 7, all.stepTimeCv(), EXACT);
        assertEquals(100.0, all.medianStepMillis(), EXACT);
        assertFalse(all.timingDisturbed());
        assertFalse(RunStatistics.compute(twelveSteps(), null, 2).timingDisturbed());
    }

    @Test
    void aStepTimeThatQuadruplesOnAQuarterOfTheStepsIsShownButDoesNotDisturbTheTiming() {
        // 100, 100, 100, 400 ms, three times: mean 175, population variance (9·75² + 3·225²)/12 = 16875, so
        // cv = √16875 / 175 ≈ 0.742; no other process took CPU (other_cpu_ms 0): a quiet machine's own spikes
        List<TrainStep> steps = new ArrayList<>();
        for (int step = 1; step <= 12; step++) {
            steps.add(new TrainStep(step, 1.0, 10, step, step % 4 == 0 ? 400 : 100, 8, 8, null, null, null, 0.0));
        }
        RunStatistics stats = RunStatistics.compute(new RunMetrics(steps, List.of()), null, 0);
        assertEquals(Math.sqrt(16875) / 175, stats.stepTimeCv(), EXACT);
        assertEquals(0.0, stats.otherCores(), EXACT);
        assertFalse(stats.timingDisturbed());
    }

    @Test
    void otherProcessesKeepingMoreThanAQuarterCoreBusyDisturbTheTiming() {
        // 12 steps of 100 ms; after 2 warm-up steps the other processes took 30 ms in each of the last ten steps
        // except two, which took 0: 8·30 / (10·100) = 0.24 cores, not above 0.25; with 31 ms: 0.248; with one
        // step of 40 more: (8·31 + 40) / 1000 = 0.288, above. The warm-up steps' 900 ms do not count.
        double[] quiet = {900, 900, 0, 30, 30, 30, 30, 0, 30, 30, 30, 30};
        assertEquals(0.24, statistics(quiet).otherCores(), 1e-12);
        assertFalse(statistics(quiet).timingDisturbed());
        double[] shared = quiet.clone();
        for (int i = 2; i < shared.length; i++) {
            shared[i] = shared[i] == 30 ? 31 : shared[i];
        }
        shared[2] = 40;
        assertEquals(0.288, statistics(shared).otherCores(), 1e-12);
        assertTrue(statistics(shared).timingDisturbed());
        assertNull(RunStatistics.compute(twelveSteps(), null, 2).otherCores(), "lines without other_cpu_ms");
    }

    private static RunStatistics statistics(double[] otherCpuMillis) {
        List<TrainStep> steps = new ArrayList<>();
        for (int step = 1; step <= otherCpuMillis.length; step++) {
            steps.add(new TrainStep(step, 1.0, 10, step, 100, 8, 8, null, null, null, otherCpuMillis[step - 1]));
        }
        return RunStatistics.compute(new RunMetrics(steps, List.of()), null, 2);
    }

    @Test
    void anEvenCountOfStepsHasTheMidpointAsMedian() {
        List<TrainStep> steps = new ArrayList<>();
        double[] millis = {100, 400, 120, 110}; // sorted 100, 110, 120, 400: median (110 + 120) / 2
        for (int step = 1; step <= millis.length; step++) {
            steps.add(new TrainStep(step, 1.0, 10, step, millis[step - 1], 8, 8));
        }
        assertEquals(115.0, RunStatistics.compute(new RunMetrics(steps, List.of()), null, 0).medianStepMillis(),
                EXACT);
    }

    @Test
    void aMeanLoadHalfACoreAboveTheCoresDisturbsTheTiming() {
        // step times vary by nothing after the warm-up; evaluations saw loads 3.0 and 5.0: mean 4.0
        List<EvalPoint> loaded = List.of(new EvalPoint(6, 3.0, 3.0, Map.of(), 3.0),
                new EvalPoint(12, 6.0, 2.5, Map.of(), 5.0));
        RunMetrics metrics = new RunMetrics(twelveSteps().trainSteps(), loaded);
        assertEquals(4.0, RunStatistics.compute(metrics, null, 2, 4).meanLoad1m(), EXACT);
        assertFalse(RunStatistics.compute(metrics, null, 2, 4).timingDisturbed(), "4.0 on 4 cores is not above");
        assertTrue(RunStatistics.compute(metrics, null, 2, 3).timingDisturbed(), "4.0 on 3 cores is above 3.5");
        assertFalse(RunStatistics.compute(new RunMetrics(twelveSteps().trainSteps(), List.of(
                new EvalPoint(6, 3.0, 3.0, Map.of(), 2.4))), null, 2, 2).timingDisturbed(),
                "2.4 on 2 cores: the run's own threads and a little more, not above 2.5");
        assertFalse(RunStatistics.compute(metrics, null, 2, null).timingDisturbed(), "cores unknown: not checked");
        assertEquals(3, RunStatistics.compute(metrics, null, 2, 3).cores());
        assertNull(RunStatistics.compute(twelveSteps(), null, 2, 1).meanLoad1m(), "no load recorded");
        assertFalse(RunStatistics.compute(twelveSteps(), null, 2, 1).timingDisturbed());
    }

    @Test
    void oneLowStepDoesNotReachTheTarget() {
        List<TrainStep> steps = new ArrayList<>();
        double[] losses = {10, 0.1, 10, 10, 10, 10};
        for (int step = 1; step <= losses.length; step++) {
            steps.add(new TrainStep(step, losses[step - 1], 100, step, 1000, 8, 8));
        }
        // step 2's trailing mean is (10 + 0.1) / 2 = 5.05; later ones are higher
        RunStatistics stats = RunStatistics.compute(new RunMetrics(steps, List.of()), 5.0, 0);
        assertNull(stats.stepsToTarget());
        assertNull(stats.secondsToTarget());
        // with target 5.05 the mean at step 2 equals it
        assertEquals(2, RunStatistics.compute(new RunMetrics(steps, List.of()), 5.05, 0).stepsToTarget());
    }

    @Test
    void noTargetOrAnUnreachedTargetGivesNull() {
        assertNull(RunStatistics.compute(twelveSteps(), null, 2).stepsToTarget());
        RunStatistics unreached = RunStatistics.compute(twelveSteps(), 0.5, 2);
        assertNull(unreached.stepsToTarget());
        assertNull(unreached.secondsToTarget());
    }

    @Test
    void tokensPerSecondLeavesOutTheWarmUpSteps() {
        // after 2 warm-up steps: 10 steps x 100 tokens in 10 x 0.1 s = 1000 tokens/s
        assertEquals(1000.0, RunStatistics.compute(twelveSteps(), null, 2).tokensPerSecond(), 1e-9);
        // without warm-up: 1200 tokens in 2 x 0.2 + 10 x 0.1 = 1.4 s
        assertEquals(1200 / 1.4, RunStatistics.compute(twelveSteps(), null, 0).tokensPerSecond(), 1e-9);
        // a warm-up covering every step counts every step
        assertEquals(1200 / 1.4, RunStatistics.compute(twelveSteps(), null, 12).tokensPerSecond(), 1e-9);
    }

    @Test
    void memoryIsTheLargestValueAndTimeTheLastElapsed() {
        RunStatistics stats = RunStatistics.compute(twelveSteps(), null, 2);
        assertEquals(5000, stats.peakRssBytes());
        assertEquals(800, stats.optimizerStateBytes());
        assertEquals(6.0, stats.trainSeconds(), EXACT);
    }

    @Test
    void finalEvaluationIsTheLastEvalLine() {
        RunStatistics stats = RunStatistics.compute(twelveSteps(), null, 2);
        assertEquals(2.5, stats.finalEvalLoss(), EXACT);
        assertEquals(List.of("eval_accuracy", "eval_macro_f1"), List.copyOf(stats.finalEvalMetrics().keySet()));
        assertEquals(0.75, stats.finalEvalMetrics().get("eval_accuracy"), EXACT);

        RunStatistics none = RunStatistics.compute(new RunMetrics(twelveSteps().trainSteps(), List.of()), null, 2);
        assertNull(none.finalEvalLoss());
        assertTrue(none.finalEvalMetrics().isEmpty());
    }

    @Test
    void rejectsARunWithoutStepsAndANegativeWarmUp() {
        assertThrows(IllegalArgumentException.class,
                () -> RunStatistics.compute(new RunMetrics(List.of(), List.of()), null, 0));
        assertThrows(IllegalArgumentException.class, () -> RunStatistics.compute(twelveSteps(), null, -1));
    }

    @Test
    void serializesUnderTheSnakeCaseNamesOfSummaryJsonWithNullsKept() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        RunStatistics stats = RunStatistics.compute(twelveSteps(), 0.5, 2);
        JsonNode json = mapper.valueToTree(stats);
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("steps_completed", "final_loss", "stability", "final_eval_loss", "final_eval_metrics",
                "steps_to_target", "seconds_to_target", "seconds_to_target_at_median_step", "tokens_per_s",
                "median_step_ms", "step_time_cv", "other_cores", "mean_load_1m", "cores", "timing_disturbed",
                "peak_rss_bytes", "optimizer_state_bytes", "train_seconds"), names);
        assertTrue(json.get("steps_to_target").isNull());
        assertEquals(0.75, json.get("final_eval_metrics").get("eval_accuracy").asDouble(), EXACT);
        assertEquals(stats, mapper.treeToValue(json, RunStatistics.class));
    }
}
