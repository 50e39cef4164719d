package dev.tune4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reader does with a malformed row: by default it stops with a {@link DataFormatException} (so that nothing is
 * trained on a half-read file); with {@code skipBadRows} it skips the row, counts it and keeps the first few messages
 * for a warning.
 */
public final class BadRows {
    /** How many messages are kept for the warning. */
    public static final int KEPT_MESSAGES = 5;

    private final boolean skipBadRows;
    private final List<String> messages = new ArrayList<>();
    private int skipped;

    /** Stops at the first bad row ({@code skipBadRows = false}) or skips and counts them. */
    public BadRows(boolean skipBadRows) {
        this.skipBadRows = skipBadRows;
    }

    /** Whether bad rows are skipped. */
    public boolean skipBadRows() {
        return skipBadRows;
    }

    /**
     * Reports a bad row: throws it, or counts it when skipping.
     *
     * @throws DataFormatException unless bad rows are skipped
     */
    public void report(DataFormatException problem) throws DataFormatException {
        if (!skipBadRows) {
            throw problem;
        }
        skipped++;
        if (messages.size() < KEPT_MESSAGES) {
            messages.add(problem.getMessage());
        }
    }

    /** Rows skipped so far. */
    public int skipped() {
        return skipped;
    }

    /** The warning to print when rows were skipped, or an empty string. */
    public String warning() {
        if (skipped == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder("warning: skipped ").append(skipped).append(" malformed row")
                .append(skipped == 1 ? "" : "s").append(" (skipBadRows is set)");
        for (String message : messages) {
            text.append("\n  ").append(message);
        }
        if (skipped > messages.size()) {
            text.append("\n  ...");
        }
        return text.toString();
    }
}
