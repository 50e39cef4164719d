package dev.tune4j.optim.adam;

/**
 * The scalars of one Adam/AdamW step for one parameter group, and the per-step constants the kernels derive from
 * them, each rounded to float once so that every kernel (the fused float32 kernel, 8-bit Adam's blockwise kernel) and
 * the scalar twin use the very same numbers. The one home of Adam's step constants.
 *
 * @param lr learning rate of this step (base lr times the schedule's multiplier), {@code > 0}
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param eps added to the bias-corrected root of the second moment, {@code >= 0}
 * @param weightDecay L2 coefficient (Adam) or decoupled decay rate (AdamW), {@code >= 0}
 * @param decoupled true for AdamW ({@code θ *= 1 - lr·wd} before the update), false for Adam ({@code g += wd·θ})
 * @param t the step number, starting at 1
 */
public record AdamStep(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
        long t) {

    /** Validates, including that the float32 constants the kernels use are finite. */
    public AdamStep {
        if (!(lr >= 0) || !Double.isFinite(lr) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)
                || !(eps >= 0) || !Double.isFinite(eps) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)
                || t < 1) {
            throw new IllegalArgumentException("invalid Adam step: lr=" + lr + " betas=(" + beta1 + ", " + beta2
                    + ") eps=" + eps + " weight_decay=" + weightDecay + " t=" + t);
        }
        // the fields are assigned after this body, so the accessors cannot be called here
        float stepSize = stepSize(lr, beta1, t);
        float decayFactor = decayFactor(lr, weightDecay, decoupled);
        float sqrtBiasCorrection2 = sqrtBiasCorrection2(beta2, t);
        if (!Float.isFinite(stepSize) || !Float.isFinite(decayFactor) || !(sqrtBiasCorrection2 > 0)) {
            throw new IllegalArgumentException("Adam step " + t + " with lr=" + lr + " betas=(" + beta1 + ", " + beta2
                    + ") weight_decay=" + weightDecay + " gives step size " + stepSize + ", decay factor "
                    + decayFactor + " and bias correction " + sqrtBiasCorrection2
                    + "; they must be finite in float32 (and the last > 0)");
        }
    }

    /** {@code lr / (1 - β1^t)}: the step size of the bias-corrected first moment. */
    public float stepSize() {
        return stepSize(lr, beta1, t);
    }

    private static float stepSize(double lr, double beta1, long t) {
        return (float) (lr / (1 - Math.pow(beta1, t)));
    }

    /** {@code sqrt(1 - β2^t)}: divides {@code sqrt(v)} to bias-correct it (8-bit Adam's form, as bitsandbytes). */
    public float sqrtBiasCorrection2() {
        return sqrtBiasCorrection2(beta2, t);
    }

    private static float sqrtBiasCorrection2(double beta2, long t) {
        return (float) Math.sqrt(1 - Math.pow(beta2, t));
    }

    /** {@code 1 / sqrt(1 - β2^t)}: multiplies {@code sqrt(v)} to bias-correct it. */
    public float inverseSqrtBiasCorrection2() {
        return (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
    }

    /** The factor AdamW multiplies the weight by before the update, {@code 1 - lr·wd}; 1 for Adam. */
    public float decayFactor() {
        return decayFactor(lr, weightDecay, decoupled);
    }

    private static float decayFactor(double lr, double weightDecay, boolean decoupled) {
        return decoupled ? (float) (1 - lr * weightDecay) : 1f;
    }

    /** The L2 coefficient Adam adds to the gradient, {@code wd}; 0 for AdamW. */
    public float l2() {
        return decoupled ? 0f : (float) weightDecay;
    }

    /** {@code β1} as float. */
    public float beta1Float() {
        return (float) beta1;
    }

    /** {@code 1 - β1} as float. */
    public float oneMinusBeta1() {
        return (float) (1 - beta1);
    }

    /** {@code β2} as float. */
    public float beta2Float() {
        return (float) beta2;
    }

    /** {@code 1 - β2} as float. */
    public float oneMinusBeta2() {
        return (float) (1 - beta2);
    }

    /** {@code eps} as float. */
    public float epsFloat() {
        return (float) eps;
    }
}
