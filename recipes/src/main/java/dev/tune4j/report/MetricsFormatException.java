package dev.tune4j.report;

import java.io.IOException;

/** A line of a {@code metrics.jsonl} file that is not what the runner writes; the message starts with file:line. */
public final class MetricsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A problem on one line.
     *
     * @param source the file (or other name) the line came from
     * @param line the 1-based line number
     * @param problem what is wrong with the line
     */
    public MetricsFormatException(String source, long line, String problem) {
        super(source + ":" + line + ": " + problem);
    }
}
