package dev.tune4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Test fixture (written by the project): tensors whose values depend only on their position, the same on every
 * machine and in every run, so tests can compare against hand-computed or scalar-twin values.
 *
 * <p>Element {@code i} of a tensor is {@code scale * sin(phase + i + 1)}, computed with {@link StrictMath} (bit-exact
 * on every JVM). Different {@code phase} values give uncorrelated-looking tensors of the same shape.
 */
public final class DeterministicTensors {
    private DeterministicTensors() {}

    /** {@code count} values {@code scale * sin(phase + i + 1)} in double precision. */
    public static double[] sinArange(int count, double scale, int phase) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = scale * StrictMath.sin(phase + i + 1.0);
        }
        return values;
    }

    /** The same values rounded to float. */
    public static float[] sinArangeFloat(int count, double scale, int phase) {
        double[] values = sinArange(count, scale, phase);
        float[] floats = new float[count];
        for (int i = 0; i < count; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    /** A float32 tensor of the given shape filled with {@link #sinArangeFloat}, owned by {@code manager}. */
    public static NDArray sinArange(NDManager manager, Shape shape, double scale, int phase) {
        return manager.create(sinArangeFloat(Math.toIntExact(shape.size()), scale, phase), shape);
    }
}
