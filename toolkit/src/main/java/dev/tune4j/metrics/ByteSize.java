package dev.tune4j.metrics;

import java.util.Locale;

/** Human-readable byte counts in binary units (KiB, MiB, GiB), as memory reports print them. */
public final class ByteSize {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private ByteSize() {}

    /**
     * Formats a byte count with one decimal in the largest binary unit that keeps the number at least 1, e.g.
     * {@code 1536 -> "1.5 KiB"}; plain bytes stay exact ({@code 512 -> "512 B"}).
     */
    public static String format(long bytes) {
        if (bytes < 0) {
            return "-" + format(-bytes);
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
