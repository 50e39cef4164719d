package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import dev.tune4j.nn.EngineScalars;

/**
 * Multi-head scaled dot-product attention, {@code softmax(q k^T / sqrt(d) + mask) v}, and the head split/merge
 * reshapes around it. Shapes: activations {@code [B, T, H*d]}, heads {@code [B, H, T, d]}.
 */
public final class ScaledDotProductAttention {
    private ScaledDotProductAttention() {}

    /** {@code [B, T, H*d] -> [B, H, T, d]}. */
    public static NDArray splitHeads(NDArray x, long heads) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        return x.reshape(batch, length, heads, -1).transpose(0, 2, 1, 3);
    }

    /** {@code [B, H, T, d] -> [B, T, H*d]}. */
    public static NDArray mergeHeads(NDArray x) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(2);
        return x.transpose(0, 2, 1, 3).reshape(batch, length, -1);
    }

    /**
     * Attention over heads.
     *
     * @param q queries {@code [B, H, T, d]}
     * @param k keys {@code [B, H, T, d]}
     * @param v values {@code [B, H, T, d]}
     * @param additiveMask {@code [B or 1, 1, T, T]} from {@link AttentionMask}, or {@code null}
     * @param dropout probability of dropping an attention weight in training (0 for none)
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray additiveMask, double dropout, boolean training) {
        double scale = 1.0 / Math.sqrt(q.getShape().get(3));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        scores = scores.mul(EngineScalars.of(scores, scale));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray probabilities = scores.softmax(-1);
        return Dropout.apply(probabilities, dropout, training).matMul(v);
    }

    /** Repeats each of {@code [B, KV, T, d]}'s KV heads {@code times} times in place: {@code [B, KV*times, T, d]}. */
    public static NDArray repeatKeyValueHeads(NDArray x, long times) {
        if (times == 1) {
            return x;
        }
        var shape = x.getShape();
        return x.expandDims(2)
                .repeat(2, times)
                .reshape(shape.get(0), shape.get(1) * times, shape.get(2), shape.get(3));
    }
}
