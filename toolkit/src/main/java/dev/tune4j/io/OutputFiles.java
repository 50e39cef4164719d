package dev.tune4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one wording for a failed write, and the one home of durable writes: the JDK's {@code No space left on device}
 * or {@code Disk quota exceeded} name neither the file nor the disk, so every writer of run output wraps its
 * {@link IOException} here; a file that must never be seen half-written goes through {@link #writeAtomically}.
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
        boolean denied = cause instanceof AccessDeniedException;
        // a FileSystemException's message repeats the (temporary) file's name; its reason alone says what happened
        String reason = cause instanceof FileSystemException system && system.getReason() != null
                ? system.getReason() : cause.getMessage();
        boolean readOnly = reason != null && reason.startsWith("Read-only file system");
        return new IOException("cannot write " + file.toAbsolutePath().normalize() + ": "
                + (denied ? "permission denied; make that directory writable"
                        : readOnly ? reason + "; make that directory writable" : reason + "; free space on that disk")
                + ", or write elsewhere (recipe key output_dir, or another runs directory)", cause);
    }

    /**
     * Writes {@code text} (UTF-8) as {@code file}: into a temporary file beside it, forced to the disk, then renamed
     * over it, so that {@code file} is either the old content or the whole new one, never empty or torn. On failure
     * the temporary file is removed and the exception names {@code file} ({@link #writeFailure}).
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            force(temporary);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the write's own failure is the one to report
            }
            throw writeFailure(file, e);
        }
    }

    /** Forces a file's content to the disk (fsync). */
    public static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * Forces a directory's entries (created, renamed or deleted files) to the disk, where the platform allows it
     * (Linux and macOS do; on others opening a directory fails and the rename is as durable as the file system
     * makes it).
     */
    public static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // not every platform opens directories; nothing more can be done there
        }
    }
}
