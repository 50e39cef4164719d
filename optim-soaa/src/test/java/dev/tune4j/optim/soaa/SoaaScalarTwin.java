package dev.tune4j.optim.soaa;

import java.util.OptionalDouble;

/**
 * Test oracle (written by the project): SOAA in plain double-precision scalar Java, following the pseudo-code of
 * docs/algorithms.md#soaa-step line by line, with no Vector API, no float32 and no shared code with
 * {@link SoaaRule}. Parameters are {@code double[]} arrays; {@code groupOf[p]} names the group of parameter p,
 * whose learning rate and weight decay are {@code lr[group]} and {@code weightDecay[group]}.
 */
final class SoaaScalarTwin {
    private final double beta1;
    private final double beta2;
    private final double gamma;
    private final double eps;
    private final long totalSteps;
    private final boolean centered;
    private final boolean sumOfRatios;

    private double[][] m;
    private double[][] s;
    private double[][] v;
    long t;
    double dt;
    double lavg;
    double pr;
    double lastRatio;
    double lastFisherFraction;

    SoaaScalarTwin(double beta1, double beta2, double gamma, double eps, double dt0, long totalSteps,
            boolean centered, boolean sumOfRatios) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.gamma = gamma;
        this.eps = eps;
        this.totalSteps = totalSteps;
        this.centered = centered;
        this.sumOfRatios = sumOfRatios;
        this.dt = dt0;
    }

    /** One step: updates {@code theta} in place. */
    void step(double[][] theta, double[][] grad, int[] groupOf, double[] lr, double[] weightDecay,
            OptionalDouble loss) {
        if (m == null) {
            m = new double[theta.length][];
            s = new double[theta.length][];
            v = new double[theta.length][];
            for (int p = 0; p < theta.length; p++) {
                m[p] = new double[theta[p].length];
                s[p] = new double[theta[p].length];
                v[p] = new double[theta[p].length];
            }
        }
        t += 1;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        double[][] mh = new double[theta.length][];
        double[][] sh = new double[theta.length][];
        double[][] vh = new double[theta.length][];
        for (int p = 0; p < theta.length; p++) {
            mh[p] = new double[theta[p].length];
            sh[p] = new double[theta[p].length];
            vh[p] = new double[theta[p].length];
            for (int i = 0; i < theta[p].length; i++) {
                double g = grad[p][i];
                double mhprev = t == 1 ? 0 : m[p][i] / (1 - Math.pow(beta1, t - 1));
                m[p][i] = beta1 * m[p][i] + (1 - beta1) * g;
                s[p][i] = beta2 * s[p][i] + (1 - beta2) * g * g;
                mh[p][i] = m[p][i] / bc1;
                sh[p][i] = s[p][i] / bc2;
                vh[p][i] = sh[p][i];
                if (centered) {
                    double c = (beta2 - Math.pow(beta2, t)) / bc2;
                    v[p][i] = beta2 * v[p][i] + (1 - beta2) * c * (g - mhprev) * (g - mhprev);
                    vh[p][i] = v[p][i] / bc2;
                }
            }
        }
        double r;
        if (sumOfRatios) {
            r = 0;
            for (int p = 0; p < theta.length; p++) {
                for (int i = 0; i < theta[p].length; i++) {
                    r += mh[p][i] * mh[p][i] / (vh[p][i] + eps);
                }
            }
        } else {
            double numerator = 0;
            double denominator = 0;
            for (int p = 0; p < theta.length; p++) {
                for (int i = 0; i < theta[p].length; i++) {
                    numerator += mh[p][i] * mh[p][i];
                    denominator += vh[p][i] + eps;
                }
            }
            r = numerator / denominator;
        }
        double[] gain = new double[lr.length];
        double[] curvature = new double[lr.length];
        long fisherWins = 0;
        long elements = 0;
        for (int p = 0; p < theta.length; p++) {
            int group = groupOf[p];
            for (int i = 0; i < theta[p].length; i++) {
                double fisher = dt * (1 + r) * vh[p][i];
                double d = Math.max(fisher, Math.sqrt(sh[p][i]));
                if (fisher > Math.sqrt(sh[p][i])) {
                    fisherWins++;
                }
                elements++;
                double u = mh[p][i] * dt / (d + eps);
                if (weightDecay[group] != 0) {
                    theta[p][i] = theta[p][i] - lr[group] * weightDecay[group] * theta[p][i];
                }
                theta[p][i] = theta[p][i] - lr[group] * u;
                gain[group] += mh[p][i] * u;
                curvature[group] += vh[p][i] * u * u;
            }
        }
        lastRatio = r;
        lastFisherFraction = fisherWins / (double) elements;
        if (loss.isPresent()) {
            double l = loss.getAsDouble();
            lavg = beta1 * lavg + (1 - beta1) * l;
            double lhat = lavg / (1 - Math.pow(beta1, t));
            double lo = Math.pow(1 - gamma, (t - 1) / (double) totalSteps);
            double hi = 1 + Math.pow(gamma, (t - 1) / (double) totalSteps);
            dt = Math.min(Math.max((lhat - l) / Math.max(pr, eps) * dt, lo), hi);
            pr = 0;
            for (int group = 0; group < lr.length; group++) {
                pr += lr[group] * (gain[group] - 0.5 * curvature[group]);
            }
        }
    }
}
