package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KillHarness} on the project-made tiny BERT. The short form runs in the default suite: one SIGTERM and one
 * SIGKILL during a checkpoint write of AdamW, 3 JVMs, about 13 s on 2 cores. The long form (20 stops per optimizer
 * family, about 10 minutes) runs under the slow profile; {@link ExactResumeTest} does the same resume, in process, for
 * every optimizer id by default.
 */
class KillHarnessTest {
    @TempDir
    Path work;

    @Test
    void adamwStoppedBySigtermAndKilledDuringACheckpointWriteResumesToTheSameWeights()
            throws IOException, InterruptedException {
        long seed = System.nanoTime();
        System.out.println("kill harness seed " + seed);
        KillHarness.Result result = new KillHarness(work, 12, seed).run("adamw", 2);
        System.out.println("kill harness: " + result);
        assertEquals(2, result.kills());
        assertTrue(result.resumes() >= 1, result.toString());
    }

    @Tag("slow")
    @ParameterizedTest
    @ValueSource(strings = {"adamw", "soaa", "adamw8bit", "galore_adamw", "lora_adamw"})
    void twentyStopsPerFamilyEachResumeFromTheNewestValidCheckpoint(String family)
            throws IOException, InterruptedException {
        long seed = System.nanoTime();
        System.out.println("kill harness seed " + seed + " for " + family);
        KillHarness.Result result = new KillHarness(work, 200, seed).run(family, 20);
        System.out.println("kill harness: " + result);
        assertEquals(20, result.kills());
        assertTrue(result.resumes() >= 10, result.toString());
    }
}
