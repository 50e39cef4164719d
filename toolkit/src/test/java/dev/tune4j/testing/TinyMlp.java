package dev.tune4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/**
 * Test fixture (written by the project): a two-layer perceptron {@code in -> hidden (tanh) -> out} whose weights are
 * {@link DeterministicTensors} values, plus a deterministic regression batch for it. Small enough that optimizer
 * tests run in milliseconds, real enough that every parameter gets a gradient through the engine's autograd.
 */
public final class TinyMlp implements AutoCloseable {
    private final SequentialBlock block;
    private final int inputs;
    private final int outputs;

    private TinyMlp(SequentialBlock block, int inputs, int outputs) {
        this.block = block;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Builds and initializes the model; parameter {@code k} (in model order) is filled with
     * {@code 0.5 * sin(100 k + i + 1) / sqrt(fan-in)}.
     */
    public static TinyMlp create(NDManager manager, int inputs, int hidden, int outputs) {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::tanh)
                .add(Linear.builder().setUnits(outputs).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, inputs));
        int k = 0;
        for (Pair<String, Parameter> entry : block.getParameters()) {
            NDArray weight = entry.getValue().getArray();
            long fanIn = weight.getShape().dimension() > 1 ? weight.getShape().get(1) : 1;
            try (NDArray values =
                    DeterministicTensors.sinArange(manager, weight.getShape(), 0.5 / Math.sqrt(fanIn), 100 * k)) {
                weight.set(new NDIndex("..."), values);
            }
            k++;
        }
        return new TinyMlp(block, inputs, outputs);
    }

    /** The DJL block; its parameters are in model order. */
    public SequentialBlock block() {
        return block;
    }

    /** Forward pass in training mode. */
    public NDArray forward(NDArray input) {
        return block.forward(new ParameterStore(input.getManager(), false), new NDList(input), true).singletonOrThrow();
    }

    /**
     * A regression batch {@code (x, y)} with {@code x[b, i] = sin(b*inputs + i + 1)} and targets
     * {@code y = 0.3 * cos}-like values from another phase, both owned by {@code manager}.
     */
    public NDList batch(NDManager manager, int batchSize) {
        NDArray x = DeterministicTensors.sinArange(manager, new Shape(batchSize, inputs), 1.0, 7);
        NDArray y = DeterministicTensors.sinArange(manager, new Shape(batchSize, outputs), 0.3, 1_000);
        return new NDList(x, y);
    }

    /** Mean squared error of the model on {@code (x, y)}, a scalar. */
    public NDArray meanSquaredError(NDArray x, NDArray y) {
        NDArray prediction = forward(x);
        return prediction.sub(y).square().mean();
    }

    @Override
    public void close() {
        block.getParameters().values().forEach(Parameter::close);
    }
}
