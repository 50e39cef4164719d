package dev.tune4j.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes {@code config.json} parsing: {@link ModelConfig#read} may only refuse with an {@link IOException} (not
 * readable, not JSON) or an {@link IllegalArgumentException} (missing, mistyped or out-of-bounds keys) that says why;
 * a config it accepts must write itself back as JSON that parses to an equal config.
 */
class ModelConfigFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void readAndRoundTrip(byte[] input) throws IOException {
        Path file = FuzzInputs.write("config", "config.json", input);
        ModelConfig config;
        try {
            config = ModelConfig.read(file);
        } catch (IOException | IllegalArgumentException refused) {
            FuzzInputs.assertExplained(refused);
            return;
        }
        ModelConfig again = ModelConfig.parse(config.toJson(), "round trip of " + file);
        if (!again.equals(config)) {
            throw new AssertionError(config + " wrote itself as " + config.toJson() + ", read back as " + again);
        }
    }
}
