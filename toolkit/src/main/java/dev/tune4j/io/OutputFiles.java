package dev.tune4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one wording for a failed write: the JDK's {@code No space left on device} or {@code Disk quota exceeded} name
 * neither the file nor the disk, so every writer of run output wraps its {@link IOException} here.
 */
public final class OutputFiles {
    private OutputFiles() {}

    /**
     * An exception naming the absolute path that could not be written, the cause's message and how to go on.
     *
     * @param file the file being written
     * @param cause what the write threw
     */
    public static IOException writeFailure(Path file, IOException cause) {
        return new IOException("cannot write " + file.toAbsolutePath().normalize() + ": " + cause.getMessage()
                + "; free space on that disk, or write elsewhere (recipe key output_dir, or another runs directory)",
                cause);
    }
}
