package dev.tune4j.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning record reads back what was written, and is absent where no tuning ran. */
class TuningRecordTest {
    @TempDir
    Path outputDir;

    @Test
    void aWrittenRecordReadsBackEqual() throws IOException {
        TuningRecord record = new TuningRecord(List.of(new TuningRecord.VariantTuning("adamw", "lr", "eval_accuracy",
                true, 20, 3, List.of(new TuningRecord.Trial(1e-4, "tuning/adamw/lr=1.0E-4/seed-3", "completed", 0.75,
                        true), new TuningRecord.Trial(1e-3, "tuning/adamw/lr=0.001/seed-3", "diverged", null, false)),
                1e-4, true)));
        record.write(outputDir);
        String json = Files.readString(outputDir.resolve("tuning").resolve("tuning.json"));
        assertTrue(json.contains("\"higher_is_better\" : true"), json);
        assertEquals(Optional.of(record), TuningRecord.read(outputDir));
        assertEquals(Map.of("adamw", Map.of("lr", 1e-4)), record.chosenByVariant());
    }

    @Test
    void noTuningNoRecord() throws IOException {
        assertEquals(Optional.empty(), TuningRecord.read(outputDir));
    }
}
