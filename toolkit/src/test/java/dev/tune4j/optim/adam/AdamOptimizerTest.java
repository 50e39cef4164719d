package dev.tune4j.optim.adam;

import static dev.tune4j.optim.adam.AdamTestSupport.gradientOfStep;
import static dev.tune4j.optim.adam.AdamTestSupport.maxRelativeError;
import static dev.tune4j.optim.adam.AdamTestSupport.parameter;
import static dev.tune4j.optim.adam.AdamTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.TrainableParameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AdamOptimizerTest {
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

    private static Optimizer create(String id, Map<String, Object> options) {
        return Optimizers.create(id, OptimizerSettings.of(options, 100));
    }

    /** One step of a single one-element parameter θ with gradient {@code g}; returns θ after the step. */
    private static float stepScalar(Optimizer optimizer, TrainableParameter parameter, float g) {
        write(parameter.gradient(), new float[] {g});
        optimizer.step(List.of(parameter), OptionalDouble.empty());
        return parameter.weight().toFloatArray()[0];
    }

    @Test
    void adamTwoStepsMatchHandComputedValues() {
        // Adam, θ0 = 1, lr 0.1, betas (0.9, 0.999), eps 1e-8, weight_decay 0.1 (L2: g += 0.1 θ).
        // t=1: g = 0.5 + 0.1*1 = 0.6; m = 0.1*0.6 = 0.06; v = 0.001*0.36 = 0.00036;
        //      m^ = 0.06/0.1 = 0.6; sqrt(v^) = sqrt(0.00036/0.001) = 0.6;
        //      θ1 = 1 - 0.1 * 0.6/(0.6 + 1e-8) = 0.9000000016667
        // t=2: g = 0.25 + 0.1*0.9000000017 = 0.3400000002; m = 0.9*0.06 + 0.1*0.34 = 0.088;
        //      v = 0.999*0.00036 + 0.001*0.1156 = 0.00047524;
        //      m^ = 0.088/(1-0.81) = 0.4631578947; sqrt(v^) = sqrt(0.00047524/0.001999) = 0.4875848;
        //      θ2 = 0.9000000017 - 0.1 * 0.4631578947/0.4875848 = 0.8050097659
        try (Optimizer adam = create("adam", Map.of("lr", 0.1, "weight_decay", 0.1))) {
            TrainableParameter theta = new TrainableParameter("w", manager.create(new float[] {1f}),
                    manager.zeros(new Shape(1)));
            assertEquals(0.9000000016667, stepScalar(adam, theta, 0.5f), 1e-6);
            assertEquals(0.8050097659, stepScalar(adam, theta, 0.25f), 1e-6);
        }
    }

    @Test
    void adamwTwoStepsMatchHandComputedValues() {
        // AdamW, θ0 = 1, lr 0.1, betas (0.9, 0.999), eps 1e-8, weight_decay 0.1 (θ *= 1 - 0.1*0.1 = 0.99 first).
        // t=1: θ = 0.99; g = 0.5; m = 0.05; v = 0.00025; m^ = 0.5; sqrt(v^) = 0.5;
        //      θ1 = 0.99 - 0.1 * 0.5/(0.5 + 1e-8) = 0.890000002
        // t=2: θ = 0.890000002 * 0.99 = 0.881100002; g = 0.25; m = 0.045 + 0.025 = 0.07;
        //      v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225;
        //      m^ = 0.07/0.19 = 0.3684210526; sqrt(v^) = sqrt(0.00031225/0.001999) = 0.3952253;
        //      θ2 = 0.881100002 - 0.1 * 0.3684210526/0.3952253 = 0.7878820405
        try (Optimizer adamw = create("adamw", Map.of("lr", 0.1, "weight_decay", 0.1))) {
            TrainableParameter theta = new TrainableParameter("w", manager.create(new float[] {1f}),
                    manager.zeros(new Shape(1)));
            assertEquals(0.890000002, stepScalar(adamw, theta, 0.5f), 1e-6);
            assertEquals(0.7878820405, stepScalar(adamw, theta, 0.25f), 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(AdamFlavor.class)
    void kernelMatchesScalarTwinOver100Steps(AdamFlavor flavor) {
        double lr = 1e-2;
        double weightDecay = 0.05;
        List<TrainableParameter> parameters = new ArrayList<>();
        List<float[][]> twins = new ArrayList<>(); // per parameter: weight, m, v
        for (int size : SIZES) {
            TrainableParameter parameter = parameter(manager, "p" + size, size);
            parameters.add(parameter);
            twins.add(new float[][] {parameter.weight().toFloatArray(), new float[size], new float[size]});
        }
        try (Optimizer optimizer = create(flavor.id(), Map.of("lr", lr, "weight_decay", weightDecay,
                "betas", List.of(0.8, 0.99), "eps", 1e-6))) {
            for (int step = 1; step <= 100; step++) {
                AdamStep hyper = new AdamStep(lr, 0.8, 0.99, 1e-6, weightDecay,
                        flavor.decoupled(), step);
                for (int p = 0; p < SIZES.length; p++) {
                    float[] gradient = gradientOfStep(SIZES[p], step, p);
                    write(parameters.get(p).gradient(), gradient);
                    float[][] twin = twins.get(p);
                    ScalarAdam.update(twin[0], gradient, twin[1], twin[2], hyper);
                }
                optimizer.step(parameters, OptionalDouble.empty());
            }
        }
        for (int p = 0; p < SIZES.length; p++) {
            float[] actual = parameters.get(p).weight().toFloatArray();
            double error = maxRelativeError(actual, twins.get(p)[0], 1e-30);
            assertTrue(error <= 1e-6, flavor + " size " + SIZES[p] + ": max relative error " + error);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lr | 0 | 'lr'",
        "lr | -0.001 | 'lr'",
        "eps | -1e-8 | 'eps'",
    })
    void invalidNumbersAreNamed(String option, double value, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> create("adamw", Map.of(option, value)));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void betasOutsideTheUnitIntervalAreNamed() {
        for (List<Double> betas : List.of(List.of(0.9, 1.0), List.of(-0.1, 0.999), List.of(0.9, 1.5))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> create("adam", Map.of("betas", betas)), betas::toString);
            assertTrue(error.getMessage().contains("'betas'"), error.getMessage());
            assertTrue(error.getMessage().contains("[0, 1)"), error.getMessage());
        }
    }

    @Test
    void unknownOptionIsNamedWithTheKnownOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> create("adam", Map.of("learning_rate", 0.1)));
        assertTrue(error.getMessage().contains("unknown option 'learning_rate'"), error.getMessage());
        assertTrue(error.getMessage().contains("betas, engine_ops, eps, lr, weight_decay"), error.getMessage());
    }

    @Test
    void nonFloat32ParameterIsRejectedByName() {
        try (Optimizer adam = create("adam", Map.of())) {
            NDArray weight = manager.zeros(new Shape(3), DataType.FLOAT64);
            TrainableParameter parameter = new TrainableParameter("encoder.layer.0.weight", weight,
                    manager.zeros(new Shape(3), DataType.FLOAT64));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> adam.step(List.of(parameter), OptionalDouble.empty()));
            assertTrue(error.getMessage().contains("'encoder.layer.0.weight'"), error.getMessage());
            assertTrue(error.getMessage().contains("float64"), error.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(AdamFlavor.class)
    void gradientsAreZeroAfterStepAndStateIsEightBytesPerParameter(AdamFlavor flavor) {
        List<TrainableParameter> parameters = new ArrayList<>();
        long total = 0;
        for (int p = 0; p < SIZES.length; p++) {
            TrainableParameter parameter = parameter(manager, "p" + p, SIZES[p]);
            write(parameter.gradient(), gradientOfStep(SIZES[p], 1, p));
            parameters.add(parameter);
            total += SIZES[p];
        }
        try (Optimizer optimizer = create(flavor.id(), Map.of())) {
            assertEquals(0, optimizer.stateBytes());
            optimizer.step(parameters, OptionalDouble.empty());
            for (TrainableParameter parameter : parameters) {
                for (float g : parameter.gradient().toFloatArray()) {
                    assertEquals(0f, g, parameter.name());
                }
            }
            assertEquals(8 * total, optimizer.stateBytes());
            assertEquals(1, optimizer.stepCount());
        }
    }

    @ParameterizedTest
    @EnumSource(AdamFlavor.class)
    void savedStateResumesBitIdentically(AdamFlavor flavor, @TempDir Path directory) throws Exception {
        Map<String, Object> options = Map.of("lr", 0.01, "weight_decay", 0.1);
        TrainableParameter uninterrupted = parameter(manager, "p", 1000);
        try (Optimizer optimizer = create(flavor.id(), options)) {
            for (int step = 1; step <= 6; step++) {
                optimizer.setLearningRateScale(step / 6.0);
                write(uninterrupted.gradient(), gradientOfStep(1000, step, 0));
                optimizer.step(List.of(uninterrupted), OptionalDouble.empty());
            }
        }
        TrainableParameter resumed = parameter(manager, "p", 1000);
        try (Optimizer first = create(flavor.id(), options)) {
            for (int step = 1; step <= 3; step++) {
                first.setLearningRateScale(step / 6.0);
                write(resumed.gradient(), gradientOfStep(1000, step, 0));
                first.step(List.of(resumed), OptionalDouble.empty());
            }
            first.saveState(directory);
        }
        try (Optimizer second = create(flavor.id(), options)) {
            second.loadState(directory);
            assertEquals(3, second.stepCount());
            for (int step = 4; step <= 6; step++) {
                second.setLearningRateScale(step / 6.0);
                write(resumed.gradient(), gradientOfStep(1000, step, 0));
                second.step(List.of(resumed), OptionalDouble.empty());
            }
            assertEquals(8 * 1000, second.stateBytes());
        }
        assertArrayEquals(uninterrupted.weight().toFloatArray(), resumed.weight().toFloatArray());
    }

    @Test
    void biasGroupWithoutWeightDecayIsHonoured() {
        double lr = 0.05;
        double weightDecay = 0.2;
        ParameterGroup noDecay = new ParameterGroup("no_decay", List.of("**.bias"), Map.of("weight_decay", 0.0));
        TrainableParameter weight = parameter(manager, "encoder.dense.weight", 7);
        TrainableParameter bias = parameter(manager, "encoder.dense.bias", 7);
        float[] initial = weight.weight().toFloatArray();
        float[] gradient = gradientOfStep(7, 1, 0);
        write(weight.gradient(), gradient);
        write(bias.gradient(), gradient);
        try (Optimizer adamw = Optimizers.create("adamw",
                new OptimizerSettings(Map.of("lr", lr, "weight_decay", weightDecay), List.of(noDecay), 10))) {
            adamw.step(List.of(weight, bias), OptionalDouble.empty());
        }
        float[] decayed = twinStep(initial, gradient, lr, weightDecay);
        float[] undecayed = twinStep(initial, gradient, lr, 0.0);
        assertNotEquals(decayed[0], undecayed[0], "the fixture must make decay visible");
        assertArrayEquals(decayed, weight.weight().toFloatArray(), "weight keeps the optimizer's weight_decay");
        assertArrayEquals(undecayed, bias.weight().toFloatArray(), "bias gets the group's weight_decay 0");
    }

    private static float[] twinStep(float[] initial, float[] gradient, double lr, double weightDecay) {
        float[] weight = initial.clone();
        ScalarAdam.update(weight, gradient, new float[weight.length], new float[weight.length],
                new AdamStep(lr, 0.9, 0.999, 1e-8, weightDecay, true, 1));
        return weight;
    }

    @Test
    void allFourIdsAreRegistered() {
        assertTrue(Optimizers.all().keySet().containsAll(List.of("adam", "adamw", "adam_engine", "adamw_engine")),
                Optimizers.all().keySet()::toString);
        assertEquals(0.01, Optimizers.factory("adamw").schema().parse(Map.of(), "test").number("weight_decay"));
        assertEquals(0.0, Optimizers.factory("adam").schema().parse(Map.of(), "test").number("weight_decay"));
    }
}
