package dev.tune4j.runfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A locked directory refuses a second writer with a message naming the directory and the holder, until released. */
class OutputLockTest {
    @Test
    void aSecondWriterIsRefusedUntilTheFirstReleases(@TempDir Path directory) throws IOException {
        long pid = ProcessHandle.current().pid();
        try (OutputLock first = OutputLock.acquire(directory, "run a seed 1")) {
            assertEquals(pid + "\n", Files.readString(directory.resolve(OutputLock.FILE)));
            IOException refused = assertThrows(IOException.class, () -> OutputLock.acquire(directory, "run b seed 1"));
            assertEquals("cannot start run b seed 1: another tune4j process (process " + pid + ") is writing into "
                    + directory.toAbsolutePath().normalize() + " (it holds tune4j.lock); wait for it to finish or stop"
                    + " it, or write elsewhere (recipe key output_dir)", refused.getMessage());
        }
        try (OutputLock again = OutputLock.acquire(directory, "run b seed 1")) {
            assertEquals(pid + "\n", Files.readString(directory.resolve(OutputLock.FILE)));
        }
    }
}
