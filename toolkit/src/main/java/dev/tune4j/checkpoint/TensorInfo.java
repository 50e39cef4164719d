package dev.tune4j.checkpoint;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * One tensor's header entry in a safetensors file.
 *
 * @param name the tensor's name (the header key)
 * @param dtype its element type in the file
 * @param shape its shape, row-major; {@code ()} for a 0-rank tensor
 * @param begin offset of its first byte, relative to the start of the data buffer (after the header)
 * @param end offset one past its last byte, relative to the data buffer
 */
public record TensorInfo(String name, SafeTensorsDType dtype, Shape shape, long begin, long end) {
    /** Validates the entry: names and types present, {@code 0 <= begin <= end}. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "': data offsets [" + begin + ", " + end
                    + "] must satisfy 0 <= begin <= end");
        }
    }

    /** Number of bytes in the file, {@code end - begin}. */
    public long byteCount() {
        return end - begin;
    }

    /** Number of elements, the product of the shape (1 for a 0-rank tensor). */
    public long elementCount() {
        return shape.size();
    }
}
