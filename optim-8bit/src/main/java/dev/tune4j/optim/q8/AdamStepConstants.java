package dev.tune4j.optim.q8;

/**
 * The float32 constants of one Adam or AdamW step of one parameter group, as torch computes them: bias corrections
 * in double precision, {@code stepSize = lr / (1 − β1^t)} and {@code biasCorrection2Sqrt = √(1 − β2^t)}.
 *
 * <p>The element update they drive (the same in every kernel, in this order, all in float32):
 * <pre>
 * if g is NaN or ±Inf: m = v = 0, the weight element is left as it is
 * else:
 *   g  = g + weightDecay·θ                  (Adam only: L2 decay, torch's Adam)
 *   m  = β1·m + (1 − β1)·g
 *   v  = β2·v + (1 − β2)·(g·g)
 *   θ  = θ·(1 − lr·weightDecay)             (AdamW only: decoupled decay, torch's AdamW, before the step)
 *   θ  = θ − stepSize·(m / (√v / biasCorrection2Sqrt + eps))
 * </pre>
 *
 * @param beta1 β1
 * @param beta2 β2
 * @param oneMinusBeta1 {@code (float) (1 − β1)}
 * @param oneMinusBeta2 {@code (float) (1 − β2)}
 * @param eps ε, added to the bias-corrected √v
 * @param weightDecay the L2 coefficient added to the gradient (Adam); 0 for AdamW
 * @param decayFactor {@code 1 − lr·weight_decay} for AdamW; 1 for Adam
 * @param decoupled whether the decay is AdamW's decoupled one
 * @param stepSize {@code lr / (1 − β1^t)}
 * @param biasCorrection2Sqrt {@code √(1 − β2^t)}
 */
public record AdamStepConstants(float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float eps,
        float weightDecay, float decayFactor, boolean decoupled, float stepSize, float biasCorrection2Sqrt) {

    /** Checks that the constants are finite and in range. */
    public AdamStepConstants {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0) || !(weightDecay >= 0) || !Float.isFinite(eps) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("eps and weight decay must be finite and >= 0, got " + eps + ", "
                    + weightDecay);
        }
        if (!Float.isFinite(stepSize) || !Float.isFinite(decayFactor) || !(biasCorrection2Sqrt > 0)) {
            throw new IllegalArgumentException("step size " + stepSize + ", decay factor " + decayFactor
                    + " and bias correction " + biasCorrection2Sqrt + " must be finite (and the last > 0)");
        }
    }

    /**
     * The constants of step {@code t} (1 for the first step).
     *
     * @param decoupled true for AdamW (decay {@code θ·(1 − lr·wd)}), false for Adam (L2 {@code g + wd·θ})
     */
    public static AdamStepConstants of(double lr, double beta1, double beta2, double eps, double weightDecay,
            boolean decoupled, long t) {
        if (t < 1) {
            throw new IllegalArgumentException("step number must be >= 1, got " + t);
        }
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        return new AdamStepConstants((float) beta1, (float) beta2, (float) (1 - beta1), (float) (1 - beta2),
                (float) eps, decoupled ? 0f : (float) weightDecay, decoupled ? (float) (1 - lr * weightDecay) : 1f,
                decoupled, (float) (lr / biasCorrection1), (float) Math.sqrt(biasCorrection2));
    }
}
