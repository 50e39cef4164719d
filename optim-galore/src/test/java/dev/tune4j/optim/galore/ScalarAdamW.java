package dev.tune4j.optim.galore;

import ai.djl.ndarray.types.DataType;
import dev.tune4j.optim.AbstractOptimizer;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Test fixture (written by the project): the Hugging Face-style AdamW of GaLore's reference
 * (docs/algorithms.md#galore-adamw-step) as a plain scalar float loop, registered as {@code test_adamw} in the test
 * class path. Two fp32 moments per element:
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; w -= lr √(1-b2^t)/(1-b1^t) · m/(√v + eps); w -= lr wd w}.
 */
public final class ScalarAdamW extends AbstractOptimizer {
    static final OptionSchema SCHEMA = OptionSchema.builder("test_adamw").adamFamily(1e-3, 0.9, 0.999, 1e-6, 0)
            .build();

    ScalarAdamW(OptimizerSettings settings) {
        super("test_adamw", SCHEMA, settings);
    }

    @Override
    protected void update(List<TrainableParameter> parameters, OptionalDouble loss) {
        for (TrainableParameter parameter : parameters) {
            Group group = group(parameter);
            float lr = (float) learningRate(group);
            float beta1 = (float) group.options().pair("betas", 0);
            float beta2 = (float) group.options().pair("betas", 1);
            float eps = (float) group.options().number("eps");
            float decay = (float) (learningRate(group) * group.options().number("weight_decay"));
            float stepSize = (float) (learningRate(group) * Math.sqrt(1 - Math.pow(beta2, t))
                    / (1 - Math.pow(beta1, t)));
            MemorySegment w = TensorMemory.of(parameter.weight());
            MemorySegment g = TensorMemory.of(parameter.gradient());
            MemorySegment m = TensorMemory.of(state(parameter, "exp_avg", DataType.FLOAT32));
            MemorySegment v = TensorMemory.of(state(parameter, "exp_avg_sq", DataType.FLOAT32));
            for (long i = 0; i < parameter.size(); i++) {
                float gi = g.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                float mi = beta1 * m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i) + (1 - beta1) * gi;
                float vi = beta2 * v.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i) + (1 - beta2) * gi * gi;
                m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, mi);
                v.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, vi);
                float wi = w.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                wi = wi - stepSize * (mi / ((float) Math.sqrt(vi) + eps));
                if (decay > 0) {
                    wi = wi - decay * wi;
                }
                w.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, wi);
            }
        }
    }

    /** Registers {@code test_adamw}. */
    public static final class Factory implements OptimizerFactory {
        /** For the service loader. */
        public Factory() {}

        @Override
        public String id() {
            return "test_adamw";
        }

        @Override
        public String description() {
            return "test fixture: scalar HF-style AdamW";
        }

        @Override
        public OptionSchema schema() {
            return SCHEMA;
        }

        @Override
        public Optimizer create(OptimizerSettings settings) {
            return new ScalarAdamW(settings);
        }
    }
}
