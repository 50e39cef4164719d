package dev.tune4j.data.batch;

import java.util.Arrays;
import java.util.List;

/**
 * Pads a batch of sequences to the longest one in it (not to a fixed length), with an attention mask of 1 for real
 * tokens and 0 for padding, and per-token labels padded with {@link #IGNORE_INDEX} so the loss never counts padding.
 */
public final class DynamicPadding {
    /** Label value left out of the loss (PyTorch's convention, as {@link dev.tune4j.model.CausalLmLoss}). */
    public static final long IGNORE_INDEX = -100;

    private DynamicPadding() {}

    /**
     * Pads {@code sequences} without labels (classification, extractive QA).
     *
     * @param padId the tokenizer's pad id ({@code [PAD]} = 0 for BERT; Llama has none, use 0 with the mask)
     */
    public static PaddedBatch pad(List<long[]> sequences, long padId) {
        return build(sequences, null, padId);
    }

    /**
     * Pads sequences with their per-token labels ({@code labels.get(i)} as long as {@code sequences.get(i)}),
     * labels at padding set to {@link #IGNORE_INDEX}.
     */
    public static PaddedBatch padWithLabels(List<long[]> sequences, List<long[]> labels, long padId) {
        if (labels.size() != sequences.size()) {
            throw new IllegalArgumentException(sequences.size() + " sequences but " + labels.size() + " label rows");
        }
        return build(sequences, labels, padId);
    }

    /** Pads {@link LabelledSequence}s (ids with their labels). */
    public static PaddedBatch padLabelled(List<LabelledSequence> sequences, long padId) {
        return build(sequences.stream().map(LabelledSequence::ids).toList(),
                sequences.stream().map(LabelledSequence::labels).toList(), padId);
    }

    private static PaddedBatch build(List<long[]> sequences, List<long[]> labels, long padId) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("cannot pad an empty batch");
        }
        int length = 0;
        for (int i = 0; i < sequences.size(); i++) {
            long[] sequence = sequences.get(i);
            if (sequence.length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch is empty");
            }
            if (labels != null && labels.get(i).length != sequence.length) {
                throw new IllegalArgumentException("sequence " + i + " has " + sequence.length + " ids but "
                        + labels.get(i).length + " labels");
            }
            length = Math.max(length, sequence.length);
        }
        int batchSize = sequences.size();
        long[] ids = new long[batchSize * length];
        long[] mask = new long[batchSize * length];
        long[] paddedLabels = labels == null ? null : new long[batchSize * length];
        Arrays.fill(ids, padId);
        if (paddedLabels != null) {
            Arrays.fill(paddedLabels, IGNORE_INDEX);
        }
        for (int row = 0; row < batchSize; row++) {
            long[] sequence = sequences.get(row);
            System.arraycopy(sequence, 0, ids, row * length, sequence.length);
            Arrays.fill(mask, row * length, row * length + sequence.length, 1);
            if (paddedLabels != null) {
                System.arraycopy(labels.get(row), 0, paddedLabels, row * length, sequence.length);
            }
        }
        return new PaddedBatch(batchSize, length, ids, mask, paddedLabels);
    }
}
