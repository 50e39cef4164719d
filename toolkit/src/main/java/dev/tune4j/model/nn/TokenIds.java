package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Checks on a batch of token ids before it reaches an embedding table, so bad input fails with a clear message. */
public final class TokenIds {
    private TokenIds() {}

    /**
     * Ensures {@code ids} is an int64 {@code [B, T]} batch with ids in {@code [0, vocabSize)} and
     * {@code T <= maxPositions}.
     *
     * @throws IllegalArgumentException naming the offending value
     */
    public static void check(NDArray ids, long vocabSize, long maxPositions) {
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, length], got shape " + ids.getShape());
        }
        if (ids.getDataType() != DataType.INT64 && ids.getDataType() != DataType.INT32) {
            throw new IllegalArgumentException("token ids must be int64 or int32, got " + ids.getDataType());
        }
        long length = ids.getShape().get(1);
        if (length > maxPositions) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds the model's "
                    + "max_position_embeddings " + maxPositions + "; truncate the input");
        }
        if (ids.size() == 0) {
            return;
        }
        try (NDArray max = ids.max(); NDArray min = ids.min()) {
            long largest = max.toType(DataType.INT64, false).getLong();
            long smallest = min.toType(DataType.INT64, false).getLong();
            if (largest >= vocabSize || smallest < 0) {
                throw new IllegalArgumentException("token id " + (largest >= vocabSize ? largest : smallest)
                        + " is outside the model's vocabulary [0, " + vocabSize
                        + "); does the tokenizer belong to this model?");
            }
        }
    }
}
