package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;

/** Inverted dropout, active only in training and for a positive rate. */
public final class Dropout {
    private Dropout() {}

    /** {@code x} with elements zeroed at {@code rate} and the rest scaled by {@code 1/(1-rate)}, in training only. */
    public static NDArray apply(NDArray x, double rate, boolean training) {
        if (!training || rate <= 0) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, (float) rate, true).singletonOrThrow();
    }
}
