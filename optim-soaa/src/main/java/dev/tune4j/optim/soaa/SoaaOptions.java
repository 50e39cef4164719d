package dev.tune4j.optim.soaa;

import dev.tune4j.optim.Options;
import dev.tune4j.optim.RuleOptions;

/**
 * The options of SOAA for one parameter group. Only {@code lr} and {@code weight_decay} may differ between groups
 * ({@link SoaaFactory#checkGroup}); the others define the single trust region and are read from the optimizer-wide
 * options.
 *
 * @param lr learning rate α, finite and {@code > 0}
 * @param beta1 first-moment and loss-average decay β1 in [0, 1)
 * @param beta2 second-moment decay β2 in [0, 1)
 * @param gamma trust-region parameter γ in (0, 1)
 * @param eps ε, finite and {@code > 0}
 * @param weightDecay λ, decoupled and scaled by lr, finite and {@code >= 0}
 * @param dt0 the trust-region scale dt of the first step, finite and {@code > 0}
 * @param centered {@code fisher_variance: centered} (v̂ is Tadam's centred variance) instead of {@code s_hat}
 * @param sumOfRatios {@code fisher_sum: sum_of_ratios} (R = Σ m̂²/(v̂+ε)) instead of {@code ratio_of_sums}
 */
public record SoaaOptions(double lr, double beta1, double beta2, double gamma, double eps, double weightDecay,
        double dt0, boolean centered, boolean sumOfRatios) implements RuleOptions {

    /** Validates, with the schema's rules. */
    public SoaaOptions {
        if (!(lr > 0) || !Double.isFinite(lr) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)
                || !(gamma > 0 && gamma < 1) || !(eps > 0) || !Double.isFinite(eps) || !(weightDecay >= 0)
                || !Double.isFinite(weightDecay) || !(dt0 > 0) || !Double.isFinite(dt0)) {
            throw new IllegalArgumentException("invalid SOAA options: lr=" + lr + " betas=(" + beta1 + ", " + beta2
                    + ") gamma=" + gamma + " eps=" + eps + " weight_decay=" + weightDecay + " dt0=" + dt0);
        }
    }

    /** The options of a schema parsed by {@link SoaaFactory#schema()}. */
    public static SoaaOptions of(Options parsed) {
        return new SoaaOptions(parsed.number("lr"), parsed.pair("betas", 0), parsed.pair("betas", 1),
                parsed.number("gamma"), parsed.number("eps"), parsed.number("weight_decay"), parsed.number("dt0"),
                parsed.choice("fisher_variance").equals("centered"),
                parsed.choice("fisher_sum").equals("sum_of_ratios"));
    }
}
