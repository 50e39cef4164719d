package dev.tune4j.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.tune4j.nn.ParameterNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Float64 central finite differences against the engine's autograd, for a few elements of every parameter of a model
 * built in FLOAT64. The test's own harness (not production code).
 */
final class GradientCheck {
    /** One compared element. */
    record Sample(String parameter, long index, double autograd, double numeric) {
        double relativeError() {
            double scale = Math.max(Math.abs(autograd), Math.abs(numeric));
            return scale < 1e-9 ? Math.abs(autograd - numeric) : Math.abs(autograd - numeric) / scale;
        }
    }

    private GradientCheck() {}

    /**
     * Compares the {@code perTensor} elements of every parameter with the largest autograd gradient (where the
     * comparison means most) against a five-point central difference, {@code (-f(x+2h) + 8f(x+h) - 8f(x-h) +
     * f(x-2h)) / 12h}, whose truncation error is O(h^4).
     *
     * @param loss computes the scalar loss from a step manager (called with and without a gradient collector)
     */
    static List<Sample> run(Block model, Function<NDManager, NDArray> loss, int perTensor, double h) {
        Map<String, Parameter> parameters = ParameterNames.of(model);
        try (NDManager step = NDManager.newBaseManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss.apply(step));
            }
        }
        List<Sample> samples = new ArrayList<>();
        for (var entry : parameters.entrySet()) {
            NDArray weight = entry.getValue().getArray();
            double[] gradient = weight.getGradient().toDoubleArray();
            long size = weight.size();
            Integer[] order = new Integer[(int) size];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(gradient[b]), Math.abs(gradient[a])));
            for (int s = 0; s < Math.min(perTensor, order.length); s++) {
                int index = order[s];
                NDIndex at = at(weight.getShape(), index);
                double original = weight.get(at).toDoubleArray()[0];
                double[] f = new double[4];
                double[] offsets = {2 * h, h, -h, -2 * h};
                for (int k = 0; k < 4; k++) {
                    weight.set(at, original + offsets[k]);
                    f[k] = evaluate(loss);
                }
                weight.set(at, original);
                double numeric = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * h);
                samples.add(new Sample(entry.getKey(), index, gradient[index], numeric));
            }
        }
        return samples;
    }

    private static double evaluate(Function<NDManager, NDArray> loss) {
        try (NDManager step = NDManager.newBaseManager()) {
            return loss.apply(step).toDoubleArray()[0];
        }
    }

    private static NDIndex at(Shape shape, long flat) {
        long[] coordinates = new long[shape.dimension()];
        for (int axis = shape.dimension() - 1; axis >= 0; axis--) {
            coordinates[axis] = flat % shape.get(axis);
            flat /= shape.get(axis);
        }
        StringBuilder spec = new StringBuilder();
        for (long c : coordinates) {
            spec.append(spec.isEmpty() ? "" : ",").append(c);
        }
        return new NDIndex(spec.toString());
    }
}
