package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.run.ComparisonRunner;
import dev.tune4j.run.RecipeRunner;
import dev.tune4j.run.RunControl;
import dev.tune4j.run.TaskData;
import dev.tune4j.runfiles.CheckpointManifest;
import dev.tune4j.runfiles.CheckpointStore;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kills real {@code tune4j run} processes (each its own JVM, started as {@code compare} starts its runs) and resumes
 * them: the first stop is SIGTERM (the run must checkpoint, say {@code interrupted} and exit 143), the others SIGKILL,
 * every second one (the 2nd, 4th, ...) as soon as a checkpoint's temporary directory appears (a kill during the
 * write), the rest once the run has trained a random number of steps past its checkpoint plus a random 0-40 ms. After
 * every kill each checkpoint directory must verify (a kill never leaves a torn one), the next run must resume from the
 * newest of them (its own output says which), and the run that finally completes must end with the weights and
 * optimizer state of an uninterrupted run of the same recipe in this process, bit for bit. In a long run (100 steps
 * or more) a second {@code tune4j run} into the same directory while the child trains is refused, naming the holder.
 */
final class KillHarness {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESUMED = Pattern.compile("resuming from (\\S+) \\(step (\\d+)\\)");
    private static final Pattern TRAIN_STEP = Pattern.compile("^\\{\"type\":\"train\",\"step\":(\\d+)");
    private static final long CHILD_TIMEOUT_S = 180;

    private final Path work;
    private final Path recipeFile;
    private final int steps;
    private final Random random;

    /** What a harness run did, for the test's report line. */
    record Result(String family, int kills, int killsDuringCheckpointWrites, int resumes) {}

    /**
     * @param work an empty directory
     * @param steps steps of the run that is killed; enough for every kill to land before the end
     * @param seed the seed of the random kill moments (printed, so a failure can be replayed)
     */
    KillHarness(Path work, int steps, long seed) throws IOException {
        this.work = work;
        this.recipeFile = ExactResumeTest.recipe(work, steps, 10);
        this.steps = steps;
        this.random = new Random(seed);
    }

    /** Kills the variant {@code family} {@code kills} times (the first with SIGTERM), resumes, and checks the end. */
    Result run(String family, int kills) throws IOException, InterruptedException {
        Path killed = work.resolve("killed-" + family);
        Path runDirectory = RunLayout.runDirectory(killed, family, 1);
        CheckpointStore store = new CheckpointStore(runDirectory, 2);
        int duringWrites = 0;
        int resumes = 0;
        for (int kill = 0; kill < kills; kill++) {
            long expectedStart = newestValidStep(store);
            Path output = work.resolve(family + "-child-" + kill + ".log");
            Set<Object> leftOver = temporaryCheckpoints(store); // an earlier kill's, until the next write
            long stale = lastTrainStep(runDirectory); // lines a killed run wrote after its last checkpoint
            Process child = start(family, killed, kill > 0, output);
            boolean duringWrite = kill % 2 == 1;
            if (kill == 0) {
                waitForTrainStep(child, runDirectory, 2);
                child.destroy(); // SIGTERM
                assertTrue(child.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS), "SIGTERM did not stop the run");
                assertEquals(143, child.exitValue(), Files.readString(output));
                var summary = JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile());
                assertEquals(RunStatus.INTERRUPTED.jsonName(), summary.path("status").asText(), summary.toString());
                long stopped = summary.path("steps_completed").asLong();
                assertEquals(stopped, newestValidStep(store), "SIGTERM writes a checkpoint at the step it stops");
            } else if (duringWrite) {
                Path temporary = waitForTemporaryCheckpoint(child, store, output, leftOver);
                child.destroyForcibly(); // SIGKILL
                child.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS);
                if (temporary != null && Files.exists(temporary)) {
                    duringWrites++;
                }
            } else {
                if (kill == 2 && steps >= 100) { // long enough that the run is still going after this check
                    waitForTrainStep(child, runDirectory, stale + 1); // a step of its own: it holds the lock
                    assertSecondRunRefused(family, killed);
                }
                waitForTrainStep(child, runDirectory, Math.max(stale, expectedStart) + 1 + random.nextInt(3));
                Thread.sleep(random.nextInt(41));
                child.destroyForcibly();
                child.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS);
            }
            assertEveryCheckpointVerifies(store);
            if (kill > 0) {
                resumes += assertResumedFrom(output, expectedStart);
            }
        }
        long expectedStart = newestValidStep(store);
        Path output = work.resolve(family + "-child-final.log");
        Process last = start(family, killed, true, output);
        assertTrue(last.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS), "the last resume did not finish");
        assertEquals(0, last.exitValue(), Files.readString(output));
        resumes += assertResumedFrom(output, expectedStart);
        assertEquals(RunStatus.COMPLETED.jsonName(), JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE)
                .toFile()).path("status").asText());
        assertSameAsUninterrupted(family, runDirectory);
        return new Result(family, kills, duringWrites, resumes);
    }

    private Process start(String family, Path outputDir, boolean resume, Path output) throws IOException {
        List<String> command = new ArrayList<>(ComparisonRunner.tune4jCommand());
        command.addAll(List.of("run", recipeFile.toString(), "--variant", family, "--seed", "1",
                "output_dir=" + outputDir));
        if (resume) {
            command.add(ComparisonRunner.RESUME_OPTION);
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** A second run into the same run directory, while the child holds it, is refused naming the directory. */
    private void assertSecondRunRefused(String family, Path outputDir) {
        CliRun second = CliRun.of("run", recipeFile.toString(), "--variant", family, "--seed", "1",
                "output_dir=" + outputDir);
        assertEquals(Tune4jCommand.EXIT_FAILURE, second.exitCode(), second.out());
        assertTrue(second.err().contains("another tune4j process (process ") && second.err().contains("is writing"
                + " into " + RunLayout.runDirectory(outputDir, family, 1).toAbsolutePath()), second.err());
    }

    /**
     * Waits until the metrics file has a train line for {@code step} or later (the caller picks a step past every
     * line an earlier, killed run left, so the line is this child's), or the child has ended.
     */
    private static void waitForTrainStep(Process child, Path runDirectory, long step)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                return; // it finished or failed first: the checks after the kill say which
            }
            if (lastTrainStep(runDirectory) >= step) {
                return;
            }
            Thread.sleep(2);
        }
        fail("the run did not reach step " + step);
    }

    /** The highest step of a train line in the run's metrics file, 0 when there is none. */
    private static long lastTrainStep(Path runDirectory) throws IOException {
        Path metrics = runDirectory.resolve(MetricKeys.METRICS_FILE);
        if (!Files.exists(metrics)) {
            return 0;
        }
        long last = 0;
        for (String line : Files.readAllLines(metrics)) {
            Matcher step = TRAIN_STEP.matcher(line);
            if (step.find()) {
                last = Math.max(last, Long.parseLong(step.group(1)));
            }
        }
        return last;
    }

    /** The file keys (device and inode) of the checkpoints' temporary directories there are now. */
    private static Set<Object> temporaryCheckpoints(CheckpointStore store) throws IOException {
        Set<Object> keys = new HashSet<>();
        Path checkpoints = store.stepDirectory(0).getParent();
        if (Files.isDirectory(checkpoints)) {
            try (Stream<Path> entries = Files.list(checkpoints)) {
                for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(".step-")).toList()) {
                    keys.add(Files.readAttributes(entry, BasicFileAttributes.class)
                            .fileKey());
                }
            }
        }
        return keys;
    }

    /**
     * Polls for a checkpoint's temporary directory that this child created (not one in {@code leftOver}); null when
     * the run ended first.
     */
    private static Path waitForTemporaryCheckpoint(Process child, CheckpointStore store, Path output,
            Set<Object> leftOver) throws IOException, InterruptedException {
        Path checkpoints = store.stepDirectory(0).getParent();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_S);
        while (child.isAlive() && System.nanoTime() < deadline) {
            if (Files.isDirectory(checkpoints)) {
                try (Stream<Path> entries = Files.list(checkpoints)) {
                    for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(".step-")).toList()) {
                        Object key = Files.readAttributes(entry, BasicFileAttributes.class)
                                .fileKey();
                        if (!leftOver.contains(key)) {
                            return entry;
                        }
                    }
                } catch (UncheckedIOException | NoSuchFileException racing) {
                    // renamed while listed: poll again
                }
            }
            Thread.onSpinWait();
        }
        if (child.isAlive()) {
            fail("no checkpoint write seen; output: " + Files.readString(output));
        }
        return null;
    }

    private static long newestValidStep(CheckpointStore store) throws IOException {
        long newest = 0;
        for (Path checkpoint : store.all()) {
            try {
                CheckpointManifest.verify(checkpoint);
                newest = Math.max(newest, CheckpointStore.stepOf(checkpoint));
            } catch (IOException refused) {
                // an older, damaged one: not a candidate
            }
        }
        return newest;
    }

    private static void assertEveryCheckpointVerifies(CheckpointStore store) throws IOException {
        for (Path checkpoint : store.all()) {
            CheckpointManifest.verify(checkpoint); // throws naming the torn file
        }
    }

    /** 1 when the child's output shows it resumed from {@code step} (0: it says it started over), else fails. */
    private static int assertResumedFrom(Path output, long step) throws IOException {
        String text = Files.readString(output);
        Matcher matcher = RESUMED.matcher(text);
        if (matcher.find()) {
            assertEquals(step, Long.parseLong(matcher.group(2)), text);
            return 1;
        }
        if (text.contains("no valid checkpoint")) {
            assertEquals(0, step, text);
            return 1;
        }
        assertTrue(!text.contains("failed"), text);
        return 0; // killed before it said where it resumed from
    }

    /** Compares the final checkpoint and metrics with an uninterrupted run of the same recipe in this process. */
    private void assertSameAsUninterrupted(String family, Path runDirectory) throws IOException {
        Path reference = work.resolve("uninterrupted");
        LoadedRecipe loaded = RecipeLoader.loadWithWarnings(recipeFile.toString(),
                List.of("output_dir=" + reference));
        VariantSpec variant = loaded.recipe().variant(family).orElseThrow();
        TaskData data = TaskData.prepare(loaded.recipe(), new PrintWriter(Writer.nullWriter()));
        String config = RecipeWriter.toYaml(loaded.recipe().withOnly(family, 1)); // differs in output_dir alone
        RecipeRunner.Outcome outcome = new RecipeRunner(loaded.recipe(), data, reference,
                new PrintWriter(Writer.nullWriter())).run(variant, loaded.optimizer(variant), 1, config,
                RunControl.FRESH);
        assertEquals(RunStatus.COMPLETED, outcome.status());
        Path expected = new CheckpointStore(outcome.directory(), 2).stepDirectory(steps);
        Path actual = new CheckpointStore(runDirectory, 2).stepDirectory(steps);
        try (Stream<Path> walk = Files.walk(expected)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".safetensors") || name.equals("optimizer.json")) {
                    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(actual.resolve(expected
                            .relativize(file))), family + ": " + expected.relativize(file) + " differs");
                }
            }
        }
    }
}
