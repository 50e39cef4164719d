package dev.tune4j.optim.soaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.TrainableParameter;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The float64 test vectors printed by scripts/reference/soaa_vectors.py (an independent numpy implementation; see
 * docs/test-vectors.md, section SOAA): the scalar twin must match them to the printed precision, the float32 kernel
 * optimizer to 1e-6 relative. The script prints R, dt and pr with 10 significant digits and θ with 10 decimals (b at
 * t = 1 is 0.0489995, where 10 significant digits would show 0.04899950003), trailing zeros dropped.
 */
class SoaaSpecVectorsTest {
    private static final double[] W0 = {0.5, -0.3, 0.1, 0.2};
    private static final double[] B0 = {0.05};
    private static final double[][][] GRADIENTS = {
        {{0.20, -0.10, 0.05, 0.00}, {0.30}},
        {{0.15, -0.12, 0.04, 0.01}, {0.25}},
        {{0.10, -0.08, 0.02, 0.02}, {0.20}},
    };
    private static final double[] LOSSES = {1.00, 0.90, 0.85};

    /** One printed step of the reference script. */
    private record Expected(double ratio, double dt, double pr, double[] w, double[] b) {}

    private static final double[] W1 = {0.498995, -0.2989970001, 0.0989990002, 0.199998};
    private static final double[] B1 = {0.0489995};

    private static final List<Expected> DEFAULT = List.of(
            new Expected(0.9999996491, 1, 5.787499665e-4, W1, B1),
            new Expected(0.9796756992, 1.870550563, 5.409851207e-4,
                    new double[] {0.4980074351, -0.2979933971, 0.0980098846, 0.1992518642},
                    new double[] {0.0480078372}),
            new Expected(0.9323345062, 1.757858283, 8.03259326e-4,
                    new double[] {0.4962393743, -0.2961578366, 0.0962886879, 0.1976999859},
                    new double[] {0.046186909}));

    private static final List<Expected> CENTERED_SUM_OF_RATIOS = List.of(
            new Expected(1.425e7, 1, 6.4999996e-4, W1, B1), // θ as the default at t = 1 (v̂ = 0 makes D = √ŝ)
            new Expected(371.387639, 1.870550563, 5.581083132e-4,
                    new double[] {0.4982437587, -0.2979933971, 0.0980098846, 0.1994306586},
                    new double[] {0.0480078372}),
            new Expected(96.68918318, 1.757858283, 7.747188046e-4,
                    new double[] {0.4973151434, -0.2961578366, 0.0962886879, 0.1978787785},
                    new double[] {0.0464532344}));

    private static double maxTwinError;
    private static double maxKernelError;

    @AfterAll
    static void report() {
        System.out.printf("SOAA spec vectors: max relative error twin %.3g, float32 kernel %.3g%n", maxTwinError,
                maxKernelError);
    }

    @Test
    void scalarTwinReproducesDefaultVariant() {
        checkTwin(false, false, DEFAULT);
    }

    @Test
    void scalarTwinReproducesCenteredSumOfRatiosVariant() {
        checkTwin(true, true, CENTERED_SUM_OF_RATIOS);
    }

    @Test
    void kernelOptimizerReproducesDefaultVariant() {
        checkKernel(Map.of(), DEFAULT);
    }

    @Test
    void kernelOptimizerReproducesCenteredSumOfRatiosVariant() {
        checkKernel(Map.of("fisher_variance", "centered", "fisher_sum", "sum_of_ratios"), CENTERED_SUM_OF_RATIOS);
    }

    private static void checkTwin(boolean centered, boolean sumOfRatios, List<Expected> expected) {
        SoaaScalarTwin twin = new SoaaScalarTwin(0.9, 0.999, 0.25, 1e-8, 1, 10, centered, sumOfRatios);
        double[][] theta = {W0.clone(), B0.clone()};
        for (int step = 0; step < 3; step++) {
            twin.step(theta, GRADIENTS[step], new int[] {0, 0}, new double[] {1e-3}, new double[] {0.01},
                    OptionalDouble.of(LOSSES[step]));
            Expected e = expected.get(step);
            String at = "t=" + (step + 1);
            maxTwinError = Math.max(maxTwinError, assertPrinted(e.ratio(), twin.lastRatio, "R " + at));
            maxTwinError = Math.max(maxTwinError, assertPrinted(e.dt(), twin.dt, "dt " + at));
            maxTwinError = Math.max(maxTwinError, assertPrinted(e.pr(), twin.pr, "pr " + at));
            for (int i = 0; i < 4; i++) {
                maxTwinError = Math.max(maxTwinError, assertDecimals(e.w()[i], theta[0][i], "W[" + i + "] " + at));
            }
            maxTwinError = Math.max(maxTwinError, assertDecimals(e.b()[0], theta[1][0], "b " + at));
        }
    }

    private static void checkKernel(Map<String, Object> variant, List<Expected> expected) {
        Map<String, Object> options = new java.util.HashMap<>(variant);
        options.putAll(Map.of("lr", 1e-3, "betas", List.of(0.9, 0.999), "gamma", 0.25, "eps", 1e-8,
                "weight_decay", 0.01));
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = new SoaaFactory().create(OptimizerSettings.of(options, 10))) {
            TrainableParameter w = SoaaTensors.parameter(manager, "w", SoaaTensors.toFloats(W0), new Shape(2, 2));
            TrainableParameter b = SoaaTensors.parameter(manager, "b", SoaaTensors.toFloats(B0), new Shape(1));
            for (int step = 0; step < 3; step++) {
                SoaaTensors.setGradient(w, GRADIENTS[step][0]);
                SoaaTensors.setGradient(b, GRADIENTS[step][1]);
                optimizer.step(List.of(w, b), OptionalDouble.of(LOSSES[step]));
                Expected e = expected.get(step);
                String at = "t=" + (step + 1);
                Map<String, Double> telemetry = optimizer.telemetry();
                maxKernelError = Math.max(maxKernelError, assertRelative(e.ratio(), telemetry.get("R"), 1e-6,
                        "R " + at));
                maxKernelError = Math.max(maxKernelError, assertRelative(e.dt(), telemetry.get("dt"), 1e-6,
                        "dt " + at));
                maxKernelError = Math.max(maxKernelError, assertRelative(e.pr(), telemetry.get("pr"), 1e-6,
                        "pr " + at));
                float[] wNow = w.weight().toFloatArray();
                for (int i = 0; i < 4; i++) {
                    maxKernelError = Math.max(maxKernelError, assertRelative(e.w()[i], wNow[i], 1e-6,
                            "W[" + i + "] " + at));
                }
                maxKernelError = Math.max(maxKernelError, assertRelative(e.b()[0], b.weight().toFloatArray()[0], 1e-6,
                        "b " + at));
            }
        }
    }

    /**
     * Asserts {@code actual} rounds to {@code printed} at 10 significant digits (half a unit in the 10th digit, which
     * is 5e-10 relative or less); returns the relative difference.
     */
    private static double assertPrinted(double printed, double actual, String what) {
        double unit = Math.pow(10, Math.floor(Math.log10(Math.abs(printed))) - 9);
        double tolerance = 0.5 * unit * (1 + 1e-6);
        assertTrue(Math.abs(actual - printed) <= tolerance,
                what + ": expected " + printed + " (10 digits), got " + actual);
        return Math.abs(actual - printed) / Math.abs(printed);
    }

    /** Asserts {@code actual} rounds to {@code printed} at 10 decimals; returns the relative difference. */
    private static double assertDecimals(double printed, double actual, String what) {
        double tolerance = 0.5e-10 * (1 + 1e-6);
        assertTrue(Math.abs(actual - printed) <= tolerance,
                what + ": expected " + printed + " (10 decimals), got " + actual);
        return Math.abs(actual - printed) / Math.abs(printed);
    }

    private static double assertRelative(double expected, double actual, double relative, String what) {
        double error = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(error <= relative, what + ": expected " + expected + ", got " + actual + " (relative " + error
                + " > " + relative + ")");
        assertEquals(Math.signum(expected), Math.signum(actual), what);
        return error;
    }
}
