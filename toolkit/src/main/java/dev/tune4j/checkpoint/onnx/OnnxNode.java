package dev.tune4j.checkpoint.onnx;

import java.util.List;
import java.util.Objects;

/**
 * One operator of an ONNX graph: a NodeProto.
 *
 * @param name the node's name (NodeProto field 3), e.g. {@code /encoder/layer.0/attention/self/query/MatMul}; empty
 *     when the exporter gave none
 * @param opType the operator (field 4), e.g. {@code MatMul}
 * @param inputs the names of the tensors it consumes, in order (field 1)
 * @param outputs the names of the tensors it produces, in order (field 2)
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {
    /** Validates the fields and makes the lists immutable. */
    public OnnxNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
