package dev.tune4j.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.DeterministicTensors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradient clipping hands its factor to {@code optimizer.step}; whether a rule multiplies each gradient element as it
 * reads it or the optimizer scales the tensors first, the weights must be the same bits as a step on gradients scaled
 * beforehand, and the gradients must end zeroed. Every optimizer id, on a matrix (so GaLore projects it; 8-bit
 * quantizes it) and a bias, over GaLore's first refresh.
 */
class GradientScaleTest {
    private static final float SCALE = 0.3719f; // its products with the gradients are rarely exact in float
    private static final Shape[] SHAPES = {new Shape(48, 40), new Shape(40)};
    private static final int STEPS = 6;

    /** Every id on its Java kernels and on its engine-op path. */
    static Stream<Arguments> optimizers() {
        return OptimizerGoldenWeightsTest.optimizerIds().stream()
                .flatMap(id -> Stream.of(Arguments.of(id, false), Arguments.of(id, true)));
    }

    private static List<TrainableParameter> parameters(NDManager manager) {
        List<TrainableParameter> parameters = new ArrayList<>();
        for (int p = 0; p < SHAPES.length; p++) {
            parameters.add(new TrainableParameter(p == 0 ? "layer.weight" : "layer.bias",
                    DeterministicTensors.sinArange(manager, SHAPES[p], 1.0, p), manager.zeros(SHAPES[p])));
        }
        return parameters;
    }

    private static void write(NDArray array, float[] values) {
        TensorMemory.of(array).copyFrom(MemorySegment.ofArray(values));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void aGradientScaleEqualsScalingTheGradientsFirst(String id, boolean engineOps) {
        Map<String, Object> options = new HashMap<>(OptimizerGoldenWeightsTest.options(id));
        options.put(OptionSchema.ENGINE_OPS, engineOps);
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer scaling = Optimizers.create(id, OptimizerSettings.of(options, STEPS));
                Optimizer prescaled = Optimizers.create(id, OptimizerSettings.of(options, STEPS))) {
            List<TrainableParameter> first = parameters(manager);
            List<TrainableParameter> second = parameters(manager);
            float[] initial = first.getFirst().weight().toFloatArray();
            for (int step = 1; step <= STEPS; step++) {
                for (int p = 0; p < SHAPES.length; p++) {
                    float[] g = DeterministicTensors.sinArangeFloat((int) SHAPES[p].size(), 0.5, 97 * step + p);
                    write(first.get(p).gradient(), g);
                    float[] scaled = new float[g.length];
                    for (int i = 0; i < g.length; i++) {
                        scaled[i] = g[i] * SCALE;
                    }
                    write(second.get(p).gradient(), scaled);
                }
                double loss = 2.0 / step; // SOAA's trust region reads it
                scaling.step(first, OptionalDouble.of(loss), SCALE);
                prescaled.step(second, OptionalDouble.of(loss), 1f);
                for (int p = 0; p < SHAPES.length; p++) {
                    String where = id + (engineOps ? " (engine ops)" : "") + ", " + first.get(p).name() + ", step "
                            + step;
                    assertArrayEquals(second.get(p).weight().toFloatArray(), first.get(p).weight().toFloatArray(),
                            "weights, " + where);
                    assertArrayEquals(new float[(int) SHAPES[p].size()], first.get(p).gradient().toFloatArray(), 0f,
                            "gradient zeroed, " + where);
                }
            }
            assertNotEquals(initial[1], first.getFirst().weight().toFloatArray()[1], id + ": the steps moved it");
        }
    }
}
