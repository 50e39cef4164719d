package dev.tune4j.report;

import dev.tune4j.metrics.ByteSize;
import java.util.Locale;

/**
 * How the human-readable report files print numbers: four significant digits for the mean and the same decimals
 * for its standard deviation, binary units for bytes. The CSV and JSON files keep exact values instead.
 */
final class ReportFormat {
    /** Shown where a value does not exist (no completed seed, no evaluation). */
    static final String NONE = "—";

    private ReportFormat() {}

    /** {@code value} with four significant digits, never in exponent notation. */
    static String number(double value) {
        return String.format(Locale.ROOT, "%." + decimals(value) + "f", value);
    }

    /** {@code mean ± std} with the decimals of the mean; just the mean for one seed; {@link #NONE} for null. */
    static String meanStd(SeedSpread spread) {
        if (spread == null) {
            return NONE;
        }
        if (spread.seeds() == 1) {
            return number(spread.mean());
        }
        String pattern = "%." + decimals(spread.mean()) + "f";
        return String.format(Locale.ROOT, pattern + " ± " + pattern, spread.mean(), spread.std());
    }

    /** A byte spread in binary units, e.g. {@code 1.5 MiB ± 12.0 KiB}; no ± part when the std is 0. */
    static String bytes(SeedSpread spread) {
        if (spread == null) {
            return NONE;
        }
        String mean = ByteSize.format(Math.round(spread.mean()));
        return spread.std() == 0 ? mean : mean + " ± " + ByteSize.format(Math.round(spread.std()));
    }

    /** Decimals that give four significant digits, between 0 and 8. */
    private static int decimals(double value) {
        if (value == 0 || !Double.isFinite(value)) {
            return 0;
        }
        int magnitude = (int) Math.floor(Math.log10(Math.abs(value)));
        return Math.clamp(3 - magnitude, 0, 8);
    }
}
