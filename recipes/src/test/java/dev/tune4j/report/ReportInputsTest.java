package dev.tune4j.report;

import dev.tune4j.runfiles.MetricKeys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Run directories that used to stall {@code tune4j report} or fail it with a message lacking the file. */
class ReportInputsTest {
    @TempDir
    Path runs;

    /** One completed run whose metrics (made up by this test) have {@code steps} training lines. */
    private Path run(String variant, String seedDirectory, int steps) throws IOException {
        Path directory = Files.createDirectories(runs.resolve(variant).resolve(seedDirectory));
        try (BufferedWriter metrics = Files.newBufferedWriter(directory.resolve(MetricKeys.METRICS_FILE))) {
            for (int step = 1; step <= steps; step++) {
                metrics.write(String.format(Locale.ROOT, "{\"type\":\"train\",\"step\":%d,\"loss\":%.6f,\"tokens\":64,"
                        + "\"elapsed_s\":%.3f,\"step_ms\":10.0,\"optimizer_state_bytes\":800,"
                        + "\"peak_rss_bytes\":1000000}%n", step, 3.0 / Math.sqrt(step), step * 0.01));
                if (step % 1000 == 0) {
                    metrics.write(String.format(Locale.ROOT, "{\"type\":\"eval\",\"step\":%d,\"elapsed_s\":%.3f,"
                            + "\"eval_loss\":%.6f,\"eval_accuracy\":0.75}%n", step, step * 0.01, 2.0 / Math.sqrt(step)));
                }
            }
        }
        Files.writeString(directory.resolve(MetricKeys.SUMMARY_FILE), "{\"status\": \"completed\", \"optimizer\":"
                + " \"adamw\", \"target_loss\": 0.01, \"throughput_warmup_steps\": 2}");
        return directory;
    }

    @Test
    void aReportOfHalfAMillionStepsFinishesInLinearTime() throws IOException {
        run("adamw", "seed-1", 500_000);
        WrittenReport report = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Report.write(runs));
        assertTrue(Files.size(report.markdown()) > 0);
        assertEquals(3, report.charts().stream().filter(chart -> chart.getFileName().toString().startsWith("loss")
                || chart.getFileName().toString().startsWith("eval")).count(), report.charts().toString());
        String csv = Files.readString(report.csv());
        assertTrue(csv.lines().toList().get(1).startsWith("adamw,adamw,1,1,0,0,1/1,1,"), csv);
    }

    @Test
    void binaryMetricsNameTheFileAndTheFirstBadByte() throws IOException {
        Path directory = run("adamw", "seed-1", 3);
        Path metrics = directory.resolve(MetricKeys.METRICS_FILE);
        byte[] bytes = Files.readAllBytes(metrics);
        int firstLineEnd = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).indexOf('\n');
        bytes[firstLineEnd + 5] = (byte) 0x9F; // a continuation byte with no lead byte
        Files.write(metrics, bytes);
        IOException e = assertThrows(IOException.class, () -> Report.write(runs));
        assertEquals(metrics + ": is not UTF-8 text: byte " + (firstLineEnd + 5) + " (line 2) is not valid UTF-8. A"
                + " metrics file (one JSON object per line) must be UTF-8 text; is this a binary or differently"
                + " encoded file? Re-save it as UTF-8 or give the right path", e.getMessage());
    }

    @Test
    void aSeedDirectoryBeyondThirtyTwoBitsIsNamed() throws IOException {
        run("adamw", "seed-1", 3);
        Path odd = run("adamw", "seed-99999999999", 3);
        ReportException e = assertThrows(ReportException.class, () -> ComparisonReader.read(runs));
        assertEquals(odd + ": seed 99999999999 is not a 32-bit integer (from -2147483648 to 2147483647), so no tune4j"
                + " run wrote this directory; rename or remove it", e.getMessage());
    }
}
