package dev.tune4j.runfiles;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be resumed from: one of its files is missing, cut short or altered. */
public final class CheckpointRefusedException extends IOException {
    private final transient Path file;

    /**
     * @param file the file at fault (a checkpoint file, or the manifest)
     * @param reason what is wrong with it
     */
    public CheckpointRefusedException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
