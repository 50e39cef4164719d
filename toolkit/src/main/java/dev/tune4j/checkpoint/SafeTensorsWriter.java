package dev.tune4j.checkpoint;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writes engine arrays as a safetensors file (format: see {@link SafeTensorsFile}).
 *
 * <p>The header is compact JSON with {@code __metadata__} first (only when non-empty), padded with spaces so that its
 * length, and therefore the start of the data buffer, is a multiple of 8. Tensors are laid out contiguously in the
 * order given by the list overload; the map overload sorts them by name. The file is written to a hidden temporary
 * file in the target directory, forced to disk and then moved into place atomically, so a failure never leaves a
 * partial file under the target name.
 */
public final class SafeTensorsWriter {
    private static final int CONVERSION_CHUNK_ELEMENTS = 1 << 20;

    private SafeTensorsWriter() {}

    /**
     * One tensor to write.
     *
     * @param name the header key; not empty and not {@code __metadata__}
     * @param array the values, FLOAT64/32/16, INT64/32/8, UINT8 or BOOLEAN
     * @param storeAs the dtype in the file: the array's own, or F16 or BF16 for a FLOAT32 array (rounded to nearest,
     *     ties to even)
     */
    public record Entry(String name, NDArray array, SafeTensorsDType storeAs) {
        /** Checks that {@code storeAs} is the array's own dtype or a narrowing of FLOAT32 to F16 or BF16. */
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(array, "array of tensor '" + name + "'");
            Objects.requireNonNull(storeAs, "storeAs of tensor '" + name + "'");
            if (name.isEmpty() || name.equals(SafeTensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name '" + name + "' is reserved or empty");
            }
            SafeTensorsDType own = SafeTensorsDType.ofEngineType(array.getDataType());
            boolean narrowing = own == SafeTensorsDType.F32
                    && (storeAs == SafeTensorsDType.F16 || storeAs == SafeTensorsDType.BF16);
            if (storeAs != own && !narrowing) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + array.getDataType()
                        + " and cannot be stored as " + storeAs + "; only FLOAT32 may be narrowed, to F16 or BF16");
            }
        }

        /** An entry stored in the array's own dtype. */
        public static Entry of(String name, NDArray array) {
            return new Entry(name, array, SafeTensorsDType.ofEngineType(array.getDataType()));
        }

        long byteCount() {
            return Math.multiplyExact(array.getShape().size(), (long) storeAs.byteSize());
        }
    }

    /**
     * Writes tensors sorted by name, each in its own dtype.
     *
     * @see #write(Path, List, Map)
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        List<Entry> entries = new ArrayList<>(tensors.size());
        new TreeMap<>(tensors).forEach((name, array) -> entries.add(Entry.of(name, array)));
        write(file, entries, metadata);
    }

    /**
     * Writes tensors in the given order.
     *
     * <p>Arrays that are not contiguous or not on the CPU are copied by DJL into a temporary array owned by the
     * array's own manager.
     *
     * @param file the target; replaced atomically if it exists
     * @param tensors the tensors, names unique
     * @param metadata string pairs for {@code __metadata__}; omitted when empty
     * @throws IllegalArgumentException for duplicate names or null metadata keys or values
     * @throws IOException if writing fails; the target is then untouched
     */
    public static void write(Path file, List<Entry> tensors, Map<String, String> metadata) throws IOException {
        Path target = file.toAbsolutePath();
        byte[] header = header(tensors, metadata);
        Path directory = target.getParent();
        Path temporary = directory.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                writeFully(channel, prefix);
                for (Entry entry : tensors) {
                    writeTensor(channel, entry);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Writes tensors as a Hugging Face checkpoint in {@code directory}: one {@value Checkpoint#SINGLE_FILE} when they
     * fit in one shard, else shards {@code model-00001-of-0000N.safetensors} and {@value Checkpoint#INDEX_FILE}
     * ({@code metadata.total_size} and a {@code weight_map} from tensor name to shard). Shards are filled as Hugging
     * Face fills them: tensors in the given order, a new shard when the next tensor would take the current one past
     * {@code maxShardBytes}, and a tensor larger than that alone in a shard of its own. Weight files of an earlier
     * save that the new layout does not use (other shards, a stale index or single file) are deleted afterwards, so
     * {@link Checkpoint#open} never sees a mixture.
     *
     * @param maxShardBytes the largest shard in bytes (Hugging Face's default is 5 GB, 5 * 10^9)
     * @return the files written, shards first, the index last
     * @throws IllegalArgumentException if {@code maxShardBytes} is not positive or a name repeats
     */
    public static List<Path> writeSharded(Path directory, List<Entry> tensors, Map<String, String> metadata,
            long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be > 0, got " + maxShardBytes);
        }
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Entry entry : tensors) {
            long bytes = entry.byteCount();
            totalBytes += bytes;
            if (bytes > maxShardBytes) {
                shards.add(List.of(entry));
                continue;
            }
            if (currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(entry);
            currentBytes += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        if (shards.size() == 1) {
            Path single = directory.resolve(Checkpoint.SINGLE_FILE);
            write(single, shards.getFirst(), metadata);
            written.add(single);
        } else {
            ObjectNode index = SafeTensorsHeader.JSON.createObjectNode();
            index.putObject("metadata").put("total_size", totalBytes);
            ObjectNode weightMap = index.putObject("weight_map");
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1,
                        shards.size());
                Path shard = directory.resolve(name);
                write(shard, shards.get(i), metadata);
                written.add(shard);
                shards.get(i).forEach(entry -> weightMap.put(entry.name(), name));
            }
            Path indexFile = directory.resolve(Checkpoint.INDEX_FILE);
            Path temporary = directory.resolve("." + Checkpoint.INDEX_FILE + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.write(temporary, SafeTensorsHeader.JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(index));
                Files.move(temporary, indexFile, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            written.add(indexFile);
        }
        deleteStaleWeights(directory, written);
        return written;
    }

    /** Deletes HF weight files in {@code directory} that the save just made does not use. */
    private static void deleteStaleWeights(Path directory, List<Path> kept) throws IOException {
        Pattern weights = Pattern.compile(
                "model(-\\d{5}-of-\\d{5})?\\.safetensors|" + Pattern.quote(Checkpoint.INDEX_FILE));
        try (var entries = Files.list(directory)) {
            for (Path entry : entries.toList()) {
                if (weights.matcher(entry.getFileName().toString()).matches() && !kept.contains(entry)) {
                    Files.delete(entry);
                }
            }
        }
    }

    /** The padded header: compact JSON, then spaces up to a multiple of 8 bytes. */
    static byte[] header(List<Entry> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode root = SafeTensorsHeader.JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsFile.METADATA_KEY);
            metadata.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + key + " = "
                            + value);
                }
                meta.put(key, value);
            });
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Entry entry : tensors) {
            if (!names.add(entry.name())) {
                throw new IllegalArgumentException("tensor '" + entry.name() + "' is listed twice");
            }
            ObjectNode node = root.putObject(entry.name());
            node.put("dtype", entry.storeAs().headerName());
            ArrayNode shape = node.putArray("shape");
            for (long dim : entry.array().getShape().getShape()) {
                shape.add(dim);
            }
            long end = offset + entry.byteCount();
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = SafeTensorsHeader.JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) & ~7;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        java.util.Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeTensor(FileChannel channel, Entry entry) throws IOException {
        long bytes = entry.byteCount();
        if (bytes == 0) {
            return;
        }
        ByteBuffer source = entry.array().toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
        SafeTensorsDType own = SafeTensorsDType.ofEngineType(entry.array().getDataType());
        if (entry.storeAs() == own) {
            if (source.remaining() != bytes) {
                throw new IllegalStateException("tensor '" + entry.name() + "' has " + source.remaining()
                        + " bytes in memory, expected " + bytes);
            }
            writeFully(channel, source);
            return;
        }
        FloatBuffer floats = source.asFloatBuffer();
        ByteBuffer chunk = ByteBuffer.allocateDirect(2 * CONVERSION_CHUNK_ELEMENTS).order(ByteOrder.LITTLE_ENDIAN);
        boolean bf16 = entry.storeAs() == SafeTensorsDType.BF16;
        while (floats.hasRemaining()) {
            chunk.clear();
            int count = Math.min(floats.remaining(), CONVERSION_CHUNK_ELEMENTS);
            for (int i = 0; i < count; i++) {
                float value = floats.get();
                chunk.putShort(bf16 ? toBFloat16Bits(value) : Float.floatToFloat16(value));
            }
            writeFully(channel, chunk.flip());
        }
    }

    /**
     * Rounds a float to bfloat16, nearest with ties to even, as PyTorch does; NaN stays a quiet NaN.
     *
     * @return the 16 bfloat16 bits
     */
    public static short toBFloat16Bits(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
