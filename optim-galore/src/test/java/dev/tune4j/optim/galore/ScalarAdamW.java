package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleFactory;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.UpdateRule;
import dev.tune4j.optim.adam.AdamOptions;
import dev.tune4j.optim.adam.ScalarAdam;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Test fixture (written by the project): PyTorch-semantics AdamW run by the toolkit's scalar twin
 * {@link ScalarAdam} on Java arrays, registered as {@code test_adamw}, so GaLore is tested around a rule that shares
 * no code with the Vector API kernel. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6, weight_decay 0.
 */
public final class ScalarAdamW extends RuleFactory<AdamOptions> {
    private static final OptionSchema SCHEMA = OptionSchema.builder("test_adamw").adamFamily(1e-3, 0.9, 0.999, 1e-6, 0)
            .build();

    /** For the service loader. */
    public ScalarAdamW() {
        super("test_adamw", "test fixture: scalar AdamW");
    }

    @Override
    public OptionSchema schema() {
        return SCHEMA;
    }

    /** False: it reads and writes Java arrays of CPU tensors, and has no engine-op path. */
    @Override
    public boolean updatesGpuTensors() {
        return false;
    }

    @Override
    public AdamOptions options(Options parsed) {
        return AdamOptions.of(parsed);
    }

    @Override
    public UpdateRule<AdamOptions> rule(AdamOptions options, long totalSteps, boolean engineOps) {
        return new UpdateRule<>() {
            @Override
            public List<StateSpec> state(String name, Shape shape, ParameterRole role, AdamOptions ignored) {
                return List.of(StateSpec.float32("m", shape), StateSpec.float32("v", shape));
            }

            @Override
            public void step(long t, List<RuleParameter<AdamOptions>> parameters, OptionalDouble loss) {
                for (RuleParameter<AdamOptions> parameter : parameters) {
                    AdamOptions group = parameter.options();
                    NDArray m = parameter.state().tensor("m");
                    NDArray v = parameter.state().tensor("v");
                    float[] weight = parameter.weight().toFloatArray();
                    float[] mValues = m.toFloatArray();
                    float[] vValues = v.toFloatArray();
                    ScalarAdam.update(weight, parameter.gradient().toFloatArray(), mValues, vValues,
                            group.step(parameter.lr(), parameter.decayed(group.weightDecay()), true, t));
                    FloatTensors.write(parameter.weight(), weight);
                    FloatTensors.write(m, mValues);
                    FloatTensors.write(v, vValues);
                }
            }
        };
    }
}
