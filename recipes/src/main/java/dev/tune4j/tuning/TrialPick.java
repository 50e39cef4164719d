package dev.tune4j.tuning;

import java.util.List;
import java.util.OptionalInt;

/**
 * The rule that picks a variant's setting from its trials: the best objective among the trials that finished with
 * one (lowest for a loss or perplexity, highest for accuracy, F1, exact match); a tie (equal objectives) goes to the
 * smaller value of the searched option, the more conservative step size. Trials without an objective (failed,
 * diverged before evaluating) never win.
 */
public final class TrialPick {
    private TrialPick() {}

    /**
     * The index of the winning trial.
     *
     * @param values the searched option's value of each trial
     * @param objectives each trial's objective, null where it has none (same order as values)
     * @param higherIsBetter whether the objective is better high (accuracy) rather than low (loss)
     * @return the winner's index, empty when no trial has a finite objective
     */
    public static OptionalInt best(List<Double> values, List<Double> objectives, boolean higherIsBetter) {
        if (values.size() != objectives.size()) {
            throw new IllegalArgumentException(values.size() + " values but " + objectives.size() + " objectives");
        }
        int best = -1;
        for (int i = 0; i < values.size(); i++) {
            Double objective = objectives.get(i);
            if (objective == null || !Double.isFinite(objective)) {
                continue;
            }
            if (best < 0) {
                best = i;
                continue;
            }
            double incumbent = objectives.get(best);
            boolean better = higherIsBetter ? objective > incumbent : objective < incumbent;
            if (better || objective == incumbent && values.get(i) < values.get(best)) {
                best = i;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }
}
