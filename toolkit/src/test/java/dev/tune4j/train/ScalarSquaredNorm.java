package dev.tune4j.train;

/**
 * The plain scalar twin of {@link SquaredNormKernel}: the same additions in the same order, without the Vector API
 * or threads (the kernel's test oracle).
 */
final class ScalarSquaredNorm {
    private ScalarSquaredNorm() {}

    /** Σ g² of {@code values}, in the kernel's order for accumulators of {@code lanes} lanes. */
    static double sumOfSquares(float[] values, int lanes) {
        double sum = 0;
        for (long from = 0; from < values.length; from += SquaredNormKernel.TASK_ELEMENTS) {
            long to = Math.min(values.length, from + SquaredNormKernel.TASK_ELEMENTS);
            sum += taskSum(values, (int) from, (int) to, lanes);
        }
        return sum;
    }

    private static double taskSum(float[] values, int from, int to, int lanes) {
        int step = 2 * lanes;
        int vectorEnd = from + (to - from) / step * step;
        double[] first = new double[lanes];
        double[] second = new double[lanes];
        for (int i = from; i < vectorEnd; i += step) {
            for (int lane = 0; lane < lanes; lane++) {
                double a = values[i + lane];
                double b = values[i + lanes + lane];
                first[lane] += a * a;
                second[lane] += b * b;
            }
        }
        double sum = 0;
        for (int lane = 0; lane < lanes; lane++) {
            sum += first[lane] + second[lane];
        }
        for (int i = vectorEnd; i < to; i++) {
            double g = values[i];
            sum += g * g;
        }
        return sum;
    }
}
