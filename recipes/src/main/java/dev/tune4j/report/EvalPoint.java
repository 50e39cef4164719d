package dev.tune4j.report;

import java.util.Map;

/**
 * One evaluation line of {@code metrics.jsonl}.
 *
 * @param step optimizer step after which the evaluation ran
 * @param elapsedSeconds training seconds since the run started, evaluation excluded
 * @param evalLoss evaluation loss
 * @param metrics the other {@code eval_<metric>} values of the line under their full keys (e.g.
 *     {@code eval_accuracy}), in the order of the line; never contains {@code eval_loss}
 * @param load1m the machine's 1-minute load average after the evaluation ({@code load_1m}), or null when the line
 *     has none (written before tune4j recorded it, or where {@code /proc/loadavg} was not readable)
 */
public record EvalPoint(int step, double elapsedSeconds, double evalLoss, Map<String, Double> metrics,
        Double load1m) {
    /** Keeps an unmodifiable copy of {@code metrics} in its order. */
    public EvalPoint {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** An evaluation line without a load. */
    public EvalPoint(int step, double elapsedSeconds, double evalLoss, Map<String, Double> metrics) {
        this(step, elapsedSeconds, evalLoss, metrics, null);
    }
}
