package dev.tune4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FIFO named like weights used to block {@code SafeTensorsFile.open} forever; it must be refused at once. */
class NonRegularCheckpointFilesTest {
    @TempDir
    Path directory;

    private Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = directory.resolve(name);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo failed");
        return fifo;
    }

    @Test
    void fifoNamedSafetensorsIsRefusedWithoutBlocking() throws Exception {
        Path fifo = fifo("model.safetensors");
        String expected = fifo + ": is not a regular file (a FIFO, socket or device), but a safetensors file must be"
                + " one; tune4j does not read from pipes or devices because they can block forever. Copy the data"
                + " into a file and give that path";
        FileSystemException direct = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(FileSystemException.class, () -> SafeTensorsFile.open(fifo)));
        assertEquals(expected, direct.getMessage());
        FileSystemException throughDirectory = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(FileSystemException.class, () -> Checkpoint.open(directory)));
        assertEquals(expected, throughDirectory.getMessage());
    }
}
