package dev.tune4j.checkpoint;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: where its data buffer starts, its {@code __metadata__} and every
 * tensor's entry. {@link #read} is the parsing and validation half of {@link SafeTensorsFile#open}; the format and
 * every rule it enforces are described on {@link SafeTensorsFile}. Nothing is allocated in proportion to a length
 * field before that field has been checked against the file size.
 *
 * @param dataStart the file offset of the data buffer ({@code 8 + header length})
 * @param metadata the {@code __metadata__} map, in header order; empty if absent
 * @param tensors every tensor's entry, in data-offset order (ties by end, then name)
 */
record SafeTensorsHeader(long dataStart, Map<String, String> metadata, List<TensorInfo> tensors) {
    /** JSON for headers and index files: duplicate keys and trailing tokens are errors. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Reads and validates the header of an open file; reads nothing of the data buffer.
     *
     * @throws SafeTensorsFormatException naming the file, and the tensor where one is involved, for every rule listed
     *     on {@link SafeTensorsFile}
     * @throws IOException if the file cannot be read
     */
    static SafeTensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new SafeTensorsFormatException(file, "file is " + fileSize + " bytes long; a safetensors file starts"
                    + " with an 8-byte header length (truncated download?)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 0 || headerLength > SafeTensorsFile.MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the limit of " + SafeTensorsFile.MAX_HEADER_BYTES + " bytes; this is not a safetensors file or it is"
                    + " corrupt");
        }
        if (headerLength > fileSize - 8) {
            throw new SafeTensorsFormatException(file, "header length " + headerLength + " runs past the end of the "
                    + fileSize + "-byte file (truncated download?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        String header = decodeUtf8(file, headerBytes.flip());
        long dataStart = 8 + headerLength;
        long bufferSize = fileSize - dataStart;

        if (header.isEmpty() || header.charAt(0) != '{') {
            throw new SafeTensorsFormatException(file, "header must be a JSON object starting with '{' but starts with "
                    + (header.isEmpty() ? "nothing (empty header)" : quoteStart(header)));
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JacksonException e) {
            throw new SafeTensorsFormatException(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsFormatException(file, "header must be a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            String name = property.getKey();
            if (name.equals(SafeTensorsFile.METADATA_KEY)) {
                readMetadata(file, property.getValue(), metadata);
            } else {
                tensors.add(readEntry(file, name, property.getValue(), bufferSize));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
                .thenComparing(TensorInfo::name));
        checkCoverage(file, tensors, bufferSize);
        return new SafeTensorsHeader(dataStart, Collections.unmodifiableMap(metadata), List.copyOf(tensors));
    }

    private static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int read = channel.read(target, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) throws SafeTensorsFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(bytes.remaining());
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            throw new SafeTensorsFormatException(file, "header is not valid UTF-8 (bad byte sequence at header byte "
                    + bytes.position() + ", file offset " + (8 + bytes.position()) + ")");
        }
        return chars.flip().toString();
    }

    private static String quoteStart(String header) {
        int end = header.offsetByCodePoints(0, Math.min(header.codePointCount(0, header.length()), 20));
        return "'" + header.substring(0, end) + "'";
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata)
            throws SafeTensorsFormatException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(file, SafeTensorsFile.METADATA_KEY + " must be an object of strings, found "
                    + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new SafeTensorsFormatException(file, SafeTensorsFile.METADATA_KEY + " value for key '" + entry.getKey()
                        + "' must be a string, found " + entry.getValue().getNodeType());
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
    }

    private static TensorInfo readEntry(Path file, String name, JsonNode entry, long bufferSize)
            throws SafeTensorsFormatException {
        if (!entry.isObject()) {
            throw new SafeTensorsFormatException(file, name, "entry must be an object with dtype, shape and"
                    + " data_offsets, found " + entry.getNodeType());
        }
        JsonNode dtypeNode = required(file, name, entry, "dtype");
        if (!dtypeNode.isTextual()) {
            throw new SafeTensorsFormatException(file, name, "'dtype' must be a string, found "
                    + dtypeNode.getNodeType());
        }
        SafeTensorsDType dtype = SafeTensorsDType.of(dtypeNode.textValue(), file, name);
        long[] dims = longArray(file, name, required(file, name, entry, "shape"), "shape", -1);
        long[] offsets = longArray(file, name, required(file, name, entry, "data_offsets"), "data_offsets", 2);

        long elements = 1;
        long bytes;
        try {
            for (long dim : dims) {
                elements = Math.multiplyExact(elements, dim);
            }
            bytes = Math.multiplyExact(elements, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafeTensorsFormatException(file, name, "shape " + Arrays.toString(dims)
                    + " overflows: its byte count does not fit in 64 bits");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafeTensorsFormatException(file, name, "data_offsets [" + begin + ", " + end
                    + "] have begin > end");
        }
        if (end > bufferSize) {
            throw new SafeTensorsFormatException(file, name, "data_offsets [" + begin + ", " + end
                    + "] lie outside the data buffer of " + bufferSize + " bytes (truncated file?)");
        }
        if (end - begin != bytes) {
            throw new SafeTensorsFormatException(file, name, "data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes but shape " + Arrays.toString(dims) + " of " + dtype + " needs "
                    + elements + " x " + dtype.byteSize() + " = " + bytes + " bytes");
        }
        return new TensorInfo(name, dtype, new Shape(dims), begin, end);
    }

    private static JsonNode required(Path file, String name, JsonNode entry, String field)
            throws SafeTensorsFormatException {
        JsonNode value = entry.get(field);
        if (value == null) {
            throw new SafeTensorsFormatException(file, name, "entry lacks '" + field + "'");
        }
        return value;
    }

    private static long[] longArray(Path file, String name, JsonNode node, String field, int requiredLength)
            throws SafeTensorsFormatException {
        if (!node.isArray()) {
            throw new SafeTensorsFormatException(file, name, "'" + field + "' must be an array of integers, found "
                    + node.getNodeType());
        }
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new SafeTensorsFormatException(file, name, "'" + field + "' must have " + requiredLength
                    + " elements, found " + node.size());
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode element = node.get(i);
            if (!element.isIntegralNumber() || !element.canConvertToLong()) {
                throw new SafeTensorsFormatException(file, name, "'" + field + "' element " + i
                        + " must be an integer that fits in 64 bits, found " + element);
            }
            values[i] = element.longValue();
            if (values[i] < 0) {
                throw new SafeTensorsFormatException(file, name, "'" + field + "' element " + i + " is negative ("
                        + values[i] + ")" + (field.equals("shape") ? "; dimensions must be >= 0" : ""));
            }
        }
        return values;
    }

    /** Checks that the sorted ranges tile {@code [0, bufferSize)} exactly. */
    private static void checkCoverage(Path file, List<TensorInfo> sorted, long bufferSize)
            throws SafeTensorsFormatException {
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo info : sorted) {
            if (info.begin() < covered) {
                throw new SafeTensorsFormatException(file, info.name(), "data_offsets [" + info.begin() + ", "
                        + info.end() + "] overlap tensor '" + previous.name() + "' at [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (info.begin() > covered) {
                throw new SafeTensorsFormatException(file, info.name(), "data buffer has a hole: bytes [" + covered
                        + ", " + info.begin() + ") belong to no tensor");
            }
            covered = info.end();
            if (info.byteCount() > 0) {
                previous = info;
            }
        }
        if (covered != bufferSize) {
            throw new SafeTensorsFormatException(file, "data buffer has " + (bufferSize - covered) + " trailing bytes"
                    + " [" + covered + ", " + bufferSize + ") that belong to no tensor");
        }
    }
}
