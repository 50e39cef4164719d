package dev.tune4j.report;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Welch's two-sided t-test of two independent samples with unequal variances (commons-math's {@link TTest}): the
 * statistic {@code t = (mean1 - mean2) / sqrt(var1/n1 + var2/n2)} with sample variances (ddof 1), the
 * Welch–Satterthwaite degrees of freedom, and the two-sided p-value of the t distribution with those degrees.
 *
 * <p>When neither sample varies (each the same value in every seed, as optimizer-state bytes are)
 * there is no sampling error to test against: the difference is exact, {@code p} is 0 when the means differ and 1
 * when they are equal, and {@link #exact()} is true.
 *
 * @param t the statistic (first minus second); NaN for an exact comparison
 * @param degreesOfFreedom the Welch–Satterthwaite degrees of freedom; NaN for an exact comparison
 * @param p the two-sided p-value
 */
record WelchTest(double t, double degreesOfFreedom, double p) {
    /** The smallest p-value the report prints as a number; smaller ones read {@code < 0.0001}. */
    static final double SMALLEST_PRINTED_P = 1e-4;

    /**
     * Tests {@code first} against {@code second}.
     *
     * @throws IllegalArgumentException when either sample has fewer than 2 values
     */
    static WelchTest of(double[] first, double[] second) {
        if (first.length < 2 || second.length < 2) {
            throw new IllegalArgumentException("Welch's t-test needs at least 2 values per sample, got "
                    + first.length + " and " + second.length);
        }
        WelchDegrees test = new WelchDegrees();
        if (constant(first) && constant(second)) {
            return new WelchTest(Double.NaN, Double.NaN, first[0] == second[0] ? 1 : 0);
        }
        return new WelchTest(test.t(first, second), test.degrees(StatUtils.variance(first),
                StatUtils.variance(second), first.length, second.length), test.tTest(first, second));
    }

    /** Whether neither sample varied, so the difference is exact rather than tested. */
    boolean exact() {
        return Double.isNaN(t);
    }

    /**
     * A p-value as the report prints it: three significant digits, never in exponent notation ({@code 0.0412},
     * {@code 1.00}), and {@code < 0.0001} below {@value #SMALLEST_PRINTED_P}.
     */
    static String formatP(double p) {
        if (p < SMALLEST_PRINTED_P) {
            return "< 0.0001";
        }
        int magnitude = (int) Math.floor(Math.log10(p));
        return String.format(Locale.ROOT, "%." + Math.max(2, 2 - magnitude) + "f", p);
    }

    /** {@code p = 0.0412} or {@code p < 0.0001}, as {@link #formatP} prints it. */
    static String pClause(double p) {
        String text = formatP(p);
        return text.startsWith("<") ? "p " + text : "p = " + text;
    }

    /** {@code t = 3.20, df = 3.9, p = 0.0331}, or {@code exact: no spread over seeds}. */
    String describe() {
        if (exact()) {
            return "exact: no spread over seeds";
        }
        return String.format(Locale.ROOT, "t = %.2f, df = %.1f, %s", t, degreesOfFreedom, pClause(p));
    }

    private static boolean constant(double[] values) {
        return Arrays.stream(values).allMatch(value -> value == values[0]);
    }

    /** Opens commons-math's Welch–Satterthwaite degrees of freedom, which {@link TTest} keeps protected. */
    private static final class WelchDegrees extends TTest {
        double degrees(double variance1, double variance2, int n1, int n2) {
            return df(variance1, variance2, n1, n2);
        }
    }
}
