package dev.tune4j.optim.q8;

import dev.tune4j.optim.adam.AdamStep;
import dev.tune4j.optim.adam.ScalarAdam;

/**
 * Test oracle (written by the project): the whole 8-bit Adam/AdamW step in the plainest scalar code, on Java arrays,
 * element by element, with its own nearest-value search (a linear scan for the first map value ≥ x, then the
 * float32 midpoint, ties to the even code) instead of the kernel's lookup table. The float operations of the element
 * update are written in the order {@link BlockwiseAdamKernel} documents, with the constants of {@link AdamStep}, so
 * results can be compared bit for bit. Tensors with float32 moments take Adam's scalar twin, {@link ScalarAdam}.
 */
final class ScalarAdam8bitTwin {
    private final float[] map1 = DynamicQuantizationMap.signed().values();
    private final float[] map2 = DynamicQuantizationMap.unsigned().values();
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private long t;

    ScalarAdam8bitTwin(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** 8-bit state of one tensor. */
    static final class Quantized {
        final byte[] codes1;
        final byte[] codes2;
        final float[] absmax1;
        final float[] absmax2;
        final int blockSize;

        Quantized(int size, int blockSize) {
            this.blockSize = blockSize;
            codes1 = new byte[size];
            codes2 = new byte[size];
            int blocks = (size + blockSize - 1) / blockSize;
            absmax1 = new float[blocks];
            absmax2 = new float[blocks];
        }
    }

    /** Advances the step counter; call once per optimizer step, before the tensors' updates. */
    void nextStep() {
        t++;
    }

    /** The 8-bit update of one tensor. */
    void step(float[] weight, float[] gradient, Quantized state) {
        int size = weight.length;
        float[] m = new float[size];
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            m[i] = map1[state.codes1[i] & 0xff] * state.absmax1[i / state.blockSize];
            v[i] = map2[state.codes2[i] & 0xff] * state.absmax2[i / state.blockSize];
        }
        updateElements(weight, gradient, m, v);
        for (int b = 0; b < state.absmax1.length; b++) {
            float max1 = 0;
            float max2 = 0;
            for (int i = b * state.blockSize; i < Math.min(size, (b + 1) * state.blockSize); i++) {
                max1 = Math.max(max1, Math.abs(m[i]));
                max2 = Math.max(max2, Math.abs(v[i]));
            }
            state.absmax1[b] = max1;
            state.absmax2[b] = max2;
        }
        for (int i = 0; i < size; i++) {
            float max1 = state.absmax1[i / state.blockSize];
            float max2 = state.absmax2[i / state.blockSize];
            int code1 = max1 == 0 ? 127 : nearest(map1, m[i] / max1);
            if (m[i] < 0 && map1[code1] >= 0) {
                code1--;
            }
            state.codes1[i] = (byte) code1;
            state.codes2[i] = (byte) (max2 == 0 ? 0 : nearest(map2, v[i] / max2));
        }
    }

    /** The float32 update of a tensor that keeps float32 moments: {@code m}, {@code v} in place. */
    void step(float[] weight, float[] gradient, float[] m, float[] v) {
        ScalarAdam.update(weight, gradient, m, v, adamStep(), true);
    }

    private AdamStep adamStep() {
        return new AdamStep(lr, beta1, beta2, eps, weightDecay, decoupled, t);
    }

    /** The 8-bit path's element update on dequantized moments {@code m}, {@code v}, in place. */
    private void updateElements(float[] weight, float[] gradient, float[] m, float[] v) {
        AdamStep step = adamStep();
        float b1 = step.beta1Float();
        float b2 = step.beta2Float();
        float l2 = step.l2();
        float stepSize = step.stepSize();
        float correction2 = step.sqrtBiasCorrection2();
        for (int i = 0; i < weight.length; i++) {
            float g = gradient[i];
            if (Float.isNaN(g) || Float.isInfinite(g)) {
                m[i] = 0;
                v[i] = 0;
                continue;
            }
            float p = weight[i];
            if (l2 != 0) {
                g = g + p * l2;
            }
            m[i] = m[i] * b1 + g * step.oneMinusBeta1();
            v[i] = v[i] * b2 + g * g * step.oneMinusBeta2();
            if (step.decoupled()) {
                p = p * step.decayFactor();
            }
            weight[i] = p - m[i] / ((float) Math.sqrt(v[i]) / correction2 + step.epsFloat()) * stepSize;
        }
    }

    /** Nearest map value to x by a linear scan; ties to the even code. */
    static int nearest(float[] map, float x) {
        int upper = 0;
        while (upper < map.length - 1 && map[upper] < x) {
            upper++;
        }
        if (upper == 0) {
            return 0;
        }
        float midpoint = (map[upper - 1] + map[upper]) * 0.5f;
        if (x < midpoint) {
            return upper - 1;
        }
        if (x > midpoint) {
            return upper;
        }
        return upper % 2 == 0 ? upper : upper - 1;
    }

    /** The dequantized moments of {@code state} ({@code [m, v]}). */
    float[][] dequantize(Quantized state) {
        int size = state.codes1.length;
        float[][] moments = new float[2][size];
        for (int i = 0; i < size; i++) {
            moments[0][i] = map1[state.codes1[i] & 0xff] * state.absmax1[i / state.blockSize];
            moments[1][i] = map2[state.codes2[i] & 0xff] * state.absmax2[i / state.blockSize];
        }
        return moments;
    }
}
