package dev.tune4j.report;

import static dev.tune4j.report.SyntheticRuns.plateauLosses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.report.SyntheticRuns.Run;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped by a signal ({@code interrupted}) is neither a result nor a failure: the report counts the variant's
 * other seeds, names the interrupted one in the seeds cell, the per-run table and the conclusion, with how to go on.
 */
class InterruptedRunReportTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedRunIsNamedWithHowToContinue() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("runs"));
        runs.run(new Run("adamw", "adamw", 1, plateauLosses(4)));
        runs.run(new Run("adamw", "adamw", 2, plateauLosses(4.5)).interrupted());
        runs.run(new Run("soaa", "soaa", 1, plateauLosses(3)));
        runs.run(new Run("soaa", "soaa", 2, plateauLosses(3.5)));
        Comparison comparison = ComparisonReader.read(runs.dir());
        VariantResult adamw = comparison.variants().stream().filter(v -> v.name().equals("adamw")).findFirst()
                .orElseThrow();
        assertEquals(1, adamw.runsWith(RunStatus.INTERRUPTED).size());
        assertEquals(1, adamw.statistics().completedSeeds());
        WrittenReport report = Report.write(runs.dir());
        assertTrue(report.conclusion().endsWith("Interrupted before their last step (tune4j compare --resume"
                + " continues them): adamw (seed 2)."), report.conclusion());
        assertFalse(report.conclusion().contains("Failed"), report.conclusion());
        String markdown = Files.readString(report.markdown());
        assertTrue(markdown.contains("| adamw | adamw | 1/2; interrupted (seed 2) |"), markdown);
        assertTrue(markdown.contains("interrupted before its last step; tune4j compare --resume continues it"),
                markdown);
    }
}
