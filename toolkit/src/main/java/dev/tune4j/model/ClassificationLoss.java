package dev.tune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Mean softmax cross-entropy of class logits against integer labels (PyTorch's {@code cross_entropy}). */
public final class ClassificationLoss {
    private ClassificationLoss() {}

    /**
     * The mean loss.
     *
     * @param logits {@code [B, C]}
     * @param labels {@code [B]} class indices in {@code [0, C)}
     * @return a scalar attached to the logits' manager
     */
    public static NDArray compute(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 2 || labels.getShape().dimension() != 1
                || labels.getShape().get(0) != logits.getShape().get(0)) {
            throw new IllegalArgumentException("logits must be [batch, classes] and labels [batch], got "
                    + logits.getShape() + " and " + labels.getShape());
        }
        NDArray targets = labels.toType(DataType.INT64, false).expandDims(-1);
        return logits.logSoftmax(-1).gather(targets, -1).mean().neg();
    }
}
