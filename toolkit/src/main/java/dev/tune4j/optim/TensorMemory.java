package dev.tune4j.optim;

import ai.djl.ndarray.NDArray;
import java.lang.foreign.MemorySegment;

/**
 * Zero-copy views of CPU tensor memory for the Java optimizer kernels: the returned segment is the libtorch tensor's
 * own storage (DJL's {@code toByteBuffer(true)} of a contiguous CPU tensor), so kernels read and write parameters,
 * gradients and state in place. Element order is the platform's (little-endian on x86-64 and aarch64). A tensor that
 * is not contiguous is refused (a view of it would be a copy).
 */
public final class TensorMemory {
    private TensorMemory() {}

    /**
     * The memory of {@code array}.
     *
     * @throws IllegalArgumentException if the array is not on the CPU (GPU tensors need the engine path)
     */
    public static MemorySegment of(NDArray array) {
        if (!array.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)) {
            throw new IllegalArgumentException("tensor on " + array.getDevice() + ": Java kernels need CPU memory");
        }
        if (array.size() == 0) {
            return MemorySegment.NULL.reinterpret(0);
        }
        MemorySegment segment = MemorySegment.ofBuffer(array.toByteBuffer(true));
        // DJL answers a non-contiguous tensor with a fresh contiguous copy each call: writes to it would be lost.
        // A second view at the same address proves the first one is the tensor's own storage.
        if (MemorySegment.ofBuffer(array.toByteBuffer(true)).address() != segment.address()) {
            throw new IllegalArgumentException("tensor " + array.getShape() + " is not contiguous in memory; "
                    + "Java kernels need the tensor's own storage (make it contiguous before training)");
        }
        long expected = array.size() * array.getDataType().getNumOfBytes();
        if (segment.byteSize() != expected) {
            throw new IllegalStateException("view of " + array.getShape() + " " + array.getDataType() + " has "
                    + segment.byteSize() + " bytes, expected " + expected);
        }
        return segment;
    }
}
