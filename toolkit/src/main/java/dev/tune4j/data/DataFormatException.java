package dev.tune4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that does not have the expected shape: names the file, the 1-based line (0 when the problem is not
 * tied to one line) and what was expected, so that the row can be found and fixed.
 */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    /**
     * A problem at {@code file:line}.
     *
     * @param problem what is wrong and what was expected, e.g. "expected a JSON object with a string field 'text'"
     */
    public DataFormatException(Path file, long line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The 1-based line number, 0 when the problem concerns the whole file. */
    public long line() {
        return line;
    }
}
