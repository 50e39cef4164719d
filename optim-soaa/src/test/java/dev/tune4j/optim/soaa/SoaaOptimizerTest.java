package dev.tune4j.optim.soaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.RuleOptimizer;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.DeterministicTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SOAA's float32 kernels against the double scalar twin, options, state, groups and save/load. */
class SoaaOptimizerTest {
    /** Vector tails: 1 and 7 are shorter than a vector, 4099 ends 3 past a multiple of 8 and 16. */
    private static final int[] SIZES = {1, 7, 1000, 4099};
    private static final double LR = 5e-3;
    private static final double WEIGHT_DECAY = 0.01;
    private static final long TOTAL_STEPS = 60;

    /**
     * Deterministic gradients (fixture written by the project): a fixed per-parameter signal plus a step-dependent
     * sine pattern, with a large scale every fifth step so that the dt·F branch of the max also wins.
     */
    private static double[] gradient(int parameter, int size, int step) {
        double scale = step % 5 == 4 ? 3.0 : 0.05 * (1 + step % 3);
        double[] noise = DeterministicTensors.sinArange(size, scale, 97 * step + 13 * parameter);
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = 0.2 * StrictMath.sin(0.37 * i + parameter) + noise[i];
        }
        return values;
    }

    /** A falling, wobbling loss; absent every seventh step (no trust-region update there). */
    private static OptionalDouble loss(int step) {
        return step % 7 == 6 ? OptionalDouble.empty()
                : OptionalDouble.of(2 / (1 + 0.05 * step) + 0.05 * StrictMath.sin(1.7 * step));
    }

    private static double[] initialWeight(int parameter, int size) {
        double[] wobble = DeterministicTensors.sinArange(size, 0.5, 1000 + parameter);
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = 2 + wobble[i];
        }
        return SoaaTensors.roundedToFloat(values);
    }

    /** SOAA with {@code settings}, as a run builds it. */
    private static Optimizer soaa(OptimizerSettings settings) {
        return new SoaaFactory().create(settings);
    }

    private static Map<String, Object> options(boolean centered, boolean sumOfRatios) {
        return Map.of("lr", LR, "weight_decay", WEIGHT_DECAY,
                "fisher_variance", centered ? "centered" : "s_hat",
                "fisher_sum", sumOfRatios ? "sum_of_ratios" : "ratio_of_sums");
    }

    private static List<TrainableParameter> parameters(NDManager manager, int[] sizes) {
        List<TrainableParameter> parameters = new ArrayList<>();
        for (int p = 0; p < sizes.length; p++) {
            parameters.add(SoaaTensors.parameter(manager, "layer" + p + ".weight",
                    SoaaTensors.toFloats(initialWeight(p, sizes[p])), new Shape(sizes[p])));
        }
        return parameters;
    }

    private static void setGradients(List<TrainableParameter> parameters, int step) {
        for (int p = 0; p < parameters.size(); p++) {
            SoaaTensors.setGradient(parameters.get(p), gradient(p, (int) parameters.get(p).size(), step));
        }
    }

    @ParameterizedTest(name = "centered={0} sumOfRatios={1}")
    @CsvSource({"false,false", "true,true", "true,false", "false,true"})
    void kernelsFollowScalarTwinOver100Steps(boolean centered, boolean sumOfRatios) {
        SoaaScalarTwin twin = new SoaaScalarTwin(0.9, 0.999, 0.25, 1e-8, 1, TOTAL_STEPS, centered, sumOfRatios);
        double[][] theta = new double[SIZES.length][];
        for (int p = 0; p < SIZES.length; p++) {
            theta[p] = initialWeight(p, SIZES[p]);
        }
        double maxError = 0;
        double maxScalarError = 0;
        double fisherFractionSeen = 0;
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(options(centered, sumOfRatios),
                        TOTAL_STEPS))) {
            List<TrainableParameter> parameters = parameters(manager, SIZES);
            for (int step = 0; step < 100; step++) {
                double[][] gradients = new double[SIZES.length][];
                for (int p = 0; p < SIZES.length; p++) {
                    gradients[p] = SoaaTensors.roundedToFloat(gradient(p, SIZES[p], step));
                }
                setGradients(parameters, step);
                optimizer.step(parameters, loss(step));
                twin.step(theta, gradients, new int[SIZES.length], new double[] {LR}, new double[] {WEIGHT_DECAY},
                        loss(step));
                for (int p = 0; p < SIZES.length; p++) {
                    float[] actual = parameters.get(p).weight().toFloatArray();
                    for (int i = 0; i < SIZES[p]; i++) {
                        maxError = Math.max(maxError, Math.abs(actual[i] - theta[p][i]) / Math.abs(theta[p][i]));
                    }
                }
                Map<String, Double> telemetry = optimizer.telemetry();
                maxScalarError = Math.max(maxScalarError, relative(twin.dt, telemetry.get("dt")));
                maxScalarError = Math.max(maxScalarError, relative(twin.pr, telemetry.get("pr")));
                maxScalarError = Math.max(maxScalarError, relative(twin.lastRatio, telemetry.get("R")));
                assertEquals(twin.lastFisherFraction, telemetry.get("fisher_fraction"), 2e-3, "step " + step);
                fisherFractionSeen = Math.max(fisherFractionSeen, telemetry.get("fisher_fraction"));
            }
        }
        System.out.printf("kernel vs twin, centered=%s sum_of_ratios=%s: max relative error θ %.3g, dt/pr/R %.3g;"
                + " max dt·F fraction %.3f%n",
                centered, sumOfRatios, maxError, maxScalarError, fisherFractionSeen);
        assertTrue(maxError <= 1e-5, "θ relative error " + maxError);
        assertTrue(maxScalarError <= 1e-5, "dt/pr/R relative error " + maxScalarError);
        assertTrue(fisherFractionSeen > 0, "the dt·F branch never won; the fixture should exercise it");
    }

    private static double relative(double expected, double actual) {
        return expected == actual ? 0 : Math.abs(actual - expected) / Math.abs(expected);
    }

    @Test
    void withoutLossDtPrAndLossAverageStayButWeightsMove() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(options(false, false), 10))) {
            List<TrainableParameter> parameters = parameters(manager, new int[] {7, 33});
            for (int step = 0; step < 3; step++) {
                setGradients(parameters, step);
                optimizer.step(parameters, OptionalDouble.of(1.0 - 0.1 * step));
            }
            Map<String, Double> before = optimizer.telemetry();
            assertTrue(before.get("pr") > 0);
            float[] weightBefore = parameters.get(1).weight().toFloatArray();
            setGradients(parameters, 3);
            optimizer.step(parameters, OptionalDouble.empty());
            Map<String, Double> after = optimizer.telemetry();
            assertEquals(before.get("dt"), after.get("dt"));
            assertEquals(before.get("pr"), after.get("pr"));
            assertEquals(before.get("loss_average"), after.get("loss_average"));
            assertEquals(4, optimizer.stepCount());
            assertNotEquals(weightBefore[0], parameters.get(1).weight().toFloatArray()[0]);
        }
    }

    @Test
    void gradientsAreZeroAfterStep() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(Map.of(), 5))) {
            List<TrainableParameter> parameters = parameters(manager, SIZES);
            setGradients(parameters, 0);
            optimizer.step(parameters, OptionalDouble.of(1));
            for (TrainableParameter parameter : parameters) {
                assertArrayEquals(new float[(int) parameter.size()], parameter.gradient().toFloatArray(),
                        parameter.name());
            }
        }
    }

    @ParameterizedTest(name = "fisher_variance={0}")
    @CsvSource({"s_hat,8", "centered,12"})
    void stateBytesPerParameter(String variance, long bytesPerParameter) {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(Map.of("fisher_variance", variance),
                        5))) {
            List<TrainableParameter> parameters = parameters(manager, SIZES);
            setGradients(parameters, 0);
            optimizer.step(parameters, OptionalDouble.of(1));
            long elements = 1 + 7 + 1000 + 4099;
            assertEquals(bytesPerParameter * elements, optimizer.stateBytes());
        }
    }

    @Test
    void optionErrorsNameTheOption() {
        for (double gamma : new double[] {0, 1, 1.5, -0.1}) {
            var error = assertThrows(IllegalArgumentException.class,
                    () -> soaa(OptimizerSettings.of(Map.of("gamma", gamma), 10)));
            assertTrue(error.getMessage().contains("'gamma'") && error.getMessage().contains("(0, 1)"),
                    error.getMessage());
        }
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> soaa(OptimizerSettings.of(Map.of("gama", 0.1), 10)));
        assertTrue(unknown.getMessage().contains("unknown option 'gama'"), unknown.getMessage());
        var word = assertThrows(IllegalArgumentException.class,
                () -> soaa(OptimizerSettings.of(Map.of("fisher_sum", "sum_of_ratio"), 10)));
        assertTrue(word.getMessage().contains("'fisher_sum'") && word.getMessage().contains("sum_of_ratios"),
                word.getMessage());
        var variance = assertThrows(IllegalArgumentException.class,
                () -> soaa(OptimizerSettings.of(Map.of("fisher_variance", "tadam"), 10)));
        assertTrue(variance.getMessage().contains("'fisher_variance'"), variance.getMessage());
        var dt0 = assertThrows(IllegalArgumentException.class,
                () -> soaa(OptimizerSettings.of(Map.of("dt0", 0), 10)));
        assertTrue(dt0.getMessage().contains("'dt0'"), dt0.getMessage());
        var grouped = assertThrows(IllegalArgumentException.class, () -> soaa(new OptimizerSettings(
                Map.of(), List.of(new ParameterGroup("bias", List.of("**.bias"), Map.of("gamma", 0.1))), 10)));
        assertTrue(grouped.getMessage().contains("'gamma'") && grouped.getMessage().contains("'bias'"),
                grouped.getMessage());
    }

    @Test
    void registeredUnderItsId() {
        try (Optimizer optimizer = Optimizers.create("soaa", OptimizerSettings.of(Map.of(), 10))) {
            assertInstanceOf(SoaaRule.class, assertInstanceOf(RuleOptimizer.class, optimizer).rule());
            assertEquals("soaa", optimizer.id());
        }
        assertTrue(Optimizers.factory("soaa").schema().names().containsAll(List.of("lr", "betas", "gamma", "eps",
                "weight_decay", "dt0", "fisher_variance", "fisher_sum")));
    }

    @Test
    void checkRefusesAGroupOverridingAGlobalOptionAsTheRunDid() {
        OptimizerSettings settings = new OptimizerSettings(Map.of(), List.of(new ParameterGroup("bias",
                List.of("**.bias"), Map.of("lr", 1e-4, "betas", List.of(0.8, 0.99)))), 10);
        String expected = "soaa option 'betas' in group 'bias' is optimizer-wide (one trust region for all"
                + " parameters); set it at the top level, groups may only override [lr, weight_decay]";
        OptimizerFactory factory = Optimizers.factory("soaa");
        // check parses and checks only: it builds no optimizer, so nothing is allocated and no step runs
        var checked = assertThrows(IllegalArgumentException.class, () -> factory.check(settings));
        assertEquals(expected, checked.getMessage());
        var run = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("soaa", settings));
        assertEquals(checked.getMessage(), run.getMessage());
        // an unknown name in a group is still the schema's error, not this one
        var unknown = assertThrows(IllegalArgumentException.class, () -> factory.check(new OptimizerSettings(
                Map.of(), List.of(new ParameterGroup("bias", List.of("**.bias"), Map.of("bettas", 0.5))), 10)));
        assertTrue(unknown.getMessage().contains("unknown option 'bettas'"), unknown.getMessage());
        // lr and weight_decay are a group's to set
        var plan = factory.check(new OptimizerSettings(Map.of(), List.of(new ParameterGroup("bias",
                List.of("**.bias"), Map.of("lr", 1e-4, "weight_decay", 0))), 10));
        assertEquals(1e-4, plan.groups().getFirst().options().lr());
    }

    @Test
    void rejectsNonFloat32ParametersByName() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(Map.of(), 10))) {
            NDArray weight = manager.zeros(new Shape(3), DataType.FLOAT64);
            NDArray gradient = manager.zeros(new Shape(3), DataType.FLOAT64);
            var error = assertThrows(IllegalArgumentException.class, () -> optimizer.step(
                    List.of(new TrainableParameter("encoder.norm.weight", weight, gradient)), OptionalDouble.of(1)));
            assertTrue(error.getMessage().contains("'encoder.norm.weight'")
                    && error.getMessage().contains("float64"), error.getMessage());
        }
    }

    @Test
    void twoGroupsWithDifferentLearningRatesSumPredictedReductionPerGroup() {
        int[] sizes = {1000, 7};
        double fastLr = 2e-2;
        List<ParameterGroup> groups = List.of(new ParameterGroup("fast", List.of("layer1.*"),
                Map.of("lr", fastLr, "weight_decay", 0)));
        SoaaScalarTwin twin = new SoaaScalarTwin(0.9, 0.999, 0.25, 1e-8, 1, TOTAL_STEPS, false, false);
        SoaaScalarTwin singleLrTwin = new SoaaScalarTwin(0.9, 0.999, 0.25, 1e-8, 1, TOTAL_STEPS, false, false);
        double[][] theta = {initialWeight(0, sizes[0]), initialWeight(1, sizes[1])};
        double[][] singleLrTheta = {initialWeight(0, sizes[0]), initialWeight(1, sizes[1])};
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(new OptimizerSettings(options(false, false), groups,
                        TOTAL_STEPS))) {
            List<TrainableParameter> parameters = parameters(manager, sizes);
            for (int step = 0; step < 5; step++) {
                double[][] gradients = {SoaaTensors.roundedToFloat(gradient(0, sizes[0], step)),
                    SoaaTensors.roundedToFloat(gradient(1, sizes[1], step))};
                setGradients(parameters, step);
                optimizer.step(parameters, loss(step));
                twin.step(theta, gradients, new int[] {0, 1}, new double[] {LR, fastLr},
                        new double[] {WEIGHT_DECAY, 0}, loss(step));
                singleLrTwin.step(singleLrTheta, gradients, new int[] {0, 0}, new double[] {LR},
                        new double[] {WEIGHT_DECAY}, loss(step));
                double pr = optimizer.telemetry().get("pr");
                assertEquals(twin.pr, pr, 1e-6 * Math.abs(twin.pr), "pr at step " + step);
                assertEquals(twin.dt, optimizer.telemetry().get("dt"), 1e-6 * twin.dt, "dt at step " + step);
                // the grouped pr is really different from a single-lr pr, so the check above can fail
                assertTrue(Math.abs(pr - singleLrTwin.pr) > 1e-3 * Math.abs(singleLrTwin.pr), "step " + step);
            }
            float[] fast = parameters.get(1).weight().toFloatArray();
            for (int i = 0; i < sizes[1]; i++) {
                assertEquals(theta[1][i], fast[i], 1e-6 * Math.abs(theta[1][i]));
            }
        }
    }

    @ParameterizedTest(name = "centered={0}")
    @CsvSource({"false", "true"})
    void saveLoadContinueIsBitIdentical(boolean centered, @TempDir Path directory) throws Exception {
        int[] sizes = {7, 4099};
        Map<String, Object> options = options(centered, centered);
        float[][] uninterrupted;
        Map<String, Double> uninterruptedTelemetry;
        float[][] atSave = new float[sizes.length][];
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(options, 12))) {
            List<TrainableParameter> parameters = parameters(manager, sizes);
            for (int step = 0; step < 8; step++) {
                if (step == 4) {
                    optimizer.saveState(directory);
                    for (int p = 0; p < sizes.length; p++) {
                        atSave[p] = parameters.get(p).weight().toFloatArray();
                    }
                }
                setGradients(parameters, step);
                optimizer.step(parameters, loss(step));
            }
            uninterrupted = weights(parameters);
            uninterruptedTelemetry = optimizer.telemetry();
        }
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer resumed = Optimizers.create("soaa", OptimizerSettings.of(options, 12))) {
            resumed.loadState(directory);
            assertEquals(4, resumed.stepCount());
            List<TrainableParameter> parameters = new ArrayList<>();
            for (int p = 0; p < sizes.length; p++) {
                parameters.add(SoaaTensors.parameter(manager, "layer" + p + ".weight", atSave[p],
                        new Shape(sizes[p])));
            }
            for (int step = 4; step < 8; step++) {
                setGradients(parameters, step);
                resumed.step(parameters, loss(step));
            }
            float[][] continued = weights(parameters);
            for (int p = 0; p < sizes.length; p++) {
                assertArrayEquals(uninterrupted[p], continued[p], "parameter " + p); // exact: no delta
            }
            assertEquals(new HashMap<>(uninterruptedTelemetry), new HashMap<>(resumed.telemetry()));
        }
    }

    @Test
    void loadingStateOfAnotherVariantFails(@TempDir Path directory) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = soaa(OptimizerSettings.of(Map.of(), 10))) {
            List<TrainableParameter> parameters = parameters(manager, new int[] {7});
            setGradients(parameters, 0);
            optimizer.step(parameters, OptionalDouble.of(1));
            optimizer.saveState(directory);
        }
        try (Optimizer centered = soaa(OptimizerSettings.of(Map.of("fisher_variance", "centered"), 10))) {
            var error = assertThrows(IllegalArgumentException.class, () -> centered.loadState(directory));
            assertTrue(error.getMessage().contains("fisher_variance s_hat"), error.getMessage());
        }
    }

    private static float[][] weights(List<TrainableParameter> parameters) {
        float[][] values = new float[parameters.size()][];
        for (int p = 0; p < parameters.size(); p++) {
            values[p] = parameters.get(p).weight().toFloatArray();
        }
        return values;
    }
}
