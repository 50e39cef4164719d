package dev.tune4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes the safetensors reader with whole files: {@link SafeTensorsFile#open} may only refuse with an
 * {@link IOException} that says why (a {@link SafeTensorsFormatException} for a bad header); a file it accepts must
 * load every tensor into an engine array without any other exception, JVM abort or out-of-memory error.
 */
class SafeTensorsFileFuzzTest {
    private static final NDManager MANAGER = NDManager.newBaseManager();

    @FuzzTest(maxDuration = "15s")
    void openAndLoadEveryTensor(byte[] input) throws IOException {
        Path file = FuzzInputs.write("single", "model.safetensors", input);
        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDManager scope = MANAGER.newSubManager()) {
            for (TensorInfo info : opened.tensors()) {
                NDArray loaded = opened.load(info.name(), scope);
                if (loaded.size() != info.elementCount() || opened.bytes(info.name()).byteSize() != info.byteCount()) {
                    throw new AssertionError(info + " loaded as " + loaded.getShape());
                }
            }
        } catch (IOException refused) {
            FuzzInputs.assertExplained(refused);
        }
    }
}
