package dev.tune4j.data.lm;

/**
 * A token stream cut by position into a training part and the held-out part that follows it.
 *
 * @param train the first tokens
 * @param heldOut the last tokens
 */
public record HeldOutSplit(int[] train, int[] heldOut) {
    /** Checks both parts are non-empty. */
    public HeldOutSplit {
        if (train.length == 0 || heldOut.length == 0) {
            throw new IllegalArgumentException("both parts of a split need tokens, got " + train.length + " and "
                    + heldOut.length);
        }
    }
}
