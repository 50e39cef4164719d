package dev.tune4j.io;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A file that should be UTF-8 text holds bytes that are not: usually a binary file given where text was expected.
 * The message names the file, the byte offset and line of the first bad byte, and what the file should have been.
 */
public final class NotUtf8Exception extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    NotUtf8Exception(Path file, long offset, long line, String what) {
        super(file.toString(), null, "is not UTF-8 text: byte " + offset + " (line " + line + ") is not valid"
                + " UTF-8. A " + what + " must be UTF-8 text; is this a binary or differently encoded file?"
                + " Re-save it as UTF-8 or give the right path");
        this.offset = offset;
    }

    /** The 0-based offset of the first byte that is not UTF-8. */
    public long offset() {
        return offset;
    }
}
