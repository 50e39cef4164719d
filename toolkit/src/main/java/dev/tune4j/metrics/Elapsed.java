package dev.tune4j.metrics;

import java.util.Locale;

/**
 * Wall-clock durations as progress lines print them: {@code "0.4 s"}, {@code "12.3 s"}, {@code "1 min 52 s"},
 * {@code "2 h 05 min"}. Fetches, imports and the launcher's build say how long they took in this form.
 */
public final class Elapsed {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Elapsed() {}

    /** The time since {@code startNanos}, a {@link System#nanoTime()} reading. */
    public static String since(long startNanos) {
        return format(System.nanoTime() - startNanos);
    }

    /**
     * Formats {@code nanos}: below a minute in seconds with one decimal, below an hour in whole minutes and seconds,
     * else in hours and minutes. Negative durations (a clock that went backwards) read as zero.
     */
    public static String format(long nanos) {
        long clamped = Math.max(0, nanos);
        if (clamped < 60 * NANOS_PER_SECOND - NANOS_PER_SECOND / 20) { // 59.95 s and more round to "1 min 0 s"
            return String.format(Locale.ROOT, "%.1f s", clamped / (double) NANOS_PER_SECOND);
        }
        long seconds = Math.round(clamped / (double) NANOS_PER_SECOND);
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        long minutes = Math.round(seconds / 60.0);
        return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
    }
}
