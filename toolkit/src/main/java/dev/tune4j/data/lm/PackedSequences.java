package dev.tune4j.data.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs a token stream into consecutive, non-overlapping sequences of one fixed length (no padding needed); the
 * tokens after the last full sequence are dropped and counted.
 *
 * @param sequences the packed sequences, each {@code length} long
 * @param length the sequence length
 * @param droppedTokens tokens at the end that did not fill a sequence
 */
public record PackedSequences(List<long[]> sequences, int length, int droppedTokens) {
    /** Copies the list. */
    public PackedSequences {
        sequences = List.copyOf(sequences);
    }

    /**
     * Packs {@code tokens} into sequences of {@code length}.
     *
     * @throws IllegalArgumentException if {@code length < 2} or not even one sequence fits
     */
    public static PackedSequences pack(int[] tokens, int length) {
        if (length < 2) {
            throw new IllegalArgumentException("sequence length must be at least 2 (one prediction), got " + length);
        }
        int count = tokens.length / length;
        if (count == 0) {
            throw new IllegalArgumentException(tokens.length + " tokens do not fill one sequence of " + length);
        }
        List<long[]> sequences = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            long[] sequence = new long[length];
            for (int t = 0; t < length; t++) {
                sequence[t] = tokens[s * length + t];
            }
            sequences.add(sequence);
        }
        return new PackedSequences(sequences, length, tokens.length - count * length);
    }

    /** Number of next-token predictions a causal LM makes over these sequences: {@code (length - 1)} each. */
    public long predictedTokens() {
        return (long) sequences.size() * (length - 1);
    }
}
