package dev.tune4j.checkpoint;

import static dev.tune4j.checkpoint.RawSafeTensors.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardened reader: every malformed file is rejected at {@link SafeTensorsFile#open} with a
 * {@link SafeTensorsFormatException} naming the file and, where one is involved, the tensor. All bad files are
 * project-written fixtures built byte by byte by {@link RawSafeTensors}.
 */
class SafeTensorsFormatTest {
    @TempDir
    Path dir;

    private final byte[] eightBytes = new byte[8];

    /** Opens {@code file} expecting failure, and checks the message names the file and contains each fragment. */
    private static SafeTensorsFormatException rejected(Path file, String... fragments) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> {
            try (SafeTensorsFile opened = SafeTensorsFile.open(file)) {
                // not reached
            }
        });
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        return e;
    }

    private Path file(String header, byte[] data) throws IOException {
        return RawSafeTensors.write(dir.resolve("bad.safetensors"), json(header), data);
    }

    @Test
    void validFixtureOpens() throws IOException {
        // Control for the fixtures below: the same framing with a correct header is accepted.
        Path file = file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", eightBytes);
        try (SafeTensorsFile opened = SafeTensorsFile.open(file)) {
            assertEquals(List.of(new TensorInfo("w", SafeTensorsDType.F32, new ai.djl.ndarray.types.Shape(2), 0, 8)),
                    opened.tensors());
        }
    }

    @Test
    void fileShorterThanEightBytes() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 0, 0, 0, 0});
        rejected(file, "5 bytes", "8-byte header length");
    }

    @Test
    void emptyFile() throws IOException {
        rejected(Files.write(dir.resolve("empty.safetensors"), new byte[0]), "0 bytes");
    }

    @Test
    void headerLengthBeyondFileSize() throws IOException {
        Path file = RawSafeTensors.write(dir.resolve("cut.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8),
                new byte[0]);
        rejected(file, "header length 1000", "10-byte file");
    }

    @Test
    void headerLengthAboveLimit() throws IOException {
        Path file = RawSafeTensors.write(dir.resolve("huge.safetensors"), 100_000_001L, new byte[16], new byte[0]);
        rejected(file, "100000001", "limit of 100000000");
        // A length with the top bit set must not be read as negative and slip through.
        Path unsigned = RawSafeTensors.write(dir.resolve("unsigned.safetensors"), -8L, new byte[16], new byte[0]);
        rejected(unsigned, "18446744073709551608", "limit");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] header = {'{', '"', 'w', (byte) 0xFF, '"', ':', '1', '}'};
        Path file = RawSafeTensors.write(dir.resolve("latin.safetensors"), header.length, header, new byte[0]);
        rejected(file, "not valid UTF-8", "header byte 3");
    }

    @Test
    void headerNotJson() throws IOException {
        rejected(file("{'w': {'dtype': 'F32',", new byte[0]), "not valid JSON");
        rejected(file("{} {}", new byte[0]), "not valid JSON");
    }

    @Test
    void headerNotAnObject() throws IOException {
        rejected(file("[1, 2]", new byte[0]), "JSON object", "'[1, 2]'");
        rejected(file("        ", new byte[0]), "JSON object");
    }

    @Test
    void entryMissingDtype() throws IOException {
        rejected(file("{'w':{'shape':[2],'data_offsets':[0,8]}}", eightBytes), "tensor 'w'", "lacks 'dtype'");
    }

    @Test
    void entryMissingShape() throws IOException {
        rejected(file("{'w':{'dtype':'F32','data_offsets':[0,8]}}", eightBytes), "tensor 'w'", "lacks 'shape'");
    }

    @Test
    void entryMissingDataOffsets() throws IOException {
        rejected(file("{'w':{'dtype':'F32','shape':[2]}}", eightBytes), "tensor 'w'", "lacks 'data_offsets'");
    }

    @Test
    void entryFieldsOfWrongJsonType() throws IOException {
        rejected(file("{'w':[1,2]}", eightBytes), "tensor 'w'", "must be an object");
        rejected(file("{'w':{'dtype':4,'shape':[2],'data_offsets':[0,8]}}", eightBytes), "tensor 'w'",
                "'dtype' must be a string");
        rejected(file("{'w':{'dtype':'F32','shape':'2','data_offsets':[0,8]}}", eightBytes), "tensor 'w'",
                "'shape' must be an array");
        rejected(file("{'w':{'dtype':'F32','shape':[2.0],'data_offsets':[0,8]}}", eightBytes), "tensor 'w'",
                "'shape' element 0 must be an integer");
        rejected(file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[8]}}", eightBytes), "tensor 'w'",
                "'data_offsets' must have 2 elements");
        rejected(file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,'8']}}", eightBytes), "tensor 'w'",
                "'data_offsets' element 1 must be an integer");
        rejected(file("{'__metadata__':{'format':1}}", new byte[0]), "__metadata__", "'format'", "string");
    }

    @Test
    void unknownDtype() throws IOException {
        rejected(file("{'w':{'dtype':'F12','shape':[2],'data_offsets':[0,8]}}", eightBytes), "tensor 'w'",
                "unknown safetensors dtype 'F12'");
        rejected(file("{'w':{'dtype':'f32','shape':[2],'data_offsets':[0,8]}}", eightBytes), "upper case: F32");
    }

    @Test
    void unsupportedDtypesAreNamed() throws IOException {
        for (String dtype : List.of("I16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "C64")) {
            rejected(file("{'w':{'dtype':'" + dtype + "','shape':[4],'data_offsets':[0,8]}}", eightBytes),
                    "tensor 'w'", "dtype " + dtype + " is valid safetensors but tune4j cannot load it");
        }
    }

    @Test
    void negativeDimension() throws IOException {
        rejected(file("{'w':{'dtype':'F32','shape':[-2],'data_offsets':[0,8]}}", eightBytes), "tensor 'w'",
                "negative (-2)", "dimensions must be >= 0");
    }

    @Test
    void offsetsOutsideBuffer() throws IOException {
        rejected(file("{'w':{'dtype':'F32','shape':[4],'data_offsets':[0,16]}}", eightBytes), "tensor 'w'",
                "outside the data buffer of 8 bytes");
    }

    @Test
    void beginAfterEnd() throws IOException {
        rejected(file("{'w':{'dtype':'F32','shape':[2],'data_offsets':[8,0]}}", eightBytes), "tensor 'w'",
                "begin > end");
    }

    @Test
    void byteCountDisagreesWithShape() throws IOException {
        rejected(file("{'w':{'dtype':'F32','shape':[3],'data_offsets':[0,8]}}", eightBytes), "tensor 'w'",
                "span 8 bytes", "needs 3 x 4 = 12 bytes");
    }

    @Test
    void overlappingRanges() throws IOException {
        rejected(file("{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
                + "'b':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}", eightBytes),
                "tensor 'b'", "overlap tensor 'a' at [0, 8]");
    }

    @Test
    void holeBetweenTensors() throws IOException {
        rejected(file("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                + "'b':{'dtype':'U8','shape':[2],'data_offsets':[6,8]}}", eightBytes),
                "tensor 'b'", "hole: bytes [4, 6) belong to no tensor");
    }

    @Test
    void trailingBytesNotCovered() throws IOException {
        rejected(file("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", eightBytes),
                "4 trailing bytes [4, 8)");
    }

    @Test
    void duplicateNames() throws IOException {
        rejected(file("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                + "'w':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}", eightBytes),
                "not valid JSON", "Duplicate field 'w'");
    }

    @Test
    void shapeProductOverflow() throws IOException {
        // 2^32 * 2^32 elements overflow a long; 2^62 F32 elements overflow the byte count.
        rejected(file("{'w':{'dtype':'F32','shape':[4294967296,4294967296],'data_offsets':[0,8]}}", eightBytes),
                "tensor 'w'", "overflows");
        rejected(file("{'w':{'dtype':'F32','shape':[4611686018427387904],'data_offsets':[0,8]}}", eightBytes),
                "tensor 'w'", "overflows");
        rejected(file("{'w':{'dtype':'F32','shape':[99999999999999999999],'data_offsets':[0,8]}}", eightBytes),
                "tensor 'w'", "fits in 64 bits");
    }
}
