package dev.tune4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that is not valid safetensors, or a checkpoint directory tune4j cannot read; the message names
 * the file and, where one is involved, the tensor.
 */
public final class SafeTensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong and, where possible, how to fix it
     */
    public SafeTensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * Creates the exception for a problem with one tensor.
     *
     * @param file the offending file
     * @param tensor the tensor's name in the header
     * @param problem what is wrong with it
     */
    public SafeTensorsFormatException(Path file, String tensor, String problem) {
        this(file, "tensor '" + tensor + "': " + problem);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the offending file
     * @param problem what is wrong
     * @param cause the underlying parser or I/O error
     */
    public SafeTensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
