package dev.tune4j.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a metrics line holds, and a full disk ({@code No space left on device} alone named neither file nor disk). */
class MetricsLogTest {
    /** JSON has no NaN or infinity: such a telemetry value is left out of the line, the others keep their order. */
    @Test
    void telemetryGoesUnderItsPrefixWithoutTheValuesJsonCannotHold(@TempDir Path directory) throws IOException {
        Path file = directory.resolve(MetricKeys.METRICS_FILE);
        Map<String, Double> telemetry = new LinkedHashMap<>();
        telemetry.put("dt", 1.25);
        telemetry.put("loss_average", Double.NaN);
        telemetry.put("R", 0.5);
        telemetry.put("pr", Double.POSITIVE_INFINITY);
        try (MetricsLog log = new MetricsLog(file)) {
            ObjectNode line = log.line(MetricKeys.TYPE_TRAIN, 3);
            MetricsLog.putFinite(line, MetricKeys.OPTIMIZER_PREFIX, telemetry);
            log.write(line);
        }
        assertEquals("{\"type\":\"train\",\"step\":3,\"opt/dt\":1.25,\"opt/R\":0.5}\n", Files.readString(file));
    }

    @Test
    void aFullDiskNamesTheMetricsFile(@TempDir Path directory) throws IOException {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        assertTrue(Files.exists(full), "this test needs Linux's /dev/full");
        Path metrics = Files.createSymbolicLink(directory.resolve(MetricKeys.METRICS_FILE), full);
        try (MetricsLog log = new MetricsLog(metrics)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> log.write(log.line(MetricKeys.TYPE_TRAIN, 1)));
            assertEquals("cannot write " + metrics.toAbsolutePath() + ": No space left on device; free space on that"
                    + " disk, or write elsewhere (recipe key output_dir, or another runs directory)", e.getMessage());
        } catch (IOException closing) {
            assertTrue(closing.getMessage().contains("No space left on device"), closing.getMessage());
        }
    }
}
