package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.TensorMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Copies between contiguous float32 CPU tensors and Java arrays, through zero-copy views of the tensor memory. */
final class FloatTensors {
    private FloatTensors() {}

    /** The elements of {@code array} (float32, contiguous, CPU) in row-major order. */
    static float[] read(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a float32 tensor, got " + array.getDataType());
        }
        float[] values = new float[Math.toIntExact(array.size())];
        MemorySegment.copy(TensorMemory.of(array), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values, 0, values.length);
        return values;
    }

    /** A new float32 tensor of {@code shape} in {@code manager} holding {@code values}. */
    static NDArray create(NDManager manager, float[] values, Shape shape) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + shape);
        }
        NDArray array = manager.create(shape, DataType.FLOAT32);
        write(array, values);
        return array;
    }

    /** Copies {@code values} over the elements of {@code array} (float32, contiguous, CPU, of as many elements). */
    static void write(NDArray array, float[] values) {
        if (array.getDataType() != DataType.FLOAT32 || array.size() != values.length) {
            throw new IllegalArgumentException(values.length + " floats do not fill " + array.getShape() + " "
                    + array.getDataType());
        }
        MemorySegment.copy(values, 0, TensorMemory.of(array), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
    }

    /** {@code array} itself if it is float32, else a float32 copy of it in {@code scratch}. */
    static NDArray float32(NDArray array, NDManager scratch) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array;
        }
        NDArray converted = array.toType(DataType.FLOAT32, true);
        converted.attach(scratch);
        return converted;
    }

    /** Whether every element of {@code array} (float32, contiguous, CPU) is finite. */
    static boolean allFinite(NDArray array) {
        MemorySegment memory = TensorMemory.of(array);
        long count = array.size();
        for (long i = 0; i < count; i++) {
            if (!Float.isFinite(memory.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i))) {
                return false;
            }
        }
        return true;
    }
}
