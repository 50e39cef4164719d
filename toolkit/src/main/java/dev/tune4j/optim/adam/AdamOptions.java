package dev.tune4j.optim.adam;

import dev.tune4j.optim.Options;
import dev.tune4j.optim.RuleOptions;

/**
 * The options of Adam and AdamW (and of 8-bit Adam's Adam part) for one parameter group.
 *
 * @param lr learning rate, finite and {@code > 0}
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param eps added to the bias-corrected root of the second moment, finite and {@code >= 0}
 * @param weightDecay L2 coefficient (Adam) or decoupled decay rate (AdamW), finite and {@code >= 0}
 */
public record AdamOptions(double lr, double beta1, double beta2, double eps, double weightDecay)
        implements RuleOptions {

    /** Validates. */
    public AdamOptions {
        if (!(lr > 0) || !Double.isFinite(lr) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)
                || !(eps >= 0) || !Double.isFinite(eps) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("invalid Adam options: lr=" + lr + " betas=(" + beta1 + ", " + beta2
                    + ") eps=" + eps + " weight_decay=" + weightDecay);
        }
    }

    /** The options {@code lr}, {@code betas}, {@code eps} and {@code weight_decay} of a parsed schema. */
    public static AdamOptions of(Options parsed) {
        return new AdamOptions(parsed.number("lr"), parsed.pair("betas", 0), parsed.pair("betas", 1),
                parsed.number("eps"), parsed.number("weight_decay"));
    }

    /** The constants of step {@code t} at learning rate {@code lr} with weight decay {@code weightDecay}. */
    public AdamStep step(double stepLr, double stepWeightDecay, boolean decoupled, long t) {
        return new AdamStep(stepLr, beta1, beta2, eps, stepWeightDecay, decoupled, t);
    }
}
