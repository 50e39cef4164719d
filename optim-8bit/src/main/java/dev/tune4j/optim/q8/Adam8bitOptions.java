package dev.tune4j.optim.q8;

import dev.tune4j.optim.Options;
import dev.tune4j.optim.RuleOptions;
import dev.tune4j.optim.adam.AdamOptions;

/**
 * The options of 8-bit Adam and AdamW for one parameter group: Adam's own, and how its moments are stored.
 *
 * @param adam lr, betas, eps and weight decay; betas, eps and weight decay must stay in range as float32, the type the
 *     kernels compute in (a β that rounds to 1 would never forget)
 * @param blockSize elements per block sharing one absmax: a power of two from 64 to 2^20 (256 default, 2048 as in the
 *     paper)
 * @param min8bitSize tensors with fewer elements keep float32 moments, {@code >= 0}
 * @param optimBits 8, or 32 to keep float32 moments (e.g. as a group override)
 * @param stableEmbedding whether embeddings keep float32 moments ({@link Adam8bit#quantizes})
 */
public record Adam8bitOptions(AdamOptions adam, int blockSize, long min8bitSize, int optimBits,
        boolean stableEmbedding) implements RuleOptions {
    /** The largest block size. */
    static final int MAX_BLOCK_SIZE = 1 << 20;

    /** Validates. */
    public Adam8bitOptions {
        if (blockSize < 64 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block_size must be a power of two from 64 to 2^20, got " + blockSize);
        }
        if (min8bitSize < 0) {
            throw new IllegalArgumentException("min_8bit_size must be >= 0, got " + min8bitSize);
        }
        if (optimBits != 8 && optimBits != 32) {
            throw new IllegalArgumentException("optim_bits must be 8 or 32, got " + optimBits);
        }
        if (!((float) adam.beta1() < 1 && (float) adam.beta2() < 1)) {
            throw new IllegalArgumentException("betas (" + adam.beta1() + ", " + adam.beta2()
                    + ") round to 1 in float32, where 8-bit Adam computes; use betas below 1 - 3e-8");
        }
        if (!Float.isFinite((float) adam.eps()) || !Float.isFinite((float) adam.weightDecay())) {
            throw new IllegalArgumentException("eps " + adam.eps() + " and weight_decay " + adam.weightDecay()
                    + " must be finite in float32, where 8-bit Adam computes");
        }
    }

    /** The options of a parsed {@link Adam8bitFactory} schema. */
    public static Adam8bitOptions of(Options parsed) {
        return new Adam8bitOptions(AdamOptions.of(parsed), Math.toIntExact(parsed.integer("block_size")),
                parsed.integer("min_8bit_size"), Math.toIntExact(parsed.integer("optim_bits")),
                parsed.flag("stable_embedding"));
    }

    @Override
    public double lr() {
        return adam.lr();
    }
}
