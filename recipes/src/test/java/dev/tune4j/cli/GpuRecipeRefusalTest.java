package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU recipe on this machine, whose libtorch is the bundled CPU build: validate warns and passes, run and compare
 * stop before anything is fetched, written or trained, each saying what asked for the GPU, why none is usable and what
 * to do.
 */
class GpuRecipeRefusalTest {
    private static final String WHY = "needs a GPU, and none is usable here: the libtorch DJL loaded is a CPU-only"
            + " build (the pytorch-native-cpu jar on the class path";
    private static final String FIX = "start tune4j with PYTORCH_LIBRARY_PATH=<its lib directory> PYTORCH_FLAVOR=cu128"
            + " (README, 'GPU'); or set device: cpu";

    @TempDir
    Path directory;

    @Test
    void runStopsBeforeTrainingAndWritesNothing() {
        Path out = directory.resolve("out");
        CliRun result = CliRun.of("run", "bert-base-imdb", "output_dir=" + out);
        assertEquals(1, result.exitCode(), result.err());
        String last = result.err().lines().reduce((first, second) -> second).orElseThrow();
        assertTrue(last.startsWith("tune4j run: recipe 'bert-base-imdb' (device: gpu) " + WHY), last);
        assertTrue(last.endsWith(FIX), last);
        assertFalse(Files.exists(out), "nothing written");
        assertEquals("", result.out());
    }

    @Test
    void compareStopsBeforeTrainingAndWritesNothing() {
        Path out = directory.resolve("out");
        CliRun result = CliRun.of("compare", "bert-base-squad", "output_dir=" + out);
        assertEquals(1, result.exitCode(), result.err());
        String last = result.err().lines().reduce((first, second) -> second).orElseThrow();
        assertTrue(last.startsWith("tune4j compare: recipe 'bert-base-squad' (device: gpu) " + WHY), last);
        assertTrue(last.endsWith(FIX), last);
        assertFalse(Files.exists(out), "nothing written");
    }
}
