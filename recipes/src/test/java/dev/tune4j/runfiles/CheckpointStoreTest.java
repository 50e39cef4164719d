package dev.tune4j.runfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints written through {@link CheckpointStore}: named by step, pruned to the newest K only after a complete
 * write, refused when a file is cut short, altered or the manifest is missing (naming the file), with the fallback to
 * the previous valid one said; a failed write leaves nothing and names the checkpoint.
 */
class CheckpointStoreTest {
    @TempDir
    Path run;

    private static CheckpointStore.Contents files(String weights, String state) {
        return directory -> {
            Files.createDirectories(directory.resolve("model"));
            Files.writeString(directory.resolve("model/weights.bin"), weights);
            Files.writeString(directory.resolve("trainer_state.json"), state);
        };
    }

    @Test
    void keepsTheNewestAndNamesThemBySixDigitSteps() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 2);
        for (long step : new long[] {5, 10, 15}) {
            store.write(step, files("w" + step, "s" + step));
        }
        assertEquals(List.of(run.resolve("checkpoints/step-000010"), run.resolve("checkpoints/step-000015")),
                store.all());
        assertEquals("w15", Files.readString(run.resolve("checkpoints/step-000015/model/weights.bin")));
        StringWriter log = new StringWriter();
        assertEquals(Optional.of(store.stepDirectory(15)), store.latestValid(new PrintWriter(log)));
        assertEquals("", log.toString());
    }

    @Test
    void aTruncatedFileIsRefusedByNameAndTheResumeFallsBack() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 3);
        store.write(1, files("first weights", "1"));
        store.write(2, files("second weights", "2"));
        Path weights = store.stepDirectory(2).resolve("model/weights.bin");
        Files.writeString(weights, "second");
        StringWriter log = new StringWriter();
        assertEquals(Optional.of(store.stepDirectory(1)), store.latestValid(new PrintWriter(log)));
        assertEquals("tune4j: refusing checkpoint " + store.stepDirectory(2) + ": " + weights + ": 6 bytes, but the"
                + " manifest says 14 (truncated)\ntune4j: falling back to the previous valid checkpoint "
                + store.stepDirectory(1) + "\n", log.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void anAlteredByteAndAMissingManifestAreRefused() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 3);
        store.write(1, files("abc", "1"));
        store.write(2, files("abc", "2"));
        Path state = store.stepDirectory(2).resolve("trainer_state.json");
        Files.writeString(state, "3"); // same size, other content
        CheckpointRefusedException altered = assertThrows(CheckpointRefusedException.class,
                () -> CheckpointManifest.verify(store.stepDirectory(2)));
        assertEquals(state + ": its SHA-256 differs from the manifest's (the file was altered after the checkpoint"
                + " was written)", altered.getMessage());
        Files.delete(store.stepDirectory(1).resolve(CheckpointManifest.FILE));
        CheckpointRefusedException unfinished = assertThrows(CheckpointRefusedException.class,
                () -> CheckpointManifest.verify(store.stepDirectory(1)));
        assertEquals(store.stepDirectory(1).resolve(CheckpointManifest.FILE) + ": missing: the checkpoint was not"
                + " finished", unfinished.getMessage());
        assertEquals(Optional.empty(), store.latestValid(new PrintWriter(new StringWriter())));
    }

    @Test
    void aFailedWriteLeavesNothingAndKeepsThePrevious() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 1);
        store.write(1, files("one", "1"));
        IOException failed = assertThrows(IOException.class, () -> store.write(2, directory -> {
            Files.writeString(directory.resolve("partial.bin"), "half");
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write checkpoint " + store.stepDirectory(2).toAbsolutePath() + ": No space left on device;"
                + " the previous checkpoint " + store.stepDirectory(1) + " is intact", failed.getMessage());
        assertEquals(List.of(store.stepDirectory(1)), store.all());
        try (var entries = Files.list(run.resolve(CheckpointStore.DIRECTORY))) {
            assertEquals(List.of(store.stepDirectory(1)), entries.toList(), "no temporary directory left");
        }
        CheckpointManifest.verify(store.stepDirectory(1));
    }

    @Test
    void temporaryDirectoriesLeftByAKillAreRemovedByTheNextWrite() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 2);
        Path leftOver = Files.createDirectories(run.resolve("checkpoints/.step-000004.tmp/model"));
        Files.writeString(leftOver.resolve("weights.bin"), "torn");
        Path deleting = Files.createDirectories(run.resolve("checkpoints/.step-000001.deleting/model"));
        store.write(4, files("four", "4"));
        assertFalse(Files.exists(leftOver.getParent()));
        assertFalse(Files.exists(deleting.getParent()), "a deletion cut short by a kill is finished");
        assertTrue(Files.isDirectory(store.stepDirectory(4)));
        assertEquals(4, CheckpointStore.stepOf(store.stepDirectory(4)));
    }
}
