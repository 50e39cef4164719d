package dev.tune4j.optim.galore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.RuleOptimizer;
import dev.tune4j.optim.RuleState;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.DeterministicTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaLoreOptimizerTest {
    private static final String Q = "layers.0.self_attn.q_proj.weight";
    private static final String DOWN = "layers.0.mlp.down_proj.weight";
    private static final String O = "layers.0.self_attn.o_proj.weight";
    private static final String NORM = "layers.0.input_layernorm.weight";

    /** Named weights of the given shapes, deterministic values. */
    private static Map<String, NDArray> weights(NDManager manager, Map<String, Shape> shapes) {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        int phase = 0;
        for (var entry : shapes.entrySet()) {
            weights.put(entry.getKey(), DeterministicTensors.sinArange(manager, entry.getValue(), 0.5, phase += 13));
        }
        return weights;
    }

    /** One step with deterministic gradients of step {@code step}. */
    private static void step(Optimizer optimizer, NDManager manager, Map<String, NDArray> weights, int step) {
        List<TrainableParameter> parameters = new ArrayList<>();
        int phase = 100 * step;
        for (var entry : weights.entrySet()) {
            NDArray gradient = DeterministicTensors.sinArange(manager, entry.getValue().getShape(), 1, phase += 7);
            parameters.add(new TrainableParameter(entry.getKey(), entry.getValue(), gradient));
        }
        optimizer.step(parameters, OptionalDouble.of(1.0));
    }

    /** The GaLore rule of a {@code galore} optimizer. */
    static ProjectedRule<?> rule(Optimizer galore) {
        return (ProjectedRule<?>) ((RuleOptimizer<?>) galore).rule();
    }

    /** The state of the parameter {@code name} shaped like {@code weight}, as GaLore declares it. */
    private static RuleState state(Optimizer galore, String name, NDArray weight) {
        return ((RuleOptimizer<?>) galore).state(new TrainableParameter(name, weight, weight));
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
        Map<String, Object> map = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void fullRankIdentityGaLoreEqualsTheInnerRuleBitForBit() {
        Map<String, Shape> mixed = new LinkedHashMap<>();
        mixed.put(Q, new Shape(6, 4));
        mixed.put(DOWN, new Shape(4, 6));
        mixed.put(O, new Shape(4, 4));
        mixed.put(NORM, new Shape(4));
        Map<String, Shape> square = new LinkedHashMap<>();
        square.put(Q, new Shape(4, 4));
        square.put(O, new Shape(4, 4));
        square.put(NORM, new Shape(4));
        Map<String, Map<String, Object>> inners = Map.of(
                "test_adamw", Map.of("lr", 0.01, "weight_decay", 0.1),
                "momentum_sgd", Map.of("lr", 0.05, "momentum", 0.9));
        for (var inner : inners.entrySet()) {
            for (String projType : List.of("std", "full")) {
                Map<String, Shape> shapes = projType.equals("std") ? mixed : square;
                try (NDManager manager = NDManager.newBaseManager();
                        Optimizer plain = Optimizers.create(inner.getKey(), OptimizerSettings.of(inner.getValue(), 5));
                        Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(with(inner.getValue(),
                                "inner", inner.getKey(), "rank", 4, "scale", 1, "proj_type", projType), 5))) {
                    Map<String, NDArray> expected = weights(manager, shapes);
                    Map<String, NDArray> actual = weights(manager, shapes);
                    for (int s = 1; s <= 5; s++) {
                        step(plain, manager, expected, s);
                        step(galore, manager, actual, s);
                    }
                    for (String name : shapes.keySet()) {
                        assertArrayEquals(expected.get(name).toFloatArray(), actual.get(name).toFloatArray(), 0f,
                                inner.getKey() + " " + projType + " " + name);
                    }
                    assertTrue(rule(galore).projector(O).isIdentity());
                    assertEquals(plain.stateBytes(), galore.stateBytes());
                    galore.setLearningRateScale(0.5);
                    plain.setLearningRateScale(0.5);
                    assertEquals(plain.learningRate(), galore.learningRate(), 0.0);
                }
            }
        }
    }

    @Test
    void identityWithScaleGoesThroughTheVirtualWeight() {
        // momentum SGD, one step: virtual v = 0 − lr·g, w += α·v  =>  w1 = w0 − α·lr·g (by hand)
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(Map.of("inner", "momentum_sgd",
                        "lr", 0.5, "rank", 2, "scale", 0.25), 3))) {
            NDArray w = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray g = manager.create(new float[] {0.4f, -0.8f, 1.2f, 0f}, new Shape(2, 2));
            galore.step(List.of(new TrainableParameter(Q, w, g)), OptionalDouble.empty());
            assertArrayEquals(new float[] {1 - 0.05f, 2 + 0.1f, 3 - 0.15f, 4}, w.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[4], g.toFloatArray(), 0f, "gradient not zeroed");
            assertEquals(4 * Float.BYTES, rule(galore).workspaceBytes());
        }
    }

    @Test
    void matchesAHandComputedGaLoreAdamWForEverySide() {
        double lr = 0.1;
        double lrDefault = 0.01;
        double wd = 0.05;
        double eps = 1e-3;
        double alpha = 0.25;
        double beta1 = 0.9;
        double beta2 = 0.999;
        int rank = 2;
        KnownSvd known = new KnownSvd(9, 6, 4, 2);
        double[][] g1 = known.matrix(5, 3, 1, 0.5);
        double[][] g2 = known.matrix(4, 2, 1.5, 0.2);
        double[][] u = KnownSvd.firstColumns(known.u, rank);
        double[][] v = KnownSvd.firstColumns(known.v, rank);
        for (String projType : List.of("std", "reverse_std", "full")) {
            var group = new ParameterGroup("attention", List.of("**.q_proj.weight"), Map.of("lr", lr));
            var settings = new OptimizerSettings(Map.of("inner", "test_adamw", "lr", lrDefault, "weight_decay", wd,
                    "eps", eps, "rank", rank, "update_proj_gap", 10, "scale", alpha, "proj_type", projType),
                    List.of(group), 2);
            double[][] w0 = KnownSvd.toMatrix(DeterministicTensors.sinArange(NDManager.newBaseManager(),
                    new Shape(9, 6), 1, 1));
            double[] b = {0.5, -0.25};
            try (NDManager manager = NDManager.newBaseManager();
                    Optimizer galore = Optimizers.create("galore", settings)) {
                NDArray w = KnownSvd.toArray(manager, w0);
                NDArray bias = manager.create(new float[] {0.5f, -0.25f});
                for (double[][] g : List.of(g1, g2)) {
                    galore.step(List.of(new TrainableParameter(Q, w, KnownSvd.toArray(manager, g)),
                            new TrainableParameter("layers.0.self_attn.q_proj.bias", bias,
                                    manager.create(new float[] {0.3f, -0.1f}))), OptionalDouble.empty());
                }
                // GaLore-AdamW by hand (project, AdamW on R, back-project, α, decay) in the planted coordinates
                String side = switch (projType) {
                    case "std" -> "right"; // 9 ≥ 6
                    case "reverse_std" -> "left";
                    default -> "both";
                };
                double[][] expected = copy(w0);
                double[][] m = null;
                double[][] s = null;
                int t = 0;
                for (double[][] g : List.of(g1, g2)) {
                    t++;
                    double[][] r = switch (side) {
                        case "right" -> times(g, v);
                        case "left" -> times(KnownSvd.transpose(u), g);
                        default -> times(times(KnownSvd.transpose(u), g), v);
                    };
                    if (m == null) {
                        m = new double[r.length][r[0].length];
                        s = new double[r.length][r[0].length];
                    }
                    double stepSize = lr / (1 - Math.pow(beta1, t));
                    double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
                    double[][] n = new double[r.length][r[0].length];
                    for (int i = 0; i < r.length; i++) {
                        for (int j = 0; j < r[0].length; j++) {
                            m[i][j] = beta1 * m[i][j] + (1 - beta1) * r[i][j];
                            s[i][j] = beta2 * s[i][j] + (1 - beta2) * r[i][j] * r[i][j];
                            n[i][j] = m[i][j] / (Math.sqrt(s[i][j]) / sqrtBc2 + eps);
                        }
                    }
                    double[][] back = switch (side) {
                        case "right" -> times(n, KnownSvd.transpose(v));
                        case "left" -> times(u, n);
                        default -> times(times(u, n), KnownSvd.transpose(v));
                    };
                    for (int i = 0; i < 9; i++) {
                        for (int j = 0; j < 6; j++) {
                            expected[i][j] -= stepSize * alpha * back[i][j];
                            expected[i][j] -= lr * wd * expected[i][j];
                        }
                    }
                }
                double[][] actual = KnownSvd.toMatrix(w);
                assertTrue(KnownSvd.distance(actual, w0) > 0.02, "no visible update");
                assertTrue(KnownSvd.distance(actual, expected) < 1e-4, projType + ": off by "
                        + KnownSvd.distance(actual, expected));
                // the bias is not a target: plain (PyTorch) AdamW with the default lr, decay before the update
                double[][] biasGradients = {{0.3, -0.1}, {0.3, -0.1}};
                double[] bm = new double[2];
                double[] bv = new double[2];
                double[] expectedBias = b.clone();
                for (int step = 1; step <= 2; step++) {
                    double stepSize = lrDefault / (1 - Math.pow(beta1, step));
                    double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, step));
                    for (int i = 0; i < 2; i++) {
                        double gi = biasGradients[step - 1][i];
                        bm[i] = beta1 * bm[i] + (1 - beta1) * gi;
                        bv[i] = beta2 * bv[i] + (1 - beta2) * gi * gi;
                        expectedBias[i] -= lrDefault * wd * expectedBias[i];
                        expectedBias[i] -= stepSize * bm[i] / (Math.sqrt(bv[i]) / sqrtBc2 + eps);
                    }
                }
                float[] biasNow = bias.toFloatArray();
                for (int i = 0; i < 2; i++) {
                    assertEquals(expectedBias[i], biasNow[i], 1e-6, "bias " + i);
                }
            }
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    @Test
    void stateBytesFollowThePaperFormula() {
        // the paper's memory count for std: min(m,n)·r (projector) + 2·max(m,n)·r (two fp32 moments of R) per
        // matrix, × 4 bytes; the 1-D norm weight gets two full fp32 moments
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(Q, new Shape(24, 16));
        shapes.put(DOWN, new Shape(16, 24));
        shapes.put(NORM, new Shape(8));
        int r = 4;
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore",
                        OptimizerSettings.of(Map.of("inner", "test_adamw", "rank", r), 3))) {
            Map<String, NDArray> weights = weights(manager, shapes);
            step(galore, manager, weights, 1);
            long perMatrix = (16L * r + 2L * 24 * r) * Float.BYTES;
            assertEquals(2 * perMatrix + 2 * 8 * Float.BYTES, galore.stateBytes());
            assertEquals(2 * 24L * r * Float.BYTES, rule(galore).workspaceBytes());
            assertEquals(ProjectionSide.RIGHT, rule(galore).projector(Q).side());
            assertEquals(ProjectionSide.LEFT, rule(galore).projector(DOWN).side());
            assertNull(rule(galore).projector(NORM));
        }
    }

    @Test
    void refreshesAtTheFirstStepAndEveryGapSteps() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(Map.of("inner", "momentum_sgd",
                        "rank", 2, "update_proj_gap", 3), 7))) {
            Map<String, NDArray> weights = weights(manager, Map.of(Q, new Shape(5, 4)));
            StringBuilder refreshes = new StringBuilder();
            StringBuilder sinceRefresh = new StringBuilder();
            for (int s = 1; s <= 7; s++) {
                step(galore, manager, weights, s);
                Map<String, Double> telemetry = galore.telemetry();
                refreshes.append(telemetry.get("galore_refreshes").intValue());
                sinceRefresh.append(telemetry.get("galore_steps_since_refresh").intValue());
                double refreshMillis = telemetry.get("galore_refresh_ms");
                assertTrue(refreshMillis > 0 && refreshMillis < 60_000, "refresh ms at step " + s + ": "
                        + refreshMillis);
            }
            assertEquals("1001001", refreshes.toString());
            assertEquals("0120120", sinceRefresh.toString());
            assertEquals(7, galore.stepCount());
        }
    }

    /** Before any basis exists there is no refresh to count from or to time: NaN, which the run leaves out. */
    @Test
    void noRefreshYetGivesNoStepsSinceOrRefreshTime() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(Map.of("inner",
                        "test_adamw", "rank", 2, "update_proj_gap", 1), 3))) {
            float[] bad = DeterministicTensors.sinArangeFloat(24, 1, 3);
            bad[5] = Float.NaN; // the first refresh is skipped: the gradient goes unprojected
            galore.step(List.of(new TrainableParameter(Q, manager.ones(new Shape(6, 4)),
                    manager.create(bad, new Shape(6, 4)))), OptionalDouble.empty());
            Map<String, Double> telemetry = galore.telemetry();
            assertEquals(0.0, telemetry.get("galore_refreshes"));
            assertTrue(telemetry.get("galore_steps_since_refresh").isNaN(), telemetry.toString());
            assertTrue(telemetry.get("galore_refresh_ms").isNaN(), telemetry.toString());
        }
    }

    @Test
    void momentsAreKeptOrResetWhenTheBasisChanges(@TempDir Path dir) throws IOException {
        // gradients of exact rank 2 in a subspace that changes every step; at the refresh of step 3 a reset buffer
        // holds only R3, whose norm is ‖G3‖ = √(3² + 1²) (R3 is G3 in its own top-2 basis)
        for (boolean reset : new boolean[] {true, false}) {
            try (NDManager manager = NDManager.newBaseManager();
                    Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(Map.of("inner", "momentum_sgd",
                            "rank", 2, "update_proj_gap", 2, "reset_moments_on_refresh", reset), 3))) {
                NDArray w = manager.zeros(new Shape(8, 5));
                for (int s = 1; s <= 3; s++) {
                    NDArray g = KnownSvd.toArray(manager, new KnownSvd(8, 5, 2, 10 * s).matrix(3, 1));
                    galore.step(List.of(new TrainableParameter(Q, w, g)), OptionalDouble.empty());
                }
                Path saved = dir.resolve("reset-" + reset);
                galore.saveState(saved);
                try (SafeTensorsFile file = SafeTensorsFile.open(saved.resolve("optimizer.safetensors"))) {
                    float[] buffer = file.load(Q + "::momentum_buffer", manager).toFloatArray();
                    double norm = 0;
                    for (float x : buffer) {
                        norm += x * x;
                    }
                    norm = Math.sqrt(norm);
                    if (reset) {
                        assertEquals(Math.sqrt(10), norm, 1e-5);
                    } else {
                        assertTrue(Math.abs(norm - Math.sqrt(10)) > 0.1, "moments look reset: " + norm);
                    }
                }
            }
        }
    }

    @Test
    void nonFiniteGradientsNeverCrash() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(Map.of("inner",
                        "test_adamw", "rank", 2, "update_proj_gap", 1), 3))) {
            NDArray w = manager.ones(new Shape(6, 4));
            float[] bad = DeterministicTensors.sinArangeFloat(24, 1, 3);
            bad[5] = Float.NaN;
            galore.step(List.of(new TrainableParameter(Q, w, manager.create(bad, new Shape(6, 4)))),
                    OptionalDouble.empty());
            GaLoreProjector projector = rule(galore).projector(Q);
            RuleState state = state(galore, Q, w);
            assertFalse(projector.hasBasis(state));
            assertEquals(1.0, galore.telemetry().get("galore_skipped_refreshes"));
            assertEquals(2 * 24 * Float.BYTES, galore.stateBytes(), "passed through unprojected");
            NDArray good = DeterministicTensors.sinArange(manager, new Shape(6, 4), 1, 4);
            galore.step(List.of(new TrainableParameter(Q, w, good)), OptionalDouble.empty());
            assertTrue(projector.hasBasis(state));
            float[] basis = FloatTensors.read(projector.tensors(state).get(GaLoreProjector.RIGHT));
            bad[0] = Float.POSITIVE_INFINITY;
            galore.step(List.of(new TrainableParameter(Q, w, manager.create(bad, new Shape(6, 4)))),
                    OptionalDouble.empty());
            assertEquals(2.0, galore.telemetry().get("galore_skipped_refreshes"));
            assertArrayEquals(basis, FloatTensors.read(projector.tensors(state).get(GaLoreProjector.RIGHT)), 0f);
        }
    }

    @Test
    void saveLoadAndContinueIsBitIdentical(@TempDir Path dir) throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(Q, new Shape(12, 8));
        shapes.put(DOWN, new Shape(8, 12));
        shapes.put(NORM, new Shape(8));
        for (String svd : List.of("exact", "randomized")) {
            var settings = OptimizerSettings.of(Map.of("inner", "test_adamw", "lr", 0.01, "weight_decay", 0.01,
                    "rank", 3, "update_proj_gap", 2, "svd", svd), 6);
            Map<String, float[]> uninterrupted = new HashMap<>();
            try (NDManager manager = NDManager.newBaseManager(); Optimizer galore = Optimizers.create("galore",
                    settings)) {
                Map<String, NDArray> weights = weights(manager, shapes);
                for (int s = 1; s <= 6; s++) {
                    step(galore, manager, weights, s);
                }
                weights.forEach((name, w) -> uninterrupted.put(name, w.toFloatArray()));
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<String, NDArray> weights = weights(manager, shapes);
                long bytes;
                Path saved = dir.resolve(svd);
                try (Optimizer first = Optimizers.create("galore", settings)) {
                    for (int s = 1; s <= 3; s++) {
                        step(first, manager, weights, s);
                    }
                    first.saveState(saved);
                    bytes = first.stateBytes();
                }
                try (Optimizer resumed = Optimizers.create("galore", settings)) {
                    resumed.loadState(saved);
                    assertEquals(3, resumed.stepCount());
                    assertEquals(bytes, resumed.stateBytes());
                    for (int s = 4; s <= 6; s++) {
                        step(resumed, manager, weights, s);
                    }
                }
                for (String name : shapes.keySet()) {
                    assertArrayEquals(uninterrupted.get(name), weights.get(name).toFloatArray(), 0f, svd + " " + name);
                }
            }
            try (Optimizer other = Optimizers.create("galore_adamw", OptimizerSettings.of(Map.of(), 1))) {
                var e = assertThrows(IOException.class, () -> other.loadState(dir.resolve(svd)));
                assertTrue(e.getMessage().contains("'galore', not 'galore_adamw'"), e.getMessage());
            }
        }
    }

    @Test
    void parameterGroupsSetGaLoreOptionsPerMatrix() {
        var settings = new OptimizerSettings(Map.of("inner", "test_adamw", "rank", 3),
                List.of(new ParameterGroup("mlp", List.of("**.down_proj.weight"), Map.of("rank", 2, "lr", 0.5))), 2);
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", settings)) {
            step(galore, manager, weights(manager, Map.of(Q, new Shape(6, 5), DOWN, new Shape(5, 6))), 1);
            assertEquals(3, rule(galore).projector(Q).settings().rank());
            assertEquals(2, rule(galore).projector(DOWN).settings().rank());
        }
    }

    @Test
    void badOptionsGiveClearErrors() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(Map.of("inner", "test_adamw",
                        "rank", 8), 1))) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> step(galore, manager, weights(manager, Map.of(Q, new Shape(16, 6))), 1));
            assertTrue(e.getMessage().contains("'" + Q + "'") && e.getMessage().contains("(16, 6)"), e.getMessage());
            assertEquals(0, galore.stepCount());
        }
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("inner", "test_adamw", "rnk", 4), "unknown option 'rnk'");
        cases.put(Map.of("inner", "test_adamw", "momentum", 0.9), "unknown option 'momentum'");
        cases.put(Map.of("inner", "test_adamw", "proj_type", "diagonal"), "option 'proj_type' must be one of");
        cases.put(Map.of("inner", "test_adamw", "update_proj_gap", 0), "option 'update_proj_gap' must be at least 1");
        cases.put(Map.of("inner", "test_adamw", "rank", 0), "option 'rank' must be at least 1");
        cases.put(Map.of("inner", "test_adamw", "scale", -1), "option 'scale' must be a finite number > 0");
        cases.put(Map.of("inner", "test_adamw", "svd", "lanczos"), "option 'svd' must be one of");
        cases.put(Map.of("inner", "test_adamw", "lr", -1), "option 'lr'");
        cases.put(Map.of("inner", "nope"), "wraps 'nope', which is not on the class path");
        cases.put(Map.of("inner", "galore_adamw"), "cannot wrap another GaLore optimizer");
        cases.forEach((options, message) -> {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Optimizers.create("galore", OptimizerSettings.of(options, 1)), options.toString());
            assertTrue(e.getMessage().contains(message), e.getMessage());
        });
    }

    @Test
    void registryKnowsTheIdsAndNamesMissingModules() {
        var all = Optimizers.all();
        for (String id : List.of("galore", "galore_adamw", "galore_adam8bit", "galore_soaa")) {
            assertNotNull(all.get(id), id);
        }
        assertTrue(all.get("galore").schema().names().containsAll(List.of("rank", "update_proj_gap", "scale",
                "proj_type", "svd", "target_modules", "inner", "reset_moments_on_refresh")));
        Assumptions.assumeFalse(all.containsKey("soaa"), "optim-soaa is on the class path");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create("galore_soaa", OptimizerSettings.of(Map.of(), 1)));
        assertTrue(e.getMessage().contains("wraps 'soaa', which is not on the class path")
                && e.getMessage().contains("known: "), e.getMessage());
        var soaaSchema = all.get("galore_soaa").schema().names(); // GaLore's own options only, no 'inner'
        assertTrue(soaaSchema.contains("rank") && !soaaSchema.contains("inner") && !soaaSchema.contains("lr"),
                soaaSchema.toString());
        if (!all.containsKey("adamw8bit")) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> Optimizers.create("galore_adam8bit", OptimizerSettings.of(Map.of(), 1)));
            assertTrue(e.getMessage().contains("wraps 'adamw8bit'"), e.getMessage());
        }
    }
}
