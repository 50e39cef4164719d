package dev.tune4j.data.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of token sequences padded to the longest one, row-major {@code [batchSize, length]}.
 *
 * @param batchSize rows
 * @param length columns: the longest sequence's length
 * @param ids token ids, {@code padId} after each sequence's end
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param labels per-token labels ({@code -100} at padding and wherever no loss is wanted), or null when the batch
 *     carries no per-token labels
 */
public record PaddedBatch(int batchSize, int length, long[] ids, long[] attentionMask, long[] labels) {
    /** Checks the array sizes. */
    public PaddedBatch {
        long cells = (long) batchSize * length;
        if (batchSize < 1 || length < 1 || ids.length != cells || attentionMask.length != cells
                || (labels != null && labels.length != cells)) {
            throw new IllegalArgumentException("a " + batchSize + " x " + length + " batch needs " + cells
                    + " ids, mask and label values, got " + ids.length + ", " + attentionMask.length + ", "
                    + (labels == null ? "none" : labels.length));
        }
    }

    /** The ids as an int64 {@code [B, T]} array on {@code manager}. */
    public NDArray ids(NDManager manager) {
        return manager.create(ids, new Shape(batchSize, length));
    }

    /** The attention mask as an int64 {@code [B, T]} array on {@code manager}. */
    public NDArray attentionMask(NDManager manager) {
        return manager.create(attentionMask, new Shape(batchSize, length));
    }

    /**
     * The per-token labels as an int64 {@code [B, T]} array on {@code manager}.
     *
     * @throws IllegalStateException if the batch has none
     */
    public NDArray labels(NDManager manager) {
        if (labels == null) {
            throw new IllegalStateException("this batch has no per-token labels (a classification batch)");
        }
        return manager.create(labels, new Shape(batchSize, length));
    }

    /** Number of real (unpadded) tokens. */
    public long realTokens() {
        long count = 0;
        for (long mask : attentionMask) {
            count += mask;
        }
        return count;
    }
}
