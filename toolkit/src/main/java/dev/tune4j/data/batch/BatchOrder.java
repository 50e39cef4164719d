package dev.tune4j.data.batch;

import java.util.Random;

/**
 * The order in which a run visits its training examples: a sequence of epochs, each a permutation of all examples
 * drawn from the run's seed, cut into consecutive micro-batches (a micro-batch may straddle two epochs). It depends only
 * on the seed, the example count and the batch size, so every variant trained with one seed sees the same batches in
 * the same order.
 */
public final class BatchOrder {
    private final int examples;
    private final int batchSize;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    /**
     * @param examples training examples per epoch
     * @param batchSize examples per micro-batch
     * @param seed the run's seed
     */
    public BatchOrder(int examples, int batchSize, long seed) {
        if (examples < 1 || batchSize < 1) {
            throw new IllegalArgumentException("need at least one example and a batch size of at least 1, got "
                    + examples + " examples and batch size " + batchSize);
        }
        this.examples = examples;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Example indices of micro-batch {@code index} (0-based, counting every micro-batch of the run). */
    public int[] microBatch(long index) {
        int[] batch = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            long position = index * batchSize + i;
            batch[i] = permutation(Math.toIntExact(position / examples))[(int) (position % examples)];
        }
        return batch;
    }

    /** Optimizer steps that cover {@code epochs} epochs with {@code accumulation} micro-batches per step (rounded up). */
    public long stepsForEpochs(int epochs, int accumulation) {
        long perStep = (long) batchSize * accumulation;
        return Math.max(1, ((long) epochs * examples + perStep - 1) / perStep);
    }

    private int[] permutation(int epoch) {
        if (epoch != cachedEpoch) {
            int[] order = new int[examples];
            for (int i = 0; i < examples; i++) {
                order[i] = i;
            }
            Random random = new Random(seed * 1_000_003L + epoch); // Fisher-Yates, one stream per epoch
            for (int i = examples - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            cachedEpoch = epoch;
            cachedPermutation = order;
        }
        return cachedPermutation;
    }
}
