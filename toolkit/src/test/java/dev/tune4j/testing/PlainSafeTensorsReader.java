package dev.tune4j.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: a deliberately plain reader of a whole {@code .safetensors} file (8-byte little-endian header length,
 * JSON header, data), written from the format's description so tests can check the toolkit's writers with code that
 * shares nothing with them. Reads everything onto the heap; for tests only.
 *
 * @param headerLength the header length N from the first 8 bytes
 * @param header the parsed JSON header, in file order, {@code __metadata__} included
 * @param data the byte buffer after the header, little-endian
 */
public record PlainSafeTensorsReader(long headerLength, Map<String, Object> header, ByteBuffer data) {

    /** Reads {@code file} completely. */
    public static PlainSafeTensorsReader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length);
            long headerLength = length.flip().getLong();
            ByteBuffer json = ByteBuffer.allocate(Math.toIntExact(headerLength));
            readFully(channel, json);
            Map<String, Object> header = new ObjectMapper().readValue(new String(json.array(), StandardCharsets.UTF_8),
                    new TypeReference<LinkedHashMap<String, Object>>() {});
            ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(channel.size() - Long.BYTES - headerLength));
            readFully(channel, data);
            return new PlainSafeTensorsReader(headerLength, header, data.flip().order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** The names of the tensors (the header's keys without {@code __metadata__}), in header order. */
    public List<String> names() {
        return header.keySet().stream().filter(name -> !name.equals("__metadata__")).toList();
    }

    /** The header entry of tensor {@code name}: dtype, shape, data_offsets. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> entry(String name) {
        Object entry = header.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return (Map<String, Object>) entry;
    }

    /** The shape of tensor {@code name}. */
    public List<Long> shape(String name) {
        return ((List<?>) entry(name).get("shape")).stream().map(dim -> ((Number) dim).longValue()).toList();
    }

    /** The [begin, end) data offsets of tensor {@code name}. */
    public long[] offsets(String name) {
        List<?> offsets = (List<?>) entry(name).get("data_offsets");
        return new long[] {((Number) offsets.get(0)).longValue(), ((Number) offsets.get(1)).longValue()};
    }

    /** The values of float32 tensor {@code name}, row-major. */
    public float[] floats(String name) {
        if (!"F32".equals(entry(name).get("dtype"))) {
            throw new IllegalArgumentException(name + " is " + entry(name).get("dtype") + ", not F32");
        }
        long[] offsets = offsets(name);
        float[] values = new float[Math.toIntExact((offsets[1] - offsets[0]) / Float.BYTES)];
        data.slice(Math.toIntExact(offsets[0]), values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(values);
        return values;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("file ends early");
            }
        }
    }
}
