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

    /** Whether the curve has no points. */
    @JsonIgnore
    public boolean isEmpty() {
        return x.isEmpty();
    }
}
