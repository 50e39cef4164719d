package dev.tune4j.optim.adam;

import static dev.tune4j.optim.adam.AdamTestSupport.gradientOfStep;
import static dev.tune4j.optim.adam.AdamTestSupport.maxRelativeError;
import static dev.tune4j.optim.adam.AdamTestSupport.parameter;
import static dev.tune4j.optim.adam.AdamTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.TrainableParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineAdamOptimizerTest {
    private static final int[] SIZES = {1, 7, 1000, 4099};

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /**
     * DJL's native update against the double-precision reference of DJL's formula (eps added to the uncorrected
     * sqrt(v)), 20 steps. libtorch rounds θ to float after each of its in-place ops (the reference once per step),
     * so the weights (|θ| up to 1) drift by a few float ulps of 1: errors are taken relative to max(|θ|, 0.1).
     */
    @ParameterizedTest
    @EnumSource(AdamFlavor.class)
    void engineMatchesDjlFormulaOver20Steps(AdamFlavor flavor) {
        double lr = 1e-2;
        double weightDecay = 0.05;
        double eps = 1e-3; // large, so that the eps placement DJL uses is what the comparison sees
        List<TrainableParameter> parameters = new ArrayList<>();
        List<float[][]> references = new ArrayList<>(); // per parameter: weight, m, v
        for (int size : SIZES) {
            TrainableParameter parameter = parameter(manager, "p" + size, size);
            parameters.add(parameter);
            references.add(new float[][] {parameter.weight().toFloatArray(), new float[size], new float[size]});
        }
        float[][] torchWeights = new float[SIZES.length][];
        for (int p = 0; p < SIZES.length; p++) {
            torchWeights[p] = references.get(p)[0].clone();
        }
        float[][][] torchState = new float[SIZES.length][2][];
        for (int p = 0; p < SIZES.length; p++) {
            torchState[p] = new float[][] {new float[SIZES[p]], new float[SIZES[p]]};
        }
        String id = flavor.id() + "_engine";
        try (Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(Map.of("lr", lr, "weight_decay",
                weightDecay, "eps", eps), 20))) {
            for (int step = 1; step <= 20; step++) {
                AdamStep hyper = new AdamStep(lr, 0.9, 0.999, eps, weightDecay,
                        flavor.decoupled(), step);
                for (int p = 0; p < SIZES.length; p++) {
                    float[] gradient = gradientOfStep(SIZES[p], step, p);
                    write(parameters.get(p).gradient(), gradient);
                    float[][] reference = references.get(p);
                    ScalarAdam.updateDjl(reference[0], gradient, reference[1], reference[2], hyper);
                    ScalarAdam.update(torchWeights[p], gradient, torchState[p][0], torchState[p][1], hyper);
                }
                optimizer.step(parameters, OptionalDouble.empty());
            }
            assertEquals(8L * (1 + 7 + 1000 + 4099), optimizer.stateBytes());
        }
        for (int p = 0; p < SIZES.length; p++) {
            float[] actual = parameters.get(p).weight().toFloatArray();
            double error = maxRelativeError(actual, references.get(p)[0], 0.1);
            assertTrue(error <= 1e-5, id + " size " + SIZES[p] + ": max relative error " + error);
            for (float g : parameters.get(p).gradient().toFloatArray()) {
                assertEquals(0f, g, "gradient of p" + SIZES[p] + " after the step");
            }
        }
        // The documented difference: with eps this large, DJL's formula is measurably not torch's.
        float[] largest = parameters.get(SIZES.length - 1).weight().toFloatArray();
        double fromTorch = maxRelativeError(largest, torchWeights[SIZES.length - 1], 0.1);
        assertTrue(fromTorch > 1e-4, id + " should differ from torch semantics, differs by " + fromTorch);
    }
}
