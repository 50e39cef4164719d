package dev.tune4j.checkpoint.onnx;

import static dev.tune4j.checkpoint.onnx.OnnxFixtures.floatTensor;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.littleEndian;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.message;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.model;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding hand-encoded ONNX fixtures (written by {@link OnnxFixtures}, not real models) and rejecting bad files. */
class OnnxModelReaderTest {
    @TempDir
    Path directory;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(directory.resolve(name), content);
    }

    private static float[] floats(OnnxInitializer initializer) {
        return initializer.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void readsInitializersAndNodesAndSkipsOtherFields() throws IOException {
        byte[] packedDims = message()
                .bytes(1, OnnxFixtures.packedVarints(3, 1))
                .varint(2, 1)
                .bytes(4, littleEndian(0.5f, -2f, 1e-3f)) // float_data, packed
                .string(8, "packed.weight")
                .fixed64(15, 42) // unknown fields of each wire type are skipped
                .fixed32(16, 7)
                .toByteArray();
        byte[] int64Tensor = message().varint(1, 2).varint(2, 7).string(8, "ids").bytes(9, new byte[16]).toByteArray();
        byte[] graph = message()
                .bytes(1, node("/layer/MatMul", "MatMul", List.of("x", "onnx::MatMul_1"), List.of("y")))
                .string(2, "graph-name")
                .bytes(5, floatTensor("onnx::MatMul_1", new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
                .bytes(5, packedDims)
                .bytes(5, int64Tensor)
                .toByteArray();
        Path file = write("fixture.onnx", model(graph));

        try (OnnxModel model = OnnxModelReader.read(file)) {
            assertEquals(file, model.file());
            assertEquals(3, model.initializers().size());
            OnnxInitializer matrix = model.initializers().get(0);
            assertEquals("onnx::MatMul_1", matrix.name());
            assertEquals(List.of(2L, 3L), matrix.dims());
            assertTrue(matrix.isFloat());
            assertEquals(6, matrix.elementCount());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, floats(matrix));

            OnnxInitializer packed = model.initializer("packed.weight").orElseThrow();
            assertEquals(List.of(3L, 1L), packed.dims());
            assertArrayEquals(new float[] {0.5f, -2f, 1e-3f}, floats(packed));

            OnnxInitializer ids = model.initializer("ids").orElseThrow();
            assertFalse(ids.isFloat());
            assertEquals(7, ids.dataType());
            assertEquals(16, ids.data().byteSize());

            assertEquals(1, model.nodes().size());
            OnnxNode matMul = model.nodes().getFirst();
            assertEquals(new OnnxNode("/layer/MatMul", "MatMul", List.of("x", "onnx::MatMul_1"), List.of("y")),
                    matMul);
        }
    }

    @Test
    void emptyFileHasNoGraph() throws IOException {
        Path file = write("empty.onnx", new byte[0]);
        IOException error = assertThrows(IOException.class, () -> OnnxModelReader.read(file));
        assertTrue(error.getMessage().startsWith(file + ": not a valid ONNX model: ModelProto.graph (field 7)"),
                error.getMessage());
        assertTrue(error.getMessage().contains("missing"), error.getMessage());
    }

    @Test
    void truncatedFileNamesTheFieldThatRunsPastTheEnd() throws IOException {
        byte[] graph = message().bytes(5, floatTensor("w", new long[] {4}, 1, 2, 3, 4)).toByteArray();
        byte[] whole = model(graph);
        Path file = write("truncated.onnx", Arrays.copyOf(whole, whole.length - 5));
        IOException error = assertThrows(IOException.class, () -> OnnxModelReader.read(file));
        assertTrue(error.getMessage().startsWith(file + ": not a valid ONNX model: ModelProto.graph"),
                error.getMessage());
        assertTrue(error.getMessage().contains("runs past the end"), error.getMessage());
    }

    @Test
    void textFileIsRejected() throws IOException {
        Path file = write("notes.onnx", "this is not a model, just some text\n".getBytes(StandardCharsets.UTF_8));
        IOException error = assertThrows(IOException.class, () -> OnnxModelReader.read(file));
        assertTrue(error.getMessage().startsWith(file + ": not a valid ONNX model: ModelProto"), error.getMessage());
    }

    @Test
    void rawDataOfTheWrongSizeNamesTheTensor() throws IOException {
        byte[] tensor = message().varint(1, 2).varint(1, 2).varint(2, 1).string(8, "short.weight")
                .bytes(9, littleEndian(1, 2, 3)).toByteArray();
        Path file = write("short.onnx", model(message().bytes(5, tensor).toByteArray()));
        IOException error = assertThrows(IOException.class, () -> OnnxModelReader.read(file));
        assertTrue(error.getMessage().contains("ModelProto.graph.initializer[0].raw_data (field 9)"),
                error.getMessage());
        assertTrue(error.getMessage().contains("'short.weight' of shape [2, 2] needs 16 bytes but has 12"),
                error.getMessage());
    }

    @Test
    void externalDataIsRejected() throws IOException {
        byte[] tensor = message().varint(1, 1).varint(2, 1).string(8, "far.weight").varint(14, 1).toByteArray();
        Path file = write("external.onnx", model(message().bytes(5, tensor).toByteArray()));
        IOException error = assertThrows(IOException.class, () -> OnnxModelReader.read(file));
        assertTrue(error.getMessage().contains("initializer[0].data_location (field 14)"), error.getMessage());
        assertTrue(error.getMessage().contains("'far.weight'"), error.getMessage());
    }
}
