package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.report.SyntheticRuns;
import dev.tune4j.report.SyntheticRuns.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheReportAndPrintsTheFilesAndTheConclusion() {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("runs"));
        runs.run(new Run("adamw", "adamw", 1, SyntheticRuns.plateauLosses(2)));
        runs.run(new Run("adamw", "adamw", 2, SyntheticRuns.plateauLosses(4)));
        CliRun result = CliRun.of("report", runs.dir().toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        assertTrue(lines.contains(runs.dir().resolve("report.md").toString()), result.out());
        assertTrue(lines.contains(runs.dir().resolve("report.html").toString()), result.out());
        // one variant: nothing to compare; 8,000 state bytes for 1,000 parameters
        assertEquals("Only adamw has completed runs, so no variants are compared. adamw keeps 8.000 B of optimizer"
                + " state per trainable parameter (7.8 KiB).", lines.getLast());
        assertTrue(Files.isRegularFile(runs.dir().resolve("summary.csv")));
    }

    @Test
    void aMissingDirectoryIsAUsageError() {
        Path missing = dir.resolve("no-such-runs");
        CliRun result = CliRun.of("report", missing.toString());
        assertEquals(2, result.exitCode());
        assertEquals(List.of("tune4j: runs directory " + missing + " does not exist; see 'tune4j report --help'"),
                result.err().lines().toList());
    }

    @Test
    void noArgumentIsAUsageError() {
        CliRun result = CliRun.of("report");
        assertEquals(2, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j: Missing required parameter: 'RUNS_DIR'"), result.err());
    }

    @Test
    void aDirectoryWithoutRunsFailsWithOneLineSayingWhatWasExpected() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty").resolve("adamw").resolve("not-a-seed"));
        Path runsDir = empty.getParent().getParent();
        CliRun result = CliRun.of("report", runsDir.toString());
        assertEquals(1, result.exitCode());
        assertEquals(List.of("tune4j report: no runs in " + runsDir + ": expected " + runsDir
                + "/<variant>/seed-<n>/ with summary.json and metrics.jsonl"), result.err().lines().toList());
    }

    @Test
    void aMalformedMetricsFileFailsNamingFileAndLine() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("runs"));
        runs.run(new Run("adamw", "adamw", 1, SyntheticRuns.plateauLosses(2)));
        Path metrics = runs.dir().resolve("adamw/seed-1/metrics.jsonl");
        Files.writeString(metrics, "{\"type\":\"train\",\"step\":1,\"loss\":", java.nio.file.StandardOpenOption.APPEND);
        CliRun result = CliRun.of("report", runs.dir().toString());
        assertEquals(1, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j report: " + metrics + ":21: not valid JSON"), result.err());
    }
}
