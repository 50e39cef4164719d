package dev.tune4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for arithmetic that autograd records. DJL 0.36's {@code mul(Number)}, {@code div(Number)},
 * {@code pow(Number)} and {@code maximum(Number)} wrap the number in a tensor made with {@code torch::from_blob} over a
 * Java direct buffer and close it right after the op; the op saves that tensor for the backward pass, the garbage
 * collector then frees the buffer, and backward reads freed memory (measured: NaN gradients at finite losses, nearly
 * every run with a 40 MB heap). These scalars are copied into engine-owned memory, which autograd keeps alive by
 * reference count. DJL's own helpers built on those ops carry the same fault, e.g. {@code Activation.swish}
 * ({@code sigmoid(x.mul(beta))}) and {@code mish}; tune4j does not call them on autograd paths.
 *
 * <p>To find such a fault, run the tests with {@code mvn verify -Pnative-memory} ({@code MALLOC_PERTURB_=255}, so
 * freed memory reads as NaN, and a 4 MB young generation, so buffers are collected within a step): the training tests
 * then fail with non-finite gradients that name the parameters behind the fault.
 */
public final class EngineScalars {
    private EngineScalars() {}

    /** {@code value} as a 0-d tensor of {@code like}'s dtype in engine-owned memory, attached to its manager. */
    public static NDArray of(NDArray like, double value) {
        try (NDArray wide = like.getManager().create(value)) {
            // toType to the same dtype returns an alias of the Java buffer even with copy=true; duplicate() copies
            return like.getDataType() == wide.getDataType() ? wide.duplicate() : wide.toType(like.getDataType(), true);
        }
    }
}
