package dev.tune4j.report;

import java.math.BigDecimal;

/** Numbers for the machine-readable files (CSV): the shortest exact decimal of a double, never in exponent form. */
final class ExactNumbers {
    private ExactNumbers() {}

    /** {@code 2.3333333333333335}, {@code 1048576} (not {@code 1048576.0} or {@code 1.048576E6}). */
    static String plain(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        String text = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        return text.equals("-0") ? "0" : text;
    }
}
