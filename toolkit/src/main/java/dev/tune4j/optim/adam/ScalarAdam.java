package dev.tune4j.optim.adam;

/**
 * The scalar twin of {@link FusedAdamKernel}, the test oracle: plain loops over {@code float[]}, no Vector API, the
 * same float operations in the same order (see the kernel's formula), so correct kernels match it bit for bit.
 *
 * <p>{@link #updateDjl} is the formula of DJL's native {@code adamUpdate} (what {@code adam_engine} and
 * {@code adamw_engine} run), which differs from PyTorch's in where eps goes; see {@link EngineAdamRule}.
 */
public final class ScalarAdam {
    private ScalarAdam() {}

    /** One PyTorch-semantics Adam/AdamW step over all elements, in place. */
    public static void update(float[] weight, float[] gradient, float[] m, float[] v, AdamStep step) {
        update(weight, gradient, m, v, step, false);
    }

    /**
     * One PyTorch-semantics Adam/AdamW step over all elements, in place; with {@code skipNonFinite}, an element whose
     * gradient is NaN or ±Inf keeps its weight and gets {@code m = v = 0} (8-bit Adam's float32 tensors).
     */
    public static void update(float[] weight, float[] gradient, float[] m, float[] v, AdamStep step,
            boolean skipNonFinite) {
        update(weight, gradient, m, v, step, 1f, skipNonFinite);
    }

    /**
     * As {@link #update(float[], float[], float[], float[], AdamStep, boolean)}, each gradient element multiplied by
     * {@code gradientScale} (in float) first, as gradient clipping does.
     */
    public static void update(float[] weight, float[] gradient, float[] m, float[] v, AdamStep step,
            float gradientScale, boolean skipNonFinite) {
        float l2 = step.l2();
        float decay = step.decayFactor();
        float beta1 = step.beta1Float();
        float oneMinusBeta1 = step.oneMinusBeta1();
        float beta2 = step.beta2Float();
        float oneMinusBeta2 = step.oneMinusBeta2();
        float inverseSqrtBc2 = step.inverseSqrtBiasCorrection2();
        float eps = step.epsFloat();
        float negativeStepSize = -step.stepSize();
        for (int i = 0; i < weight.length; i++) {
            float scaled = gradient[i] * gradientScale;
            if (skipNonFinite && !Float.isFinite(scaled)) {
                m[i] = 0;
                v[i] = 0;
                continue;
            }
            float theta = weight[i];
            float g = Math.fma(l2, theta, scaled);
            theta = theta * decay;
            float mi = Math.fma(oneMinusBeta1, g, beta1 * m[i]);
            float vi = Math.fma(oneMinusBeta2, g * g, beta2 * v[i]);
            float denom = Math.fma((float) Math.sqrt(vi), inverseSqrtBc2, eps);
            weight[i] = Math.fma(negativeStepSize, mi / denom, theta);
            m[i] = mi;
            v[i] = vi;
        }
    }

    /**
     * One step of DJL's native formula, in double: Adam {@code g += wd·θ} or AdamW {@code θ -= lr·wd·θ}; the moments as
     * in PyTorch; then {@code θ -= lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + eps)} (eps not bias-corrected).
     */
    public static void updateDjl(float[] weight, float[] gradient, float[] m, float[] v, AdamStep step) {
        double lr = step.lr();
        double correctedLr = lr * Math.sqrt(1 - Math.pow(step.beta2(), step.t())) / (1 - Math.pow(step.beta1(), step.t()));
        for (int i = 0; i < weight.length; i++) {
            double theta = weight[i];
            double g = gradient[i];
            if (step.decoupled()) {
                theta -= theta * lr * step.weightDecay();
            } else {
                g += step.weightDecay() * theta;
            }
            double mi = step.beta1() * m[i] + (1 - step.beta1()) * g;
            double vi = step.beta2() * v[i] + (1 - step.beta2()) * g * g;
            m[i] = (float) mi;
            v[i] = (float) vi;
            weight[i] = (float) (theta - correctedLr * m[i] / (Math.sqrt(v[i]) + step.eps()));
        }
    }
}
