package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code tune4j run} (its own JVM) writing onto a small tmpfs that fills up, or onto a read-only one. The
 * tmpfs is mounted in a private mount namespace ({@code unshare -rm}: a user namespace, so no root is needed where
 * the kernel allows unprivileged user namespaces; the test is skipped, saying so, where it does not). The run's
 * messages must name the path that could not be written, the earlier checkpoint must stay intact, no empty config
 * file may be left, the metrics file must hold only whole lines, and the summary must say {@code failed} with the
 * cause.
 */
@Tag("slow")
class FullDiskRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @BeforeAll
    static void privateMountsWork() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt")
                .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes());
        Assumptions.assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "needs unshare -rm to mount a small tmpfs (util-linux, unprivileged user namespaces): " + output);
    }

    @Test
    void aDiskThatFillsDuringACheckpointFailsTheRunNamingThePathAndKeepsThePreviousCheckpoint()
            throws IOException, InterruptedException {
        Path disk = Files.createDirectories(work.resolve("disk"));
        // the tiny BERT's checkpoint is about 3 MB (1 MB weights, 2 MB AdamW moments): the first fits in 4 MB,
        // the second does not
        Child run = runOnTmpfs(disk, "4m", "", "steps=6", "checkpoint_every=2", "output_dir=" + disk.resolve("runs"));
        assertEquals(Tune4jCommand.EXIT_FAILURE, run.exitCode(), run.output());
        Path runDirectory = RunLayout.runDirectory(disk.resolve("runs"), "adamw", 1);
        CheckpointStore store = new CheckpointStore(runDirectory, 2);
        String failed = "cannot write checkpoint " + store.stepDirectory(4) + ": ";
        assertTrue(run.output().contains(failed) && run.output().contains("No space left on device")
                && run.output().contains("the previous checkpoint " + store.stepDirectory(2) + " is intact"),
                run.output());
        assertEquals(List.of(store.stepDirectory(2)), store.all(), "the failed write leaves nothing behind");
        assertTrue(run.leftOver().isEmpty(), "temporary checkpoint left: " + run.leftOver());
        CheckpointManifest.verify(store.stepDirectory(2));
        JsonNode summary = JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile());
        assertEquals("failed", summary.path("status").asText(), summary.toString());
        assertTrue(summary.path("error").asText().startsWith(failed), summary.toString());
        assertTrue(Files.size(runDirectory.resolve(MetricKeys.CONFIG_FILE)) > 0);
        for (String line : Files.readAllLines(runDirectory.resolve(MetricKeys.METRICS_FILE))) {
            JSON.readTree(line); // whole JSON lines only
        }
    }

    @Test
    void aFullDiskAtTheStartNamesTheFileAndLeavesNoEmptyConfig() throws IOException, InterruptedException {
        Path disk = Files.createDirectories(work.resolve("full"));
        Child run = runOnTmpfs(disk, "1m", "mkdir -p \"$MP/runs\" && (cat /dev/zero > \"$MP/filler\" 2>/dev/null;"
                + " true) && ", "output_dir=" + disk.resolve("runs"));
        assertEquals(Tune4jCommand.EXIT_FAILURE, run.exitCode(), run.output());
        assertTrue(run.output().contains("cannot write " + disk.resolve("runs").resolve(MetricKeys.RECIPE_FILE)
                + ": No space left on device; free space on that disk"), run.output());
        assertTrue(run.emptyFiles().isEmpty(), "empty files left: " + run.emptyFiles());
    }

    @Test
    void aReadOnlyOutputDirectoryIsNamed() throws IOException, InterruptedException {
        Path disk = Files.createDirectories(work.resolve("read-only"));
        Child run = runOnTmpfs(disk, "1m", "mkdir -p \"$MP/runs\" && mount -o remount,ro \"$MP\" && ",
                "output_dir=" + disk.resolve("runs"));
        assertEquals(Tune4jCommand.EXIT_FAILURE, run.exitCode(), run.output());
        assertTrue(run.output().contains(disk.resolve("runs").toString()) && run.output().contains("Read-only file"
                + " system"), run.output());
        assertFalse(run.output().contains("Exception"), run.output());
    }

    /** What the child printed and left on its tmpfs (listed before the namespace, and the tmpfs, went away). */
    private record Child(int exitCode, String output, List<String> leftOver, List<String> emptyFiles) {}

    /**
     * Runs {@code tune4j run} of the tiny BERT's AdamW variant with {@code overrides} in a private mount namespace
     * with a tmpfs of {@code size} mounted on {@code mountPoint}, after {@code prepare} (shell, with {@code $MP} the
     * mount point). The tmpfs is copied out before the namespace ends, so the test can inspect it.
     */
    private Child runOnTmpfs(Path mountPoint, String size, String prepare, String... overrides)
            throws IOException, InterruptedException {
        Path recipe = ExactResumeTest.recipe(work, 6, 2);
        Path copy = work.resolve(mountPoint.getFileName() + "-copy");
        Path listing = work.resolve(mountPoint.getFileName() + "-listing");
        List<String> command = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=" + size
                + " tmpfs \"$MP\" && " + prepare + "\"$@\"; code=$?; find \"$MP\" -name '.step-*' > \"$LISTING\";"
                + " find \"$MP\" -type f -empty ! -name filler ! -name tune4j.lock >> \"$LISTING.empty\";"
                + " cp -a \"$MP/.\" \"$COPY\" 2>/dev/null; exit $code", "sh"));
        command.addAll(ComparisonRunner.tune4jCommand());
        command.addAll(List.of("run", recipe.toString(), "--variant", "adamw", "--seed", "1"));
        command.addAll(List.of(overrides));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MP", mountPoint.toString());
        builder.environment().put("COPY", copy.toString());
        builder.environment().put("LISTING", listing.toString());
        Files.createDirectories(copy);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), output);
        // the tmpfs is gone with the namespace: inspect the copy where the files were
        if (Files.exists(copy)) {
            try (Stream<Path> files = Files.list(copy)) {
                for (Path entry : files.toList()) {
                    copyTree(entry, mountPoint.resolve(entry.getFileName()));
                }
            }
        }
        return new Child(process.exitValue(), output, lines(listing), lines(Path.of(listing + ".empty")));
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
