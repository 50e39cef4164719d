package dev.tune4j.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes a sharded checkpoint: the input is split at zero bytes into the index ({@value Checkpoint#INDEX_FILE}) and
 * the two shards {@code a.safetensors} and {@code b.safetensors} beside it. {@link Checkpoint#open} may only refuse
 * with an {@link IOException} that says why; an accepted checkpoint must answer {@code info} and {@code fileOf} for
 * every name it lists. The committed seeds are a valid two-shard checkpoint.
 */
class ShardedCheckpointFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void openIndexAndShards(byte[] input) throws IOException {
        Path directory = FuzzInputs.freshDirectory("sharded");
        List<byte[]> files = FuzzInputs.parts(input, 3);
        Files.write(directory.resolve(Checkpoint.INDEX_FILE), files.get(0));
        Files.write(directory.resolve("a.safetensors"), files.get(1));
        Files.write(directory.resolve("b.safetensors"), files.get(2));
        try (Checkpoint checkpoint = Checkpoint.open(directory)) {
            long bytes = 0;
            for (String name : checkpoint.names()) {
                bytes += checkpoint.info(name).byteCount();
                if (!Files.isRegularFile(checkpoint.fileOf(name))) {
                    throw new AssertionError(name + " is in no file");
                }
            }
            if (bytes != checkpoint.totalBytes()) {
                throw new AssertionError("totalBytes " + checkpoint.totalBytes() + " != " + bytes);
            }
        } catch (IOException refused) {
            FuzzInputs.assertExplained(refused);
        }
    }
}
