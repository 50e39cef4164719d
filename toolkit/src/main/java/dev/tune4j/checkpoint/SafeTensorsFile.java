package dev.tune4j.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tune4j.io.InputFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open safetensors file: its header, validated up front, and per-tensor memory-mapped access to its data.
 *
 * <h2>Format</h2>
 *
 * <p>A safetensors file is three parts:
 *
 * <ol>
 *   <li>8 bytes: {@code N}, the header length as an unsigned little-endian 64-bit integer;
 *   <li>{@code N} bytes: a UTF-8 JSON object, starting with <code>'&#123;'</code> and possibly padded with trailing
 *       spaces. Each key names a tensor and maps to
 *       {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}}; the optional key
 *       {@code "__metadata__"} maps to an object of string values;
 *   <li>the data buffer: every tensor's bytes, little-endian, row-major, at {@code [BEGIN, END)} relative to the start
 *       of the buffer. The ranges cover the buffer exactly, with no holes and no overlaps; 0-rank tensors (shape
 *       {@code []}, one element) and empty tensors (a zero dimension, {@code BEGIN == END}) are allowed.
 * </ol>
 *
 * <h2>Hardening</h2>
 *
 * <p>{@link #open} checks the whole header before returning and throws a {@link SafeTensorsFormatException} that
 * names the file (and the tensor, where one is involved) for: a file shorter than 8 bytes; a header length above
 * {@value #MAX_HEADER_BYTES} bytes (the reference implementation's limit) or beyond the end of the file; a header that
 * is not UTF-8, not JSON, not a JSON object, has trailing content or duplicate keys; an entry that is not an object,
 * lacks {@code dtype}, {@code shape} or {@code data_offsets} or has them with the wrong JSON type; an unknown or
 * unsupported dtype; a negative or non-integer dimension; a shape whose element or byte count overflows a
 * {@code long}; offsets with {@code BEGIN > END} or outside the buffer; a byte count other than
 * {@code product(shape) * bytes per element}; overlapping ranges; and bytes no tensor covers (holes or trailing
 * bytes). Nothing is allocated in proportion to a length field before it has been checked against the file size, so
 * a hostile file cannot cause an out-of-memory error, a JVM abort or a hang.
 *
 * <h2>Memory</h2>
 *
 * <p>Nothing is read until a tensor is asked for. {@link #load} maps just that tensor's bytes, copies them into a
 * new engine array and unmaps them at once; {@link #bytes} returns a read-only mapped view that stays valid until
 * {@link #close()}, which unmaps every view deterministically (JDK 25 {@link Arena}-owned mappings). Files larger
 * than 2 GiB work; a single tensor must have fewer than 2^31 elements to be loaded into a DJL array.
 *
 * <p>An instance is safe to use from several threads; {@link #close()} must not race with loads in progress.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** The largest header accepted, in bytes (the reference implementation's {@code MAX_HEADER_SIZE}). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The header key holding the string-to-string metadata map. */
    public static final String METADATA_KEY = "__metadata__";

    private static final ValueLayout.OfShort BF16_LAYOUT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt F32_BITS_LAYOUT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int WIDEN_CHUNK_ELEMENTS = 16 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;
    private final Arena viewArena = Arena.ofShared();
    private final Map<String, MemorySegment> views = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SafeTensorsFile(Path path, FileChannel channel, SafeTensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = header.dataStart();
        this.metadata = header.metadata();
        this.tensors = header.tensors();
        Map<String, TensorInfo> index = new HashMap<>();
        for (TensorInfo info : tensors) {
            index.put(info.name(), info);
        }
        this.byName = Map.copyOf(index);
    }

    /**
     * Opens a file and validates its whole header.
     *
     * @param file a {@code .safetensors} file
     * @return the open file; close it to unmap its views and release the file handle
     * @throws SafeTensorsFormatException if the file is not valid safetensors (see the class description)
     * @throws java.nio.file.FileSystemException if it is missing, a directory or not a regular file (a FIFO is never
     *     opened: reading it would block)
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "safetensors file"); // a FIFO would block the read below forever
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafeTensorsFile(file, channel, SafeTensorsHeader.read(file, channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} map of the header, in header order; empty if absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor's header entry, in data-offset order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /**
     * One tensor's header entry.
     *
     * @throws IllegalArgumentException if the file has no tensor of that name
     */
    public TensorInfo info(String name) {
        TensorInfo info = byName.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "' (the file has " + tensors.size()
                    + " tensors" + (tensors.isEmpty() ? "" : ", the first is '" + tensors.getFirst().name() + "'")
                    + ")");
        }
        return info;
    }

    /** Whether the file has a tensor of that name. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * Loads one tensor into a new engine array owned by {@code manager}.
     *
     * <p>BF16 is widened to FLOAT32 exactly ({@code bits << 16}); BOOL bytes other than 0 become 1. The bytes are
     * mapped only for the copy and unmapped before this returns. For a manager on another device the tensor is
     * loaded on the CPU and then moved.
     *
     * @throws IllegalArgumentException if the tensor is absent or has 2^31 or more elements
     * @throws IllegalStateException if this file is closed
     * @throws UncheckedIOException if reading the file fails
     */
    public NDArray load(String name, NDManager manager) {
        TensorInfo info = info(name);
        ensureOpen();
        if (info.elementCount() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + info.elementCount()
                    + " elements, more than a DJL array can hold (2^31 - 1); split it before loading");
        }
        if (!manager.getDevice().equals(Device.cpu())) {
            try (NDManager staging = manager.newSubManager(Device.cpu())) {
                NDArray moved = load(name, staging).toDevice(manager.getDevice(), false);
                moved.attach(manager);
                return moved;
            }
        }
        NDArray target = manager.create(info.shape(), info.dtype().engineType());
        try {
            if (info.byteCount() > 0) {
                ByteBuffer view = target.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
                copyInto(info, MemorySegment.ofBuffer(view));
            }
            return target;
        } catch (IOException e) {
            target.close();
            throw new UncheckedIOException(path + ": reading tensor '" + name + "' failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private void copyInto(TensorInfo info, MemorySegment target) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = channel.map(MapMode.READ_ONLY, dataStart + info.begin(), info.byteCount(), arena);
            switch (info.dtype()) {
                case BF16 -> widenBf16(source, target, info.elementCount());
                case BOOL -> copyBooleans(source, target);
                default -> {
                    if (target.byteSize() != source.byteSize()) {
                        throw new IllegalStateException("engine array for '" + info.name() + "' has "
                                + target.byteSize() + " bytes, expected " + source.byteSize());
                    }
                    MemorySegment.copy(source, 0, target, 0, source.byteSize());
                }
            }
        }
    }

    private static void widenBf16(MemorySegment source, MemorySegment target, long count) {
        if (target.byteSize() != count * 4) {
            throw new IllegalStateException("engine array has " + target.byteSize() + " bytes, expected "
                    + count * 4);
        }
        // Through small arrays so the widening loop is a plain array loop the JIT vectorises.
        short[] halves = new short[WIDEN_CHUNK_ELEMENTS];
        int[] words = new int[WIDEN_CHUNK_ELEMENTS];
        for (long done = 0; done < count; done += WIDEN_CHUNK_ELEMENTS) {
            int chunk = (int) Math.min(WIDEN_CHUNK_ELEMENTS, count - done);
            MemorySegment.copy(source, BF16_LAYOUT, 2 * done, halves, 0, chunk);
            for (int i = 0; i < chunk; i++) {
                words[i] = halves[i] << 16; // the sign-extended top bits are shifted out: exactly bits << 16
            }
            MemorySegment.copy(words, 0, target, F32_BITS_LAYOUT, 4 * done, chunk);
        }
    }

    private static void copyBooleans(MemorySegment source, MemorySegment target) {
        long count = source.byteSize();
        for (long i = 0; i < count; i++) {
            target.set(ValueLayout.JAVA_BYTE, i, source.get(ValueLayout.JAVA_BYTE, i) != 0 ? (byte) 1 : (byte) 0);
        }
    }

    /**
     * A read-only view of one tensor's raw little-endian bytes in the file, mapped on first use.
     *
     * <p>The view stays valid until {@link #close()}; using it afterwards throws {@link IllegalStateException}.
     *
     * @throws IllegalArgumentException if the tensor is absent
     * @throws IllegalStateException if this file is closed
     * @throws UncheckedIOException if mapping the file fails
     */
    public MemorySegment bytes(String name) {
        TensorInfo info = info(name);
        ensureOpen();
        return views.computeIfAbsent(name, key -> {
            if (info.byteCount() == 0) {
                return MemorySegment.ofArray(new byte[0]).asReadOnly();
            }
            try {
                return channel.map(MapMode.READ_ONLY, dataStart + info.begin(), info.byteCount(), viewArena)
                        .asReadOnly();
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": mapping tensor '" + name + "' failed: " + e.getMessage(), e);
            }
        });
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(path + " is closed");
        }
    }

    /** Unmaps every view returned by {@link #bytes} and closes the file; calling it again does nothing. */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                viewArena.close();
            } finally {
                channel.close();
            }
        }
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}
