package dev.tune4j.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A statistic over seeds: the mean and the sample standard deviation (divide by {@code seeds - 1}, ddof 1). With a
 * single seed there is no spread to estimate and the standard deviation is reported as 0.
 *
 * @param mean arithmetic mean over the seeds
 * @param std sample standard deviation (ddof 1); 0 for one seed
 * @param seeds how many seeds the values came from, at least 1
 */
@JsonPropertyOrder({"mean", "std", "seeds"})
public record SeedSpread(
        @JsonProperty("mean") double mean,
        @JsonProperty("std") double std,
        @JsonProperty("seeds") int seeds) {

    /** Checks that there is at least one seed. */
    public SeedSpread {
        if (seeds < 1) {
            throw new IllegalArgumentException("a spread needs at least one seed, got " + seeds);
        }
    }

    /** The spread of {@code values} (one per seed), or null when there are none. */
    public static SeedSpread of(List<? extends Number> values) {
        if (values.isEmpty()) {
            return null;
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(Number::doubleValue).sum() / n;
        if (n == 1) {
            return new SeedSpread(mean, 0, 1);
        }
        double squares = values.stream().mapToDouble(v -> (v.doubleValue() - mean) * (v.doubleValue() - mean)).sum();
        return new SeedSpread(mean, Math.sqrt(squares / (n - 1)), n);
    }
}
