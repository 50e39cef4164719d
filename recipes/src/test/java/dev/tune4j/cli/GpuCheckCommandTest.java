package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.tune4j.optim.Optimizers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GPU check on a machine without a GPU: the GPU mode refuses with what is missing and how to fix it; the
 * comparison and its report work on CPU sides (the Java Adam kernel against DJL's engine Adam, which exist on every
 * build); and the dry run ({@code --device cpu}) reports, per id, either the agreement of its Java and engine-op paths
 * or that the id has no engine-op path yet.
 */
class GpuCheckCommandTest {

    @Test
    void withoutAGpuTheCheckFailsNamingWhatIsMissingAndHowToFixIt() {
        CliRun result = CliRun.of("bench", "gpu-check");
        assertEquals(1, result.exitCode(), result.out() + result.err());
        String message = result.err().lines().filter(line -> line.startsWith("tune4j gpu-check: ")).findFirst()
                .orElseThrow(() -> new AssertionError(result.err()));
        assertTrue(message.startsWith("tune4j gpu-check: tune4j bench gpu-check needs a GPU, and none is usable here:"
                + " the libtorch DJL loaded is a CPU-only build"), message);
        assertTrue(message.contains("PYTORCH_LIBRARY_PATH=<its lib directory> PYTORCH_FLAVOR=cu128"), message);
        assertTrue(message.endsWith("`tune4j bench gpu-check --device cpu` runs the same comparison on CPU (Java"
                + " kernels against engine ops)"), message);
        assertEquals("", result.out(), "nothing trained, nothing reported");
    }

    /**
     * One step from the same weights: the losses are equal (both sides computed the same forward pass), and Adam's
     * first update is lr * g / (|g| + eps), linear in lr, so doubling lr doubles every weight change:
     * ||Δw(lr) - Δw(2 lr)|| / ||Δw(2 lr)|| = 1/2, and every weight that moved mismatches. Every weight moves except
     * the embedding rows of tokens the batch does not feed into a labelled position (their gradient is exactly zero).
     */
    @Test
    void theComparisonMeasuresWeightChangesByHand() {
        GpuCheck check = new GpuCheck(16, 1, 1);
        Map<String, Object> doubled = new HashMap<>(GpuCheck.baseOptions("adam"));
        doubled.put("lr", 2e-3);
        GpuCheck.Outcome outcome = check.compare(
                new GpuCheck.Side("lr 1e-3", "adam", GpuCheck.baseOptions("adam"), Device.cpu()),
                new GpuCheck.Side("lr 2e-3", "adam", doubled, Device.cpu()));
        assertEquals("", outcome.failure());
        assertEquals(0.0, outcome.maxLossDifference(), 0.0);
        assertEquals(0.5, outcome.updateDifference(), 1e-3);
        // the last position's output has no label, so a token seen only there gets no gradient either
        long distinctTokens = java.util.Arrays.stream(GpuCheck.batch(0))
                .flatMapToLong(row -> java.util.Arrays.stream(row, 0, GpuCheck.SEQUENCE - 1)).distinct().count();
        long elements = outcome.candidate().weights().values().stream().mapToLong(w -> w.length).sum();
        long unmoved = (GpuCheck.VOCAB - distinctTokens) * 16;
        assertEquals(1.0 - (double) unmoved / elements, outcome.mismatchedFraction(), 1e-12);
        assertTrue(!outcome.passes(1e-3, 1e-3) && outcome.passes(0, 1.0));
    }

    /**
     * The Java Adam kernel against DJL's engine Adam over ten steps, reported as the check reports every id. DJL adds
     * eps to the uncorrected root of v (EngineAdamRule's javadoc), 31.6 eps at step 1 in torch's terms: with the
     * default eps (1e-8) that moves this tiny model's small-gradient weights measurably, so both sides take eps = 1e-12.
     */
    @Test
    void javaAdamAndEngineAdamAgreeAndTheReportSaysSo() {
        GpuCheck check = new GpuCheck(16, 10, 1);
        Map<String, Object> options = new HashMap<>(GpuCheck.baseOptions("adam"));
        options.put("eps", 1e-12);
        GpuCheck.Outcome outcome = check.compare(
                new GpuCheck.Side("cpu java kernels", "adam", options, Device.cpu()),
                new GpuCheck.Side("cpu engine ops", "adam_engine", options, Device.cpu()));
        assertEquals("", outcome.failure());
        assertTrue(outcome.maxLossDifference() < 1e-5, "loss difference " + outcome.maxLossDifference());
        assertTrue(outcome.mismatchedFraction() <= 1e-3, "mismatched " + outcome.mismatchedFraction());
        assertTrue(outcome.passes(1e-3, 1e-3));
        assertEquals(outcome.candidate().stateBytes(), outcome.reference().stateBytes());
        StringWriter text = new StringWriter();
        GpuCheckCommand.printTable(List.of(outcome), "cpu java", 1e-3, 1e-2, new PrintWriter(text, true));
        List<String> lines = text.toString().lines().toList();
        assertTrue(lines.getFirst().startsWith("optimizer") && lines.getFirst().contains("cpu java ms"),
                lines.getFirst());
        String[] cells = lines.get(1).trim().split("\\s+");
        assertEquals("adam", cells[0], lines.get(1));
        for (int i = 1; i <= 4; i++) {
            assertTrue(Double.parseDouble(cells[i]) > 0, "times in " + lines.get(1));
        }
        // Adam keeps two float32 moments per trainable element
        long elements = outcome.candidate().weights().values().stream().mapToLong(w -> w.length).sum();
        assertEquals(Long.toString(8 * elements), cells[5], lines.get(1));
        assertTrue(lines.get(1).contains("; agrees") && lines.get(1).contains("rss "), lines.get(1));
    }

    /** Every id the dry run checks either agrees with its engine-op path or is named as having none. */
    @Test
    void theDryRunReportsEveryIdItChecks() {
        List<String> ids = List.of("adam", "adamw_engine", "soaa");
        CliRun result = CliRun.of("bench", "gpu-check", "--device", "cpu", "--optimizers", String.join(",", ids),
                "--steps", "3", "--hidden", "16");
        boolean everyIdHasEnginePath = true;
        for (String id : ids) {
            boolean enginePath = Optimizers.factory(id).schema(GpuCheck.baseOptions(id)).names()
                    .contains(GpuCheck.ENGINE_OPS);
            everyIdHasEnginePath &= enginePath;
            String row = result.out().lines().filter(line -> line.startsWith(id + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + id + " in\n" + result.out()));
            assertTrue(enginePath ? row.endsWith("; agrees")
                    : row.endsWith("FAILED: '" + id + "' has no engine_ops option, so there is no CPU engine-op path"
                            + " to compare with"), row);
        }
        assertEquals(everyIdHasEnginePath ? 0 : 1, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().startsWith("gpu-check: CPU Java kernels (dry run, --device cpu) against the CPU"
                + " engine-op path; 3 optimizer ids, 3 steps, hidden 16"), result.out());
    }
}
