package dev.tune4j.optim.soaa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import java.lang.foreign.MemorySegment;

/** Test helpers (written by the project): float32 CPU parameters whose gradients tests write directly. */
final class SoaaTensors {
    private SoaaTensors() {}

    /** A parameter named {@code name} with weight {@code values} and a zero gradient, owned by {@code manager}. */
    static TrainableParameter parameter(NDManager manager, String name, float[] values, Shape shape) {
        NDArray weight = manager.zeros(shape, DataType.FLOAT32);
        TensorMemory.of(weight).copyFrom(MemorySegment.ofArray(values));
        return new TrainableParameter(name, weight, manager.zeros(shape, DataType.FLOAT32));
    }

    /** Writes {@code values}, rounded to float, into the parameter's gradient. */
    static void setGradient(TrainableParameter parameter, double[] values) {
        TensorMemory.of(parameter.gradient()).copyFrom(MemorySegment.ofArray(toFloats(values)));
    }

    /** The values rounded to float. */
    static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    /** The values rounded to float and widened back (what a float32 tensor holds, as doubles). */
    static double[] roundedToFloat(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = (float) values[i];
        }
        return rounded;
    }
}
