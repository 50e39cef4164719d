package dev.tune4j.model;

/**
 * Sanity bounds on the sizes in a {@code config.json}, checked when a config is built and before any weight is
 * allocated, so that a corrupt or hostile config fails with the key and its value instead of libtorch's allocator
 * error (or an out-of-memory abort) half way through building the model.
 *
 * <p>The bounds are far above any released Llama-2 or BERT model: every weight matrix must hold fewer than 2^31
 * elements (the most one DJL array can hold; Llama-2-70B's largest has 0.5 * 2^30), at most {@value #MAX_LAYERS}
 * layers and at most {@value #MAX_POSITIONS} positions.
 */
public final class ModelSizeLimits {
    /** The most elements one weight matrix may have: what one DJL array can hold. */
    public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8L;
    /** The most hidden layers a config may ask for. */
    public static final int MAX_LAYERS = 1024;
    /** The most positions a config may ask for. */
    public static final int MAX_POSITIONS = 1 << 22;

    private ModelSizeLimits() {}

    /**
     * Checks one weight matrix of {@code rows x columns}.
     *
     * @param what the matrix and the keys that size it, e.g. {@code "embed_tokens (vocab_size x hidden_size)"}
     * @throws IllegalArgumentException naming the matrix, both sizes and the product when it is too large
     */
    public static void checkMatrix(String what, int rows, int columns) {
        long elements = (long) rows * columns; // two ints: cannot overflow a long
        if (elements > MAX_TENSOR_ELEMENTS) {
            throw new IllegalArgumentException(what + " would be " + rows + " x " + columns + " = " + elements
                    + " elements, more than one tensor can hold (" + MAX_TENSOR_ELEMENTS + "); these sizes are not"
                    + " those of a real model: check config.json");
        }
    }

    /**
     * Checks a count key against its bound.
     *
     * @throws IllegalArgumentException naming the key, its value and the bound
     */
    public static void checkAtMost(String key, int value, int bound) {
        if (value > bound) {
            throw new IllegalArgumentException(key + " " + value + " is above the sanity bound of " + bound
                    + "; these sizes are not those of a real model: check config.json");
        }
    }
}
