package dev.tune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.nn.EngineScalars;

/**
 * Next-token cross-entropy for causal language models, as HF computes it: logits at position {@code t} predict the
 * label at {@code t + 1}; labels equal to {@link #IGNORE_INDEX} (and, when an attention mask is given, padding
 * positions) do not count; the loss is the mean over the counted tokens.
 */
public final class CausalLmLoss {
    /** Label value that is left out of the loss (PyTorch's convention). */
    public static final long IGNORE_INDEX = -100;

    private CausalLmLoss() {}

    /**
     * Mean next-token loss.
     *
     * @param logits {@code [B, T, V]}
     * @param labels {@code [B, T]} int64 token ids, {@link #IGNORE_INDEX} where no loss is wanted (prompts)
     * @param attentionMask {@code [B, T]} 1 real, 0 padding, or {@code null}
     * @return a scalar in the logits' dtype, attached to the logits' manager; its backward pass does not need the
     *     logits (log-softmax keeps its own output), so a caller that has no other use for them may close them as
     *     soon as this returns and the vocabulary-sized buffer is freed before the backward pass allocates its own
     * @throws IllegalArgumentException if no position is counted
     */
    public static NDArray compute(NDArray logits, NDArray labels, NDArray attentionMask) {
        long length = logits.getShape().get(1);
        if (labels.getShape().dimension() != 2 || labels.getShape().get(1) != length) {
            throw new IllegalArgumentException("labels must be [batch, " + length + "], got " + labels.getShape());
        }
        NDArray predicted; // [B, T-1, V]
        try (NDArray shifted = logits.get(":, :-1, :")) { // a view of the logits' memory, closed so it keeps none
            predicted = shifted.logSoftmax(-1);
        }
        NDArray targets = labels.get(":, 1:").toType(DataType.INT64, false); // [B, T-1]
        NDArray counted = targets.neq(IGNORE_INDEX);
        if (attentionMask != null) {
            counted = counted.logicalAnd(attentionMask.get(":, 1:").toType(DataType.BOOLEAN, false));
        }
        NDArray safeTargets = targets.mul(counted.toType(DataType.INT64, false)); // ignored -> id 0, weight 0
        NDArray logLikelihood = predicted.gather(safeTargets.expandDims(-1), -1).squeeze(-1); // [B, T-1]
        NDArray weights = counted.toType(logits.getDataType(), false);
        double count = weights.sum().toType(DataType.FLOAT64, false).getDouble();
        if (count == 0) {
            throw new IllegalArgumentException("no token is counted in the loss: every label is ignored or padding");
        }
        NDArray total = logLikelihood.mul(weights).sum().neg();
        return total.div(EngineScalars.of(total, count));
    }

    /** Labels for plain language modelling: the ids themselves, {@link #IGNORE_INDEX} at padding. */
    public static NDArray labelsFromIds(NDArray ids, NDArray attentionMask) {
        NDArray ids64 = ids.toType(DataType.INT64, false);
        if (attentionMask == null) {
            return ids64;
        }
        NDArray keep = attentionMask.toType(DataType.INT64, false);
        // ids * keep + IGNORE_INDEX * (1 - keep)
        return ids64.mul(keep).add(keep.neg().add(1).mul(IGNORE_INDEX));
    }
}
