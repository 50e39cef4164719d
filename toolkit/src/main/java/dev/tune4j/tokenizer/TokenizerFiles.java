package dev.tune4j.tokenizer;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writing a generated tokenizer file into the cache so that it appears whole or not at all. */
final class TokenizerFiles {
    private TokenizerFiles() {}

    /** Writes {@code bytes} to a temporary file beside {@code target}, then moves it into place atomically. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        // a plain new file (not createTempFile, which would make it owner-only readable), unique per process
        Path temporary = target.resolveSibling(
                "." + target.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
        try {
            Files.write(temporary, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + temporary + " atomically to " + target, e);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
