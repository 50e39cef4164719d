package dev.tune4j.report;

import java.io.IOException;

/** A runs directory a report cannot be made from: no runs, or a file that is not what the runner writes. */
public final class ReportException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A problem described by {@code message}, which names the file or directory. */
    public ReportException(String message) {
        super(message);
    }

    /** A problem described by {@code message}, caused by {@code cause}. */
    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
