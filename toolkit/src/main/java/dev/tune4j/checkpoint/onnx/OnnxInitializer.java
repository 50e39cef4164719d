package dev.tune4j.checkpoint.onnx;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * One initializer (a constant tensor, usually a weight) of an ONNX graph: a TensorProto.
 *
 * @param name the tensor's name in the graph (TensorProto field 8), e.g.
 *     {@code encoder.layer.0.attention.self.query.bias}, or an exporter's anonymous name such as
 *     {@code onnx::MatMul_787}
 * @param dataType the ONNX element type code (TensorProto field 2); {@value #FLOAT} is float32
 * @param dims the shape (TensorProto field 1), outermost first; empty for a scalar
 * @param data the raw little-endian, row-major element bytes, a view into the memory-mapped file (raw_data, field 9,
 *     or packed float_data, field 4); empty when the tensor keeps its values in another typed field, which this reader
 *     does not decode (only float tensors are checked to be complete)
 */
public record OnnxInitializer(String name, int dataType, List<Long> dims, MemorySegment data) {
    /** TensorProto.DataType FLOAT: IEEE 754 float32. */
    public static final int FLOAT = 1;

    /** Validates the fields and makes {@code dims} immutable. */
    public OnnxInitializer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        dims = List.copyOf(dims);
        for (long dim : dims) {
            if (dim < 0) {
                throw new IllegalArgumentException("initializer " + name + " has a negative dimension: " + dims);
            }
        }
    }

    /** Whether the elements are float32. */
    public boolean isFloat() {
        return dataType == FLOAT;
    }

    /** The number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long count = 1;
        for (long dim : dims) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }
}
