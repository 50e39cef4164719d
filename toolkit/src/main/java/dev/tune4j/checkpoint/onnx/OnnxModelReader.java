package dev.tune4j.checkpoint.onnx;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the graph of an ONNX model file (a protobuf {@code ModelProto}) with a hand-written protobuf wire-format
 * decoder: no protobuf library and no generated classes. The file is memory-mapped; tensor data stay in the mapping.
 *
 * <p>Decoded: ModelProto.graph (field 7); GraphProto.node (1) and initializer (5); NodeProto input (1), output (2),
 * name (3), op_type (4); TensorProto dims (1, packed or not), data_type (2), float_data (4, packed), name (8), raw_data
 * (9) and data_location (14). Every other field is skipped by its wire type. A float tensor whose bytes do not match
 * its shape, or whose data live in an external file, is rejected.
 */
public final class OnnxModelReader {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    private OnnxModelReader() {}

    /**
     * Memory-maps {@code file} and decodes its graph.
     *
     * @throws IOException when the file cannot be read, or is not a well-formed ONNX model; the message names the file,
     *     the field (e.g. {@code ModelProto.graph.initializer[3].raw_data}) and the byte offset
     */
    public static OnnxModel read(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            List<OnnxInitializer> initializers = new ArrayList<>();
            List<OnnxNode> nodes = new ArrayList<>();
            Wire model = new Wire(file, mapped, 0, mapped.byteSize());
            boolean sawGraph = false;
            while (model.hasMore()) {
                long tag = model.tag("ModelProto");
                if (fieldNumber(tag) == 7 && wireType(tag) == WIRE_LENGTH_DELIMITED) {
                    readGraph(model.message("ModelProto.graph"), initializers, nodes);
                    sawGraph = true;
                } else {
                    model.skip(tag, "ModelProto");
                }
            }
            if (!sawGraph) {
                throw model.error("ModelProto.graph (field 7)", "missing; this is not an ONNX model file");
            }
            return new OnnxModel(file, arena, initializers, nodes);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void readGraph(Wire graph, List<OnnxInitializer> initializers, List<OnnxNode> nodes)
            throws IOException {
        while (graph.hasMore()) {
            long tag = graph.tag("ModelProto.graph");
            int field = fieldNumber(tag);
            if (field == 1 && wireType(tag) == WIRE_LENGTH_DELIMITED) {
                String path = "ModelProto.graph.node[" + nodes.size() + "]";
                nodes.add(readNode(graph.message(path), path));
            } else if (field == 5 && wireType(tag) == WIRE_LENGTH_DELIMITED) {
                String path = "ModelProto.graph.initializer[" + initializers.size() + "]";
                initializers.add(readTensor(graph.message(path), path));
            } else {
                graph.skip(tag, "ModelProto.graph");
            }
        }
    }

    private static OnnxNode readNode(Wire node, String path) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        while (node.hasMore()) {
            long tag = node.tag(path);
            boolean bytes = wireType(tag) == WIRE_LENGTH_DELIMITED;
            switch (bytes ? fieldNumber(tag) : 0) {
                case 1 -> inputs.add(node.string(path + ".input"));
                case 2 -> outputs.add(node.string(path + ".output"));
                case 3 -> name = node.string(path + ".name");
                case 4 -> opType = node.string(path + ".op_type");
                default -> node.skip(tag, path);
            }
        }
        return new OnnxNode(name, opType, inputs, outputs);
    }

    private static OnnxInitializer readTensor(Wire tensor, String path) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        Wire rawData = null;
        Wire floatData = null;
        long dataLocation = 0;
        while (tensor.hasMore()) {
            long tag = tensor.tag(path);
            int field = fieldNumber(tag);
            int wire = wireType(tag);
            if (field == 1 && wire == WIRE_VARINT) {
                dims.add(tensor.varint(path + ".dims"));
            } else if (field == 1 && wire == WIRE_LENGTH_DELIMITED) {
                Wire packed = tensor.message(path + ".dims");
                while (packed.hasMore()) {
                    dims.add(packed.varint(path + ".dims"));
                }
            } else if (field == 2 && wire == WIRE_VARINT) {
                dataType = (int) tensor.varint(path + ".data_type");
            } else if (field == 4 && wire == WIRE_LENGTH_DELIMITED) {
                floatData = tensor.message(path + ".float_data");
            } else if (field == 4 && wire == WIRE_FIXED32) {
                throw tensor.error(path + ".float_data (field 4)", "unpacked float values are not supported; "
                        + "re-export the model with raw_data (the default of current exporters)");
            } else if (field == 8 && wire == WIRE_LENGTH_DELIMITED) {
                name = tensor.string(path + ".name");
            } else if (field == 9 && wire == WIRE_LENGTH_DELIMITED) {
                rawData = tensor.message(path + ".raw_data");
            } else if (field == 14 && wire == WIRE_VARINT) {
                dataLocation = tensor.varint(path + ".data_location");
            } else {
                tensor.skip(tag, path);
            }
        }
        for (long dim : dims) {
            if (dim < 0) {
                throw tensor.error(path + ".dims (field 1)", "tensor '" + name + "' has negative dimension " + dim);
            }
        }
        Wire source = rawData != null ? rawData : floatData;
        MemorySegment data = source == null ? MemorySegment.ofArray(new byte[0]) : source.remaining();
        OnnxInitializer initializer = new OnnxInitializer(name, dataType, dims, data);
        if (initializer.isFloat()) {
            if (dataLocation == DATA_LOCATION_EXTERNAL) {
                throw tensor.error(path + ".data_location (field 14)", "tensor '" + name
                        + "' keeps its data in an external file, which this reader does not follow");
            }
            long expected = Math.multiplyExact(initializer.elementCount(), Float.BYTES);
            if (data.byteSize() != expected) {
                throw tensor.error(path + (rawData != null ? ".raw_data (field 9)" : ".float_data (field 4)"),
                        "tensor '" + name + "' of shape " + dims + " needs " + expected + " bytes but has "
                                + data.byteSize());
            }
        }
        return initializer;
    }

    private static int fieldNumber(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wireType(long tag) {
        return (int) (tag & 7);
    }

    /** A cursor over one protobuf message: the bytes [position, end) of the mapped file. */
    private static final class Wire {
        private final Path file;
        private final MemorySegment bytes;
        private long position;
        private final long end;

        Wire(Path file, MemorySegment bytes, long position, long end) {
            this.file = file;
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        long tag(String message) throws IOException {
            long tag = varint(message + " field tag");
            if (fieldNumber(tag) == 0) {
                throw error(message, "field number 0 is not valid protobuf; the file is corrupt or not ONNX");
            }
            return tag;
        }

        long varint(String field) throws IOException {
            long start = position;
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    position = start;
                    throw error(field, "varint runs past the end of its message; the file is truncated or corrupt");
                }
                byte b = bytes.get(ValueLayout.JAVA_BYTE, position++);
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            position = start;
            throw error(field, "varint longer than 10 bytes; the file is corrupt or not ONNX");
        }

        /** Reads a length prefix and returns a cursor over the following bytes, moving past them. */
        Wire message(String field) throws IOException {
            long start = position;
            long length = varint(field + " length");
            if (length < 0 || length > end - position) {
                position = start;
                throw error(field, "length " + length + " runs past the end of its message (" + (end - start)
                        + " bytes left); the file is truncated or corrupt");
            }
            Wire inner = new Wire(file, bytes, position, position + length);
            position += length;
            return inner;
        }

        String string(String field) throws IOException {
            MemorySegment text = message(field).remaining();
            return new String(text.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }

        MemorySegment remaining() {
            return bytes.asSlice(position, end - position);
        }

        void skip(long tag, String message) throws IOException {
            String field = message + " field " + fieldNumber(tag);
            switch (wireType(tag)) {
                case WIRE_VARINT -> varint(field);
                case WIRE_LENGTH_DELIMITED -> message(field);
                case WIRE_FIXED64 -> advance(Long.BYTES, field);
                case WIRE_FIXED32 -> advance(Integer.BYTES, field);
                default -> throw error(field, "wire type " + wireType(tag)
                        + " is not one ONNX uses (0, 1, 2 or 5); the file is corrupt or not ONNX");
            }
        }

        private void advance(int count, String field) throws IOException {
            if (count > end - position) {
                throw error(field, "fixed-size value runs past the end of its message; the file is truncated");
            }
            position += count;
        }

        IOException error(String field, String what) {
            return new IOException(file + ": not a valid ONNX model: " + field + " at byte " + position + ": " + what);
        }
    }
}
