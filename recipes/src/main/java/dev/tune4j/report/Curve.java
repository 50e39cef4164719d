package dev.tune4j.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A mean curve over seeds with its spread: at each x, the mean and the sample standard deviation (ddof 1; 0 for
 * one seed) of y over the seeds.
 *
 * @param x the x values, increasing
 * @param mean the mean of y at each x
 * @param std the sample standard deviation of y at each x
 */
public record Curve(List<Double> x, List<Double> mean, List<Double> std) {
    /** Checks that the three lists have one entry per point and keeps unmodifiable copies. */
    public Curve {
        x = List.copyOf(x);
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != x.size() || std.size() != x.size()) {
            throw new IllegalArgumentException("x, mean and std differ in length: " + x.size() + ", " + mean.size()
                    + ", " + std.size());
        }
    }

    /**
     * This curve with at most {@code maxPoints} points, for drawing: consecutive points are averaged in equal
     * buckets (x, mean and std each), so a 500,000-step run draws as fast as a short one and its trend is kept.
     * A curve that is short enough is returned as it is.
     */
    public Curve thinned(int maxPoints) {
        int size = x.size();
        if (size <= maxPoints) {
            return this;
        }
        List<Double> xs = new java.util.ArrayList<>(maxPoints);
        List<Double> means = new java.util.ArrayList<>(maxPoints);
        List<Double> stds = new java.util.ArrayList<>(maxPoints);
        for (int bucket = 0; bucket < maxPoints; bucket++) {
            int from = (int) ((long) bucket * size / maxPoints);
            int to = (int) ((long) (bucket + 1) * size / maxPoints);
            xs.add(average(x, from, to));
            means.add(average(mean, from, to));
            stds.add(average(std, from, to));
        }
        return new Curve(xs, means, stds);
    }

    private static double average(List<Double> values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values.get(i);
        }
        return sum / (to - from);
    }

    /** Whether the curve has no points. */
    @JsonIgnore
    public boolean isEmpty() {
        return x.isEmpty();
    }
}
