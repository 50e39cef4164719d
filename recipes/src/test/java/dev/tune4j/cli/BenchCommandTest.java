package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.optim.Optimizers;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void tinyBenchmarkHasARowPerRegisteredOptimizerAndTheTriad() {
        CliRun result = CliRun.of("bench", "optimizers", "--params", "10000", "--steps", "2", "--warmup", "1");
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        assertTrue(lines.getFirst().contains("ms/step") && lines.getFirst().contains("time/adamw "),
                result.out());
        List<String> ids = new java.util.ArrayList<>(Optimizers.all().keySet());
        assertTrue(ids.containsAll(List.of("adam", "adamw", "adam_engine", "adamw_engine")), ids::toString);
        ids.add("triad");
        ids.add("triad_1thread");
        for (String id : ids) {
            long rows = lines.stream().filter(line -> line.matches("\\s*10,000 " + id + "\\s+.*")).count();
            assertEquals(1, rows, "rows for " + id + " in\n" + result.out());
            long progress = result.err().lines().filter(line -> line.matches(".*10,000 params\\s+" + id + "\\s.*"))
                    .count();
            assertEquals(1, progress, "progress lines for " + id + " in\n" + result.err());
        }
        for (String id : List.of("adam", "adamw", "adam_engine", "adamw_engine")) {
            String row = lines.stream().filter(line -> line.matches("\\s*10,000 " + id + "\\s+.*")).findFirst()
                    .orElseThrow();
            String[] cells = row.trim().split("\\s+");
            assertEquals("-", cells[3], "no basis refresh outside GaLore in " + row);
            assertEquals("32", cells[4], "Adam's byte model in " + row);
            assertEquals("8.00", cells[7], "Adam's state bytes per parameter in " + row);
            if (id.equals("adamw")) {
                assertEquals("1.000", cells[6], "the reference's own ratio in " + row);
                assertEquals("-", cells[8], "no pair range for the reference in " + row);
            } else {
                assertTrue(cells[8].matches("\\d+\\.\\d\\d-\\d+\\.\\d\\d"), "pair range in " + row);
            }
        }
        assertTrue(lines.getFirst().contains("pair range"), lines.getFirst());
        assertTrue(result.out().contains("triad bandwidth = ") && result.out().contains("(paired)"), result.out());
        assertTrue(result.out().contains("Adam = 32"), result.out());
    }

    @Test
    void zeroStepsIsAUsageError() {
        CliRun result = CliRun.of("bench", "optimizers", "--params", "10000", "--steps", "0");
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("--steps must be at least 1"), result.err());
    }

    @Test
    void benchAloneSaysWhatIsMissing() {
        CliRun result = CliRun.of("bench");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("no benchmark given"), result.err());
    }
}
