package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention masks: 0 where a query may attend a key, a large negative number where it may not, added to the
 * scores before softmax.
 *
 * <p>The padding mask follows HF: {@code attention_mask[b, t] = 1} for a real token, 0 for padding (padding on the
 * right). Causal masking forbids keys after the query position.
 */
public final class AttentionMask {
    private AttentionMask() {}

    /**
     * The mask {@code [B or 1, 1, T, T]} in {@code dataType}, owned by {@code manager}.
     *
     * @param attentionMask {@code [B, T]} ones and zeros, or {@code null} for no padding
     * @param length T
     * @param causal whether keys after the query are hidden
     */
    public static NDArray additive(
            NDManager manager, NDArray attentionMask, int length, boolean causal, DataType dataType) {
        double blocked = dataType == DataType.FLOAT16 ? -6.0e4 : -1.0e9;
        NDArray hidden = null; // 1 where a key is hidden from a query, in dataType
        if (causal) {
            try (NDArray rows = manager.arange(length).reshape(length, 1);
                    NDArray cols = manager.arange(length).reshape(1, length);
                    NDArray future = cols.gt(rows)) {
                hidden = future.toType(dataType, false).reshape(1, 1, length, length);
            }
        }
        if (attentionMask != null) {
            Shape shape = attentionMask.getShape();
            if (shape.dimension() != 2 || shape.get(1) != length) {
                throw new IllegalArgumentException("attention_mask must be [batch, " + length + "], got " + shape);
            }
            try (NDArray keep = attentionMask.toType(dataType, false);
                    NDArray padding = keep.neg().add(1).reshape(shape.get(0), 1, 1, length)) {
                NDArray combined = hidden == null ? padding.duplicate() : hidden.add(padding).clip(0, 1);
                if (hidden != null) {
                    hidden.close();
                }
                hidden = combined;
            }
        }
        if (hidden == null) {
            return manager.zeros(new Shape(1, 1, length, length), dataType);
        }
        NDArray additive = hidden.mul(blocked);
        hidden.close();
        return additive;
    }
}
