package dev.tune4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleFactory;
import dev.tune4j.optim.RuleOptions;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.UpdateRule;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Test fixture (written by the project): SGD with momentum, {@code b = mu b + g; w -= lr (b + wd w)}, in plain NDArray
 * ops, registered as {@code momentum_sgd} where a test's service file lists it. It exercises the optimizer machinery
 * (options, groups, state, zeroing, save/load) without depending on any real optimizer, and is simple enough to compute
 * by hand.
 */
public final class MomentumSgd extends RuleFactory<MomentumSgd.Settings> {
    /** Its options: lr (0.1), momentum (0.9), weight_decay (0). */
    public static final OptionSchema SCHEMA = OptionSchema.builder("momentum_sgd")
            .number("lr", 0.1, x -> x > 0, "> 0")
            .number("momentum", 0.9, x -> x >= 0 && x < 1, "in [0, 1)")
            .number("weight_decay", 0, x -> x >= 0, ">= 0")
            .build();

    /**
     * The options of one group.
     *
     * @param lr learning rate
     * @param momentum mu
     * @param weightDecay wd
     */
    public record Settings(double lr, double momentum, double weightDecay) implements RuleOptions {}

    /** The factory (for the service loader). */
    public MomentumSgd() {
        super("momentum_sgd", "test fixture: SGD with momentum");
    }

    /** An optimizer with {@code settings}. */
    public static Optimizer of(OptimizerSettings settings) {
        return new MomentumSgd().create(settings);
    }

    @Override
    public OptionSchema schema() {
        return SCHEMA;
    }

    @Override
    public Settings options(Options parsed) {
        return new Settings(parsed.number("lr"), parsed.number("momentum"), parsed.number("weight_decay"));
    }

    @Override
    public UpdateRule<Settings> rule(Settings options, long totalSteps, boolean engineOps) {
        return new Rule();
    }

    private static final class Rule implements UpdateRule<Settings> {
        private double lastLoss = Double.NaN;

        @Override
        public List<StateSpec> state(String name, Shape shape, ParameterRole role, Settings options) {
            return List.of(StateSpec.float32("momentum_buffer", shape)); // same shape as the weight
        }

        @Override
        public void step(long t, List<RuleParameter<Settings>> parameters, OptionalDouble loss) {
            lastLoss = loss.orElse(Double.NaN);
            for (RuleParameter<Settings> parameter : parameters) {
                double lr = parameter.lr();
                double mu = parameter.options().momentum();
                double wd = parameter.decayed(parameter.options().weightDecay());
                NDArray buffer = parameter.state().tensor("momentum_buffer");
                NDArray weight = parameter.weight().stopGradient();
                try (NDArray scaledBuffer = buffer.mul(mu); NDArray updated = scaledBuffer.add(parameter.gradient())) {
                    buffer.set(new NDIndex("..."), updated);
                }
                try (NDArray decay = weight.mul(wd); NDArray direction = buffer.add(decay);
                        NDArray step = direction.mul(lr)) {
                    weight.subi(step);
                }
                weight.close();
            }
        }

        @Override
        public Map<String, Double> telemetry() {
            return Map.of("last_loss", lastLoss);
        }
    }
}
