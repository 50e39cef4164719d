package dev.tune4j.checkpoint.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tiny ONNX files the project writes itself (fixtures, not real models): a protobuf wire-format encoder for the few
 * ModelProto, GraphProto, NodeProto and TensorProto fields tune4j reads, following onnx.proto's field numbers.
 */
public final class OnnxFixtures {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private OnnxFixtures() {}

    public static OnnxFixtures message() {
        return new OnnxFixtures();
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    public OnnxFixtures varint(int field, long value) {
        writeVarint(((long) field << 3));
        writeVarint(value);
        return this;
    }

    public OnnxFixtures bytes(int field, byte[] value) {
        writeVarint(((long) field << 3) | 2);
        writeVarint(value.length);
        bytes.writeBytes(value);
        return this;
    }

    public OnnxFixtures string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public OnnxFixtures fixed32(int field, int value) {
        writeVarint(((long) field << 3) | 5);
        bytes.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        return this;
    }

    public OnnxFixtures fixed64(int field, long value) {
        writeVarint(((long) field << 3) | 1);
        bytes.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        return this;
    }

    /** A ModelProto with ir_version 6, a producer name and the given GraphProto as field 7. */
    public static byte[] model(byte[] graph) {
        return message().varint(1, 6).string(2, "tune4j-fixture").bytes(7, graph).toByteArray();
    }

    /** A float TensorProto with raw_data and unpacked dims. */
    public static byte[] floatTensor(String name, long[] dims, float... values) {
        OnnxFixtures tensor = message();
        for (long dim : dims) {
            tensor.varint(1, dim);
        }
        return tensor.varint(2, 1).string(8, name).bytes(9, littleEndian(values)).toByteArray();
    }

    /** A NodeProto. */
    public static byte[] node(String name, String opType, List<String> inputs, List<String> outputs) {
        OnnxFixtures node = message();
        inputs.forEach(input -> node.string(1, input));
        outputs.forEach(output -> node.string(2, output));
        return node.string(3, name).string(4, opType).toByteArray();
    }

    public static byte[] littleEndian(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    public static byte[] packedVarints(long... values) {
        OnnxFixtures packed = message();
        for (long value : values) {
            packed.writeVarint(value);
        }
        return packed.toByteArray();
    }

    private void writeVarint(long value) {
        while ((value & ~0x7fL) != 0) {
            bytes.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        bytes.write((int) value);
    }
}
