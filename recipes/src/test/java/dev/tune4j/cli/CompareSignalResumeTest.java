package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.run.ComparisonRunner;
import dev.tune4j.runfiles.CheckpointManifest;
import dev.tune4j.runfiles.CheckpointStore;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code tune4j compare} (its own JVM, with a JVM per run) sent SIGTERM while its first run trains: it forwards
 * the signal, the run checkpoints and ends {@code interrupted} with a non-empty {@code run.log}, no other run starts and
 * the comparison exits 143. {@code compare --resume} then resumes that run from its checkpoint, runs the other, and
 * writes the report; a second {@code --resume} keeps both finished runs.
 */
@Tag("slow")
class CompareSignalResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void sigtermStopsTheComparisonAndResumeFinishesIt() throws IOException, InterruptedException {
        Path recipe = ExactResumeTest.recipe(work, 30, 10);
        Path out = work.resolve("runs");
        List<String> overrides = List.of("output_dir=" + out, "variants=" + "[{name: adamw, optimizer: adamw,"
                + " options: {lr: 1.0e-3}}, {name: soaa, optimizer: soaa, options: {lr: 1.0e-3}}]", "lora=null");
        Path adamw = RunLayout.runDirectory(out, "adamw", 1);
        Path soaa = RunLayout.runDirectory(out, "soaa", 1);

        Path firstLog = work.resolve("compare-1.log");
        Process compare = start(recipe, overrides, false, firstLog);
        Path metrics = adamw.resolve(MetricKeys.METRICS_FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() >= 2) && System.nanoTime() < deadline) {
            assertTrue(compare.isAlive(), Files.readString(firstLog));
            Thread.sleep(5);
        }
        compare.destroy(); // SIGTERM to the comparison only; it forwards it
        assertTrue(compare.waitFor(120, TimeUnit.SECONDS));
        String printed = Files.readString(firstLog);
        assertEquals(143, compare.exitValue(), printed);
        assertEquals("interrupted", JSON.readTree(adamw.resolve(MetricKeys.SUMMARY_FILE).toFile()).path("status")
                .asText(), printed);
        List<Path> checkpoints = new CheckpointStore(adamw, 2).all();
        assertFalse(checkpoints.isEmpty(), printed);
        CheckpointManifest.verify(checkpoints.getLast());
        String runLog = Files.readString(adamw.resolve(ComparisonRunner.RUN_LOG));
        assertTrue(runLog.contains("interrupted after step"), runLog);
        assertFalse(Files.exists(soaa), "no run starts after the signal");
        assertTrue(printed.contains("comparison stopped; continue it with"), printed);

        Path secondLog = work.resolve("compare-2.log");
        Process resumed = start(recipe, overrides, true, secondLog);
        assertTrue(resumed.waitFor(300, TimeUnit.SECONDS));
        String resumedText = Files.readString(secondLog);
        assertEquals(0, resumed.exitValue(), resumedText);
        assertTrue(resumedText.contains("resuming from " + checkpoints.getLast()), resumedText);
        for (Path run : List.of(adamw, soaa)) {
            assertEquals("completed", JSON.readTree(run.resolve(MetricKeys.SUMMARY_FILE).toFile()).path("status")
                    .asText());
        }
        assertTrue(Files.exists(out.resolve("report.md")));

        Path thirdLog = work.resolve("compare-3.log");
        Process again = start(recipe, overrides, true, thirdLog);
        assertTrue(again.waitFor(300, TimeUnit.SECONDS));
        String againText = Files.readString(thirdLog);
        assertEquals(0, again.exitValue(), againText);
        assertTrue(againText.contains("adamw (adamw), seed 1: completed earlier, kept")
                && againText.contains("soaa (soaa), seed 1: completed earlier, kept"), againText);
    }

    private static Process start(Path recipe, List<String> overrides, boolean resume, Path log) throws IOException {
        List<String> command = new ArrayList<>(ComparisonRunner.tune4jCommand());
        command.add("compare");
        command.add(recipe.toString());
        command.addAll(overrides);
        if (resume) {
            command.add(ComparisonRunner.RESUME_OPTION);
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
