package dev.tune4j.checkpoint;

import static dev.tune4j.checkpoint.RawSafeTensors.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer and reader together, against the safetensors format's rules (docs/algorithms.md#safetensors) and hand
 * computation, and against DJL's own decoder.
 */
class SafeTensorsRoundTripTest {
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

    @Test
    void everyDtypeRoundTripsExactly() throws IOException {
        float[] f32 = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN};
        double[] f64 = {Math.PI, -Double.MIN_VALUE, 1e300, -0.0};
        float[] f16Exact = {0.5f, -2f, 65504f, 6.1035156e-5f}; // all exactly representable in binary16
        long[] i64 = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
        int[] i32 = {Integer.MIN_VALUE, -7, 7, Integer.MAX_VALUE};
        byte[] i8 = {-128, -1, 0, 127};
        int[] u8 = {0, 127, 200, 255};
        boolean[] bool = {true, false, false, true};

        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("f32", manager.create(f32, new Shape(2, 3)));
        tensors.put("f64", manager.create(f64, new Shape(2, 2)));
        tensors.put("f16", manager.create(f16Exact).toType(DataType.FLOAT16, false));
        tensors.put("i64", manager.create(i64));
        tensors.put("i32", manager.create(i32, new Shape(4, 1)));
        tensors.put("i8", manager.create(i8));
        tensors.put("u8", manager.create(u8).toType(DataType.UINT8, false));
        tensors.put("bool", manager.create(bool, new Shape(1, 4)));
        Path file = dir.resolve("all.safetensors");
        SafeTensorsWriter.write(file, tensors, Map.of());

        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDManager loads = manager.newSubManager()) {
            // The map overload lays tensors out sorted by name.
            assertEquals(List.of("bool", "f16", "f32", "f64", "i32", "i64", "i8", "u8"),
                    opened.tensors().stream().map(TensorInfo::name).toList());
            assertEquals(SafeTensorsDType.F16, opened.info("f16").dtype());
            assertEquals(SafeTensorsDType.U8, opened.info("u8").dtype());
            assertEquals(SafeTensorsDType.BOOL, opened.info("bool").dtype());

            NDArray f32Loaded = opened.load("f32", loads);
            assertEquals(new Shape(2, 3), f32Loaded.getShape());
            assertArrayEquals(f32, f32Loaded.toFloatArray());
            assertArrayEquals(f64, opened.load("f64", loads).toDoubleArray());
            NDArray f16Loaded = opened.load("f16", loads);
            assertEquals(DataType.FLOAT16, f16Loaded.getDataType());
            assertArrayEquals(f16Exact, f16Loaded.toType(DataType.FLOAT32, false).toFloatArray());
            assertArrayEquals(i64, opened.load("i64", loads).toLongArray());
            NDArray i32Loaded = opened.load("i32", loads);
            assertEquals(new Shape(4, 1), i32Loaded.getShape());
            assertArrayEquals(i32, i32Loaded.toIntArray());
            assertArrayEquals(i8, opened.load("i8", loads).toByteArray());
            NDArray u8Loaded = opened.load("u8", loads);
            assertEquals(DataType.UINT8, u8Loaded.getDataType());
            assertArrayEquals(u8, u8Loaded.toUint8Array());
            NDArray boolLoaded = opened.load("bool", loads);
            assertEquals(DataType.BOOLEAN, boolLoaded.getDataType());
            assertArrayEquals(bool, boolLoaded.toBooleanArray());
        }
    }

    @Test
    void float32StoredAsHalfPrecisionRoundsToNearestEven() throws IOException {
        // Hand-computed binary16: 1.0 = 0x3C00; 0.1 = 1.6 * 2^-4, mantissa 0.6 * 1024 = 614.4 -> 614 = 0x266, exponent
        // 11 -> 0x2E66; -2.5 = 0xC100. bfloat16 = top 16 bits of binary32, nearest even: 1.0f = 0x3F800000 -> 0x3F80;
        // 3.14159f = 0x40490FD0 -> 0x4049 (= 3.140625); 1 + 2^-8 = 0x3F808000 is a tie, 0x3F80 is even -> 1.0;
        // 1 + 3 * 2^-8 = 0x3F818000 is a tie, 0x3F81 is odd -> 0x3F82 (= 1.015625); 1 + 2^-8 + 2^-9 = 0x3F80C000 rounds
        // up -> 0x3F81 (= 1.0078125).
        float[] half = {1.0f, 0.1f, -2.5f};
        float[] brain = {1.0f, 3.14159f, 1.00390625f, 1.01171875f, 1.005859375f};
        Path file = dir.resolve("narrow.safetensors");
        SafeTensorsWriter.write(file, List.of(
                new SafeTensorsWriter.Entry("half", manager.create(half), SafeTensorsDType.F16),
                new SafeTensorsWriter.Entry("brain", manager.create(brain), SafeTensorsDType.BF16)), Map.of());

        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDManager loads = manager.newSubManager()) {
            // The list overload keeps the given order.
            assertEquals(List.of("half", "brain"), opened.tensors().stream().map(TensorInfo::name).toList());
            assertEquals(SafeTensorsDType.F16, opened.info("half").dtype());
            assertEquals(SafeTensorsDType.BF16, opened.info("brain").dtype());
            assertArrayEquals(new short[] {0x3C00, 0x2E66, (short) 0xC100}, shorts(opened.bytes("half")));
            assertArrayEquals(new short[] {0x3F80, 0x4049, 0x3F80, 0x3F82, 0x3F81}, shorts(opened.bytes("brain")));

            NDArray brainLoaded = opened.load("brain", loads);
            assertEquals(DataType.FLOAT32, brainLoaded.getDataType());
            assertArrayEquals(new float[] {1.0f, 3.140625f, 1.0f, 1.015625f, 1.0078125f}, brainLoaded.toFloatArray());
        }
    }

    @Test
    void bfloat16BitsWidenExactly() throws IOException {
        // Project-written fixture: BF16 bits written by hand; widening is bits << 16 (exact: bf16 is the top half
        // of a float32).
        Path file = RawSafeTensors.write(dir.resolve("bf16.safetensors"),
                json("{'w':{'dtype':'BF16','shape':[2,2],'data_offsets':[0,8]}}"),
                RawSafeTensors.shorts(0x3F80, 0xC049, 0x7F80, 0x0001));
        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDArray loaded = opened.load("w", manager)) {
            assertEquals(new Shape(2, 2), loaded.getShape());
            float smallestSubnormal = Float.intBitsToFloat(0x0001_0000);
            assertArrayEquals(new float[] {1.0f, -3.140625f, Float.POSITIVE_INFINITY, smallestSubnormal},
                    loaded.toFloatArray());
        }
    }

    @Test
    void bfloat16WideningCoversEveryBitPatternAcrossChunks() throws IOException {
        // Project-written fixture: all 65536 BF16 bit patterns, then 4465 more (spanning several of the reader's
        // internal chunks, ending mid-chunk); each must widen to exactly bits << 16, NaN payloads included.
        int count = 70_001;
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            bits[i] = (i * 40_503) & 0xFFFF;
        }
        Path file = RawSafeTensors.write(dir.resolve("all-bf16.safetensors"),
                json("{'w':{'dtype':'BF16','shape':[" + count + "],'data_offsets':[0," + 2 * count + "]}}"),
                RawSafeTensors.shorts(bits));
        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDArray loaded = opened.load("w", manager)) {
            float[] values = loaded.toFloatArray();
            for (int i = 0; i < count; i++) {
                assertEquals(bits[i] << 16, Float.floatToRawIntBits(values[i]), "element " + i);
            }
        }
    }

    @Test
    void toBFloat16BitsKeepsNaNAndRoundsToInfinity() {
        assertEquals((short) 0x7FC0, SafeTensorsWriter.toBFloat16Bits(Float.NaN));
        assertEquals((short) 0xFF80, SafeTensorsWriter.toBFloat16Bits(Float.NEGATIVE_INFINITY));
        // Float.MAX_VALUE = 0x7F7FFFFF: above the 0x7F7F/0x7F80 midpoint, so it rounds to +Inf.
        assertEquals((short) 0x7F80, SafeTensorsWriter.toBFloat16Bits(Float.MAX_VALUE));
        assertEquals((short) 0x8000, SafeTensorsWriter.toBFloat16Bits(-0f));
    }

    @Test
    void metadataRoundTrips() throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "ünïcode \"quoted\"");
        Path file = dir.resolve("meta.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", manager.create(new float[] {1f})), metadata);
        try (SafeTensorsFile opened = SafeTensorsFile.open(file)) {
            assertEquals(metadata, opened.metadata());
        }
        Path bare = dir.resolve("bare.safetensors");
        SafeTensorsWriter.write(bare, Map.of("w", manager.create(new float[] {1f})), Map.of());
        assertTrue(!header(bare).contains("__metadata__"), header(bare));
        try (SafeTensorsFile opened = SafeTensorsFile.open(bare)) {
            assertEquals(Map.of(), opened.metadata());
        }
    }

    @Test
    void headerStartsWithBraceAndIsPaddedToEightBytes() throws IOException {
        Path file = dir.resolve("pad.safetensors");
        SafeTensorsWriter.write(file, Map.of("odd_name_x", manager.create(new float[] {2f, 3f})), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header length " + headerLength);
        assertEquals('{', bytes[8]);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        String trimmed = header.stripTrailing();
        assertTrue(trimmed.endsWith("}"), header);
        assertTrue(header.length() - trimmed.length() < 8, "more padding than needed: '" + header + "'");
        assertEquals(8 + headerLength + 8, bytes.length, "2 floats follow the header directly");
        assertArrayEquals(RawSafeTensors.floats(2f, 3f), java.util.Arrays.copyOfRange(bytes, bytes.length - 8,
                bytes.length));
    }

    @Test
    void djlDecoderReadsWrittenFile() throws IOException {
        // DJL's NDList.decode is an independent reader of the format.
        float[] matrix = {1f, 2f, 3f, 4f, 5f, 6f};
        Map<String, NDArray> tensors = Map.of(
                "matrix", manager.create(matrix, new Shape(2, 3)),
                "scalar", manager.create(7.5f),
                "empty", manager.create(new Shape(0, 3), DataType.FLOAT32));
        Path file = dir.resolve("djl.safetensors");
        SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));

        try (NDManager decoded = manager.newSubManager()) {
            NDList list = NDList.decode(decoded, Files.readAllBytes(file));
            Map<String, NDArray> byName = new LinkedHashMap<>();
            list.forEach(array -> byName.put(array.getName(), array));
            assertEquals(java.util.Set.of("matrix", "scalar", "empty"), byName.keySet());
            assertEquals(new Shape(2, 3), byName.get("matrix").getShape());
            assertArrayEquals(matrix, byName.get("matrix").toFloatArray());
            assertEquals(new Shape(), byName.get("scalar").getShape());
            assertArrayEquals(new float[] {7.5f}, byName.get("scalar").toFloatArray());
            assertEquals(new Shape(0, 3), byName.get("empty").getShape());
        }
    }

    @Test
    void zeroRankAndEmptyTensorsRoundTrip() throws IOException {
        Path file = dir.resolve("edge.safetensors");
        SafeTensorsWriter.write(file, List.of(
                SafeTensorsWriter.Entry.of("before", manager.create(new Shape(0), DataType.INT64)),
                SafeTensorsWriter.Entry.of("scalar", manager.create(-3.25)),
                SafeTensorsWriter.Entry.of("empty", manager.create(new Shape(4, 0, 2), DataType.FLOAT32)),
                new SafeTensorsWriter.Entry("empty_bf16", manager.create(new Shape(0), DataType.FLOAT32),
                        SafeTensorsDType.BF16)), Map.of());
        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDManager loads = manager.newSubManager()) {
            assertEquals(new TensorInfo("scalar", SafeTensorsDType.F64, new Shape(), 0, 8), opened.info("scalar"));
            assertEquals(new TensorInfo("empty", SafeTensorsDType.F32, new Shape(4, 0, 2), 8, 8), opened.info("empty"));
            NDArray scalar = opened.load("scalar", loads);
            assertEquals(new Shape(), scalar.getShape());
            assertArrayEquals(new double[] {-3.25}, scalar.toDoubleArray());
            assertEquals(new Shape(4, 0, 2), opened.load("empty", loads).getShape());
            assertEquals(new Shape(0), opened.load("before", loads).getShape());
            assertEquals(DataType.FLOAT32, opened.load("empty_bf16", loads).getDataType());
            assertEquals(0, opened.bytes("empty").byteSize());
        }
    }

    @Test
    void bytesIsAReadOnlyViewUnmappedOnClose() throws IOException {
        Path file = dir.resolve("view.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", manager.create(new float[] {1f, -2f}),
                "b", manager.create(new int[] {0x01020304})), Map.of());
        MemorySegment view;
        try (SafeTensorsFile opened = SafeTensorsFile.open(file)) {
            view = opened.bytes("b");
            assertTrue(view.isReadOnly());
            assertArrayEquals(new byte[] {4, 3, 2, 1}, view.toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(RawSafeTensors.floats(1f, -2f), opened.bytes("a").toArray(ValueLayout.JAVA_BYTE));
            // JDK 25 reports a write to a read-only segment as IllegalArgumentException.
            assertThrows(IllegalArgumentException.class, () -> opened.bytes("a").set(ValueLayout.JAVA_BYTE, 0,
                    (byte) 0));
            IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> opened.info("c"));
            assertTrue(absent.getMessage().contains(file.toString()) && absent.getMessage().contains("'c'"),
                    absent.getMessage());
        }
        MemorySegment closedView = view;
        assertThrows(IllegalStateException.class, () -> closedView.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void loadAfterCloseFails() throws IOException {
        Path file = dir.resolve("closed.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", manager.create(new float[] {1f})), Map.of());
        SafeTensorsFile opened = SafeTensorsFile.open(file);
        opened.close();
        opened.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> opened.load("a", manager));
    }

    @Test
    void offsetsBeyondTwoGibibytesWork() throws IOException {
        // Project-written fixture: a sparse 2 GiB + 16 byte file. "big" (2^31 U8 elements) fills the first 2 GiB with
        // zeros and cannot be loaded into a DJL array; "tail" sits beyond 2^31, so its offsets need 64 bits.
        long big = 1L << 31;
        Path file = RawSafeTensors.write(dir.resolve("sparse.safetensors"), json(
                "{'big':{'dtype':'U8','shape':[" + big + "],'data_offsets':[0," + big + "]},"
                        + "'tail':{'dtype':'F32','shape':[4],'data_offsets':[" + big + "," + (big + 16) + "]}}    "),
                new byte[0]);
        long dataStart = Files.size(file);
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.setLength(dataStart + big + 16);
            raw.seek(dataStart + big);
            raw.write(RawSafeTensors.floats(1f, 2f, -3f, 4.5f));
        }
        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDArray tail = opened.load("tail", manager)) {
            assertArrayEquals(new float[] {1f, 2f, -3f, 4.5f}, tail.toFloatArray());
            assertEquals(0, opened.bytes("big").get(ValueLayout.JAVA_BYTE, big - 1));
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                    () -> opened.load("big", manager));
            assertTrue(tooBig.getMessage().contains("'big'") && tooBig.getMessage().contains("2^31"),
                    tooBig.getMessage());
        }
    }

    @Test
    void failedWriteLeavesPreviousFileUntouched() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "previous contents");
        NDArray good = manager.create(new float[] {1f, 2f});
        NDArray released = manager.create(new float[] {3f});
        List<SafeTensorsWriter.Entry> entries = List.of(SafeTensorsWriter.Entry.of("good", good),
                SafeTensorsWriter.Entry.of("released", released));
        assertEquals(new Shape(1), released.getShape()); // caches the shape, so the header can still be built
        released.close(); // reading its data now fails, after "good" was written
        RuntimeException e = assertThrows(RuntimeException.class, () -> SafeTensorsWriter.write(file, entries,
                Map.of()));
        // The failure must come from copying tensor data, i.e. after the temporary file was created and partly written.
        assertTrue(Stream.of(e.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("writeTensor")),
                () -> "failed before writing data: " + java.util.Arrays.toString(e.getStackTrace()));
        assertEquals("previous contents", Files.readString(file));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "temporary file left behind");
        }
    }

    @Test
    void entryRefusesLossyOrUnknownConversions() {
        NDArray ints = manager.create(new int[] {1});
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensorsWriter.Entry("i", ints, SafeTensorsDType.F16));
        NDArray doubles = manager.create(new double[] {1});
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensorsWriter.Entry("d", doubles, SafeTensorsDType.BF16));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.Entry.of("__metadata__", ints));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(dir.resolve("dup.safetensors"),
                List.of(SafeTensorsWriter.Entry.of("x", ints), SafeTensorsWriter.Entry.of("x", doubles)), Map.of()));
    }

    private static short[] shorts(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    private static String header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) length, StandardCharsets.UTF_8);
    }
}
