package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in Hugging Face's {@code rotate_half} convention (docs/algorithms.md#llama-2-layout).
 *
 * <p>{@code inv_freq_j = 1 / theta^(2j/d)} for {@code j < d/2}; {@code freqs = pos * inv_freq};
 * {@code emb = concat(freqs, freqs)}; {@code x' = x * cos(emb) + rotate_half(x) * sin(emb)} with
 * {@code rotate_half(x) = concat(-x[d/2:], x[:d/2])}. Dimension {@code j} pairs with {@code j + d/2} (Meta's original
 * pairs adjacent dimensions; HF checkpoints carry the permuted q/k rows that make the two agree). The tables are
 * computed in double precision in Java and created in the activation's dtype.
 *
 * @param headDim d, the per-head width (even)
 * @param theta the base, {@code rope_theta} (10000 for Llama-2)
 */
public record RotaryEmbedding(int headDim, double theta) {
    /** Validates the parameters. */
    public RotaryEmbedding {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary head_dim must be positive and even, got " + headDim);
        }
        if (!(theta > 0)) {
            throw new IllegalArgumentException("rope_theta must be positive, got " + theta);
        }
    }

    /** cos and sin tables {@code [length, headDim]} for positions {@code 0..length-1}, owned by {@code manager}. */
    public NDList tables(NDManager manager, int length, DataType dataType) {
        int half = headDim / 2;
        double[] cos = new double[length * headDim];
        double[] sin = new double[length * headDim];
        for (int position = 0; position < length; position++) {
            for (int j = 0; j < half; j++) {
                double angle = position / Math.pow(theta, 2.0 * j / headDim);
                int row = position * headDim;
                cos[row + j] = cos[row + j + half] = Math.cos(angle);
                sin[row + j] = sin[row + j + half] = Math.sin(angle);
            }
        }
        Shape shape = new Shape(length, headDim);
        return new NDList(create(manager, cos, shape, dataType), create(manager, sin, shape, dataType));
    }

    /** Rotates {@code x [..., length, headDim]} by the tables from {@link #tables}. */
    public NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        int half = headDim / 2;
        NDArray rotated = NDArrays.concat(
                new NDList(x.get(new NDIndex("..., {}:", half)).neg(), x.get(new NDIndex("..., :{}", half))), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private static NDArray create(NDManager manager, double[] values, Shape shape, DataType dataType) {
        if (dataType == DataType.FLOAT64) {
            return manager.create(values, shape);
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        NDArray array = manager.create(floats, shape);
        if (dataType == DataType.FLOAT32) {
            return array;
        }
        try (array) {
            return array.toType(dataType, true);
        }
    }
}
