package dev.tune4j.report;

import dev.tune4j.report.SyntheticRuns.Run;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonReaderTest {
    @TempDir
    Path dir;

    @Test
    void recipeOrderFirstThenOtherDirectoriesAndARecipeVariantWithoutRunsIsKept() throws IOException {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("soaa", "soaa");
        variants.put("galore", "galore_adamw");
        SyntheticRuns runs = new SyntheticRuns(dir).recipe("r", "d", null, variants)
                .run(new Run("soaa", "soaa", 1, SyntheticRuns.plateauLosses(1)))
                .run(new Run("adamw", "adamw", 1, SyntheticRuns.plateauLosses(1)));
        Files.createDirectories(dir.resolve("charts"));
        Comparison comparison = ComparisonReader.read(runs.dir());
        assertEquals(java.util.List.of("soaa", "galore", "adamw"),
                comparison.variants().stream().map(VariantResult::name).toList());
        VariantResult galore = comparison.variants().get(1);
        assertEquals("galore_adamw", galore.optimizer(), "from the recipe when there is no summary");
        assertTrue(galore.runs().isEmpty());
        assertNull(galore.statistics().finalLoss());
        assertEquals("no runs", ReportTables.seedsCompleted(galore));
        assertNull(comparison.targetLoss());
    }

    @Test
    void aRunWithoutSummaryIsAFailedRunThatDidNotFinish() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir)
                .run(new Run("adamw", "adamw", 1, SyntheticRuns.plateauLosses(1)))
                .run(new Run("adamw", "adamw", 2, SyntheticRuns.plateauLosses(1)));
        Files.delete(dir.resolve("adamw/seed-2/summary.json"));
        VariantResult adamw = ComparisonReader.read(runs.dir()).variants().getFirst();
        assertEquals(RunStatus.FAILED, adamw.runs().get(1).status());
        assertEquals("1/2; failed (seed 2): no summary.json (the run did not finish)",
                ReportTables.seedsCompleted(adamw));
    }

    @Test
    void anUnknownStatusNamesTheSummaryFile() throws IOException {
        SyntheticRuns runs = new SyntheticRuns(dir).run(new Run("adamw", "adamw", 1, SyntheticRuns.plateauLosses(1)));
        Path summary = dir.resolve("adamw/seed-1/summary.json");
        Files.writeString(summary, Files.readString(summary).replace("\"completed\"", "\"done\""));
        ReportException e = assertThrows(ReportException.class, () -> ComparisonReader.read(runs.dir()));
        assertTrue(e.getMessage().startsWith(summary + ": unknown status 'done'"), e.getMessage());
    }
}
