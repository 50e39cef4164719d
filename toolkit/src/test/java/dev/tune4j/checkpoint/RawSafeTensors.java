package dev.tune4j.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixture (written by the project): hand-crafted safetensors bytes, written byte by byte without the code under
 * test, so tests can build both valid files and every kind of broken one.
 */
final class RawSafeTensors {
    private RawSafeTensors() {}

    /** Writes {@code headerLength} (little-endian u64), then {@code header}, then {@code data}. */
    static Path write(Path file, long headerLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(headerLength).put(header).put(data);
        Files.write(file, bytes.array());
        return file;
    }

    /** Writes a well-framed file: the header's true length, the UTF-8 header, then {@code data}. */
    static Path write(Path file, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        return write(file, headerBytes.length, headerBytes, data);
    }

    /** Single quotes in {@code json} become double quotes, to keep hand-written headers readable. */
    static String json(String json) {
        return json.replace('\'', '"');
    }

    /** Little-endian bytes of the given 16-bit values. */
    static byte[] shorts(int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            bytes.putShort((short) value);
        }
        return bytes.array();
    }

    /** Little-endian bytes of the given floats. */
    static byte[] floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }
}
