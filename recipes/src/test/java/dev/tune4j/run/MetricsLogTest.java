package dev.tune4j.run;

import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full disk: {@code No space left on device} alone said neither which file nor which disk. */
class MetricsLogTest {
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
