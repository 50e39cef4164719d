package dev.tune4j.tuning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The values one optimizer option takes in a variant's tuning trials, in the order they run.
 *
 * @param option the searched option ({@code lr}, {@code weight_decay}, ...)
 * @param values its values, at least two, distinct
 */
public record SearchGrid(String option, List<Double> values) {
    /** The default lr grid spans this factor from its smallest to its largest point. */
    public static final double DEFAULT_SPAN = 30;
    /**
     * A LoRA variant's default grid is centred this factor above its lr: adapters are trained with larger learning
     * rates than full fine-tuning (PEFT's practice).
     */
    public static final double LORA_CENTRE_FACTOR = 3;

    /** Keeps an unmodifiable copy of the values. */
    public SearchGrid {
        values = List.copyOf(values);
    }

    /**
     * The default grid: {@code points} learning rates evenly spaced on a log axis, spanning {@value #DEFAULT_SPAN}x
     * around the centre, i.e. {@code centre * 30^(k/(points-1) - 1/2)} for {@code k = 0 .. points-1} (5 points:
     * centre/√30, centre/30^(1/4), centre, centre·30^(1/4), centre·√30). The centre is the variant's lr, or
     * {@value #LORA_CENTRE_FACTOR}x it for a LoRA variant.
     *
     * @throws IllegalArgumentException when lr is not a finite positive number or points is below 2
     */
    public static SearchGrid defaultLearningRates(double lr, int points, boolean lora) {
        if (!(lr > 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("the default grid needs a finite lr > 0, found " + lr);
        }
        if (points < 2) {
            throw new IllegalArgumentException("a grid needs at least 2 points, found " + points);
        }
        double centre = lora ? LORA_CENTRE_FACTOR * lr : lr;
        List<Double> values = new ArrayList<>();
        for (int k = 0; k < points; k++) {
            values.add(centre * Math.pow(DEFAULT_SPAN, (double) k / (points - 1) - 0.5));
        }
        return new SearchGrid("lr", values);
    }

    /** The trial directory of the value at {@code index}: {@code <option>=<value>}, e.g. {@code lr=0.001}. */
    public String trialName(int index) {
        return option + "=" + values.get(index);
    }

    /** Whether {@code value} is the smallest or the largest of the grid: the best may lie beyond it. */
    public boolean onEdge(double value) {
        return value == Collections.min(values) || value == Collections.max(values);
    }
}
