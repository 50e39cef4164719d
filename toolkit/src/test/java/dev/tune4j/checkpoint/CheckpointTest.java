package dev.tune4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening model directories: single file, sharded with an index, and refusal of pickle checkpoints. Every
 * checkpoint here is a project-written fixture: shards written by {@link SafeTensorsWriter}, indexes by hand.
 */
class CheckpointTest {
    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void createManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    /** Two shards: embed (2x2 F32) and norm (3 F32, stored BF16) in the first, head (1x2 F32) in the second. */
    private void writeShards() throws IOException {
        SafeTensorsWriter.write(dir.resolve(SHARD_1), List.of(
                SafeTensorsWriter.Entry.of("model.embed.weight", manager.create(new float[] {1, 2, 3, 4},
                        new Shape(2, 2))),
                new SafeTensorsWriter.Entry("model.norm.weight", manager.create(new float[] {1f, 0.5f, -2f}),
                        SafeTensorsDType.BF16)), Map.of("format", "pt"));
        SafeTensorsWriter.write(dir.resolve(SHARD_2), Map.of("lm_head.weight",
                manager.create(new float[] {5, 6}, new Shape(1, 2))), Map.of("format", "pt"));
    }

    private void writeIndex(String weightMap) throws IOException {
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), RawSafeTensors.json(
                "{'metadata':{'total_size':30},'weight_map':{" + weightMap + "}}"));
    }

    @Test
    void shardedCheckpointLoadsThroughIndex() throws IOException {
        writeShards();
        writeIndex("'lm_head.weight':'" + SHARD_2 + "','model.embed.weight':'" + SHARD_1 + "',"
                + "'model.norm.weight':'" + SHARD_1 + "'");
        try (Checkpoint checkpoint = Checkpoint.open(dir);
                NDManager loads = manager.newSubManager()) {
            assertEquals(List.of("lm_head.weight", "model.embed.weight", "model.norm.weight"),
                    List.copyOf(checkpoint.names()));
            // 4 * 4 + 3 * 2 + 2 * 4 bytes, by hand.
            assertEquals(30, checkpoint.totalBytes());
            assertEquals(SafeTensorsDType.BF16, checkpoint.info("model.norm.weight").dtype());
            assertEquals(dir.resolve(SHARD_2).toAbsolutePath(), checkpoint.fileOf("lm_head.weight"));
            NDArray head = checkpoint.load("lm_head.weight", loads);
            assertEquals(new Shape(1, 2), head.getShape());
            assertArrayEquals(new float[] {5, 6}, head.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3, 4}, checkpoint.load("model.embed.weight", loads).toFloatArray());
            assertArrayEquals(new float[] {1f, 0.5f, -2f}, checkpoint.load("model.norm.weight", loads).toFloatArray());
            IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                    () -> checkpoint.info("model.missing"));
            assertTrue(absent.getMessage().contains("'model.missing'"), absent.getMessage());
        }
        // The index file itself may be passed too.
        try (Checkpoint checkpoint = Checkpoint.open(dir.resolve(Checkpoint.INDEX_FILE))) {
            assertEquals(3, checkpoint.names().size());
        }
    }

    @Test
    void indexNamingMissingShardFails() throws IOException {
        writeShards();
        writeIndex("'model.embed.weight':'" + SHARD_1 + "','lm_head.weight':'model-00003-of-00003.safetensors'");
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("model-00003-of-00003.safetensors")
                && e.getMessage().contains("'lm_head.weight'") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void indexNamingTensorAbsentFromShardFails() throws IOException {
        writeShards();
        writeIndex("'model.embed.weight':'" + SHARD_2 + "'");
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("'model.embed.weight'") && e.getMessage().contains(SHARD_2)
                && e.getMessage().contains("has no such tensor"), e.getMessage());
    }

    @Test
    void indexShardOutsideDirectoryIsRefused() throws IOException {
        writeShards();
        writeIndex("'lm_head.weight':'../" + SHARD_2 + "'");
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("plain file names"), e.getMessage());
    }

    @Test
    void malformedIndexFails() throws IOException {
        writeShards();
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\": {}}");
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("weight_map"), e.getMessage());
    }

    @Test
    void singleFileDirectoryAndFile() throws IOException {
        SafeTensorsWriter.write(dir.resolve(Checkpoint.SINGLE_FILE), Map.of("b", manager.create(new int[] {7}),
                "a", manager.create(new long[] {1, 2})), Map.of());
        for (Path location : List.of(dir, dir.resolve(Checkpoint.SINGLE_FILE))) {
            try (Checkpoint checkpoint = Checkpoint.open(location);
                    NDArray b = checkpoint.load("b", manager)) {
                assertEquals(Set.of("a", "b"), checkpoint.names());
                assertEquals(20, checkpoint.totalBytes());
                assertArrayEquals(new int[] {7}, b.toIntArray());
            }
        }
    }

    @Test
    void pickleCheckpointsAreRefused() throws IOException {
        // Project-written fixtures: the bytes are irrelevant, pickle files are refused by name before any read.
        Path bin = Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        Path pt = Files.write(dir.resolve("weights.pt"), new byte[] {(byte) 0x80, 2});
        for (Path location : List.of(dir, bin, pt)) {
            SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class,
                    () -> Checkpoint.open(location));
            assertTrue(e.getMessage().contains("pickle") && e.getMessage().contains("arbitrary code")
                    && e.getMessage().contains("safetensors") && e.getMessage().contains("save_pretrained"),
                    e.getMessage());
        }
    }

    @Test
    void directoryWithoutWeightsFails() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains(Checkpoint.SINGLE_FILE), e.getMessage());
    }
}
