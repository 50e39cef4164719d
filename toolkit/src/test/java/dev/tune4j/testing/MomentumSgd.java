package dev.tune4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.optim.AbstractOptimizer;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.TrainableParameter;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Test fixture (written by the project): SGD with momentum, {@code b = mu b + g; w -= lr (b + wd w)}, in plain NDArray
 * ops. It exercises the optimizer API (options, groups, state, zeroing, save/load) without depending on any real
 * optimizer, and is simple enough to compute by hand.
 */
public final class MomentumSgd extends AbstractOptimizer {
    /** Its options: lr (0.1), momentum (0.9), weight_decay (0). */
    public static final OptionSchema SCHEMA = OptionSchema.builder("momentum_sgd")
            .number("lr", 0.1, x -> x > 0, "> 0")
            .number("momentum", 0.9, x -> x >= 0 && x < 1, "in [0, 1)")
            .number("weight_decay", 0, x -> x >= 0, ">= 0")
            .build();

    private double lastLoss = Double.NaN;

    /** An optimizer with {@code settings}. */
    public MomentumSgd(OptimizerSettings settings) {
        super("momentum_sgd", SCHEMA, settings);
    }

    @Override
    protected void update(List<TrainableParameter> parameters, OptionalDouble loss) {
        lastLoss = loss.orElse(Double.NaN);
        for (TrainableParameter parameter : parameters) {
            Group group = group(parameter);
            double lr = learningRate(group);
            double mu = group.options().number("momentum");
            double wd = group.options().number("weight_decay");
            NDArray buffer = state(parameter, "momentum_buffer", DataType.FLOAT32); // same shape as the weight
            NDArray weight = parameter.weight().stopGradient();
            try (NDArray scaledBuffer = buffer.mul(mu); NDArray updated = scaledBuffer.add(parameter.gradient())) {
                buffer.set(new ai.djl.ndarray.index.NDIndex("..."), updated);
            }
            try (NDArray decay = weight.mul(wd); NDArray direction = buffer.add(decay); NDArray step = direction.mul(lr)) {
                weight.subi(step);
            }
            weight.close();
        }
    }

    @Override
    public java.util.Map<String, Double> telemetry() {
        return java.util.Map.of("last_loss", lastLoss);
    }
}
