package dev.tune4j.optim;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * One state tensor an {@link UpdateRule} declares for one parameter: its name, shape and dtype. The optimizer allocates
 * it as zeros on first use, counts its bytes exactly and saves it under {@code <parameter>::<name>}.
 *
 * @param name e.g. {@code m}, {@code v}, {@code state1}, {@code galore_left}
 * @param shape its shape (often the weight's, but codes, scales and bases have their own)
 * @param dataType its element type
 */
public record StateSpec(String name, Shape shape, DataType dataType) {
    /** Checks the fields. */
    public StateSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape of " + name);
        Objects.requireNonNull(dataType, "data type of " + name);
    }

    /** A float32 tensor of {@code shape}. */
    public static StateSpec float32(String name, Shape shape) {
        return new StateSpec(name, shape, DataType.FLOAT32);
    }

    /** Exact bytes of the tensor. */
    public long bytes() {
        return shape.size() * dataType.getNumOfBytes();
    }
}
