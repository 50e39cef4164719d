package dev.tune4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tune4j.testing.MomentumSgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimizer machinery around every rule, exercised through the momentum-SGD test fixture. */
class RuleOptimizerTest {

    private static List<TrainableParameter> parameters(NDArray w, NDArray b, float[] gw, float[] gb) {
        NDManager m = w.getManager();
        return List.of(new TrainableParameter("layer.weight", w, m.create(gw)),
                new TrainableParameter("layer.bias", b, m.create(gb)));
    }

    @Test
    void stepsByHandWithGroupsAndZeroesGradients() {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(new OptimizerSettings(Map.of("lr", 0.5, "weight_decay", 0.1),
                        List.of(new ParameterGroup("no_decay", List.of("**.bias"), Map.of("weight_decay", 0))), 10))) {
            NDArray w = manager.create(new float[] {1f, -2f});
            NDArray b = manager.create(new float[] {0.5f});
            var step1 = parameters(w, b, new float[] {1f, 1f}, new float[] {2f});
            sgd.step(step1, OptionalDouble.of(3.0));
            // w: buffer = g = (1, 1); w -= 0.5 * ((1, 1) + 0.1 * (1, -2)) = (1 - 0.55, -2 - 0.4) = (0.45, -2.4)
            assertArrayEquals(new float[] {0.45f, -2.4f}, w.toFloatArray(), 1e-6f);
            // b (no decay): b -= 0.5 * 2 = -0.5
            assertArrayEquals(new float[] {-0.5f}, b.toFloatArray(), 1e-6f);
            for (TrainableParameter p : step1) {
                assertArrayEquals(new float[(int) p.size()], p.gradient().toFloatArray(), 0f, "gradient not zeroed");
            }
            assertEquals(0.5, sgd.learningRate(), 0.0);
            sgd.setLearningRateScale(0.5);
            assertEquals(0.25, sgd.learningRate(), 0.0);
            sgd.step(parameters(w, b, new float[] {0f, 0f}, new float[] {0f}), OptionalDouble.empty());
            // b: buffer = 0.9 * 2 + 0 = 1.8; b -= 0.25 * 1.8 = -0.95
            assertArrayEquals(new float[] {-0.95f}, b.toFloatArray(), 1e-6f);
            assertEquals(2, sgd.stepCount());
            assertEquals(3 * Float.BYTES, sgd.stateBytes()); // one momentum buffer per element
            assertTrue(Double.isNaN(sgd.telemetry().get("last_loss")));
        }
    }

    @Test
    void aRuleThatDoesNotScaleGradientsGetsThemScaledByTheOptimizer() {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 0.5, "weight_decay", 0.1), 10))) {
            NDArray w = manager.create(new float[] {1f, -2f});
            NDArray b = manager.create(new float[] {0.5f});
            var step1 = parameters(w, b, new float[] {1f, 1f}, new float[] {2f});
            sgd.step(step1, OptionalDouble.empty(), 0.5f);
            // g = (1, 1)·0.5: w -= 0.5 * ((0.5, 0.5) + 0.1 * (1, -2)) = (1 - 0.3, -2 - 0.15) = (0.7, -2.15)
            assertArrayEquals(new float[] {0.7f, -2.15f}, w.toFloatArray(), 1e-6f);
            // b: g = 2·0.5 = 1; b -= 0.5 * (1 + 0.1 * 0.5) = 0.5 - 0.525 = -0.025
            assertArrayEquals(new float[] {-0.025f}, b.toFloatArray(), 1e-6f);
            for (TrainableParameter p : step1) {
                assertArrayEquals(new float[(int) p.size()], p.gradient().toFloatArray(), 0f, "gradient not zeroed");
            }
            // a factor that underflowed float (a norm near float's range) counts the gradients as zero, as in PyTorch
            sgd.step(parameters(w, b, new float[] {1f, 1f}, new float[] {2f}), OptionalDouble.empty(), 0f);
            // w: buffer = 0.9 * 0.5 + 0 = 0.45; w -= 0.5 * ((0.45, 0.45) + 0.1 * (0.7, -2.15)) = (0.44, -2.2675)
            assertArrayEquals(new float[] {0.44f, -2.2675f}, w.toFloatArray(), 1e-6f);
            for (float refused : new float[] {-0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
                var e = assertThrows(IllegalArgumentException.class,
                        () -> sgd.step(parameters(w, b, new float[] {1f, 1f}, new float[] {2f}), OptionalDouble.empty(),
                                refused));
                assertTrue(e.getMessage().contains("gradient scale"), e.getMessage());
            }
            assertEquals(2, sgd.stepCount(), "a refused step does not count");
        }
    }

    @Test
    void engineOpsIsAnOptimizerWideOptionOfEverySchema() {
        assertTrue(MomentumSgd.SCHEMA.names().contains(OptionSchema.ENGINE_OPS));
        try (var off = MomentumSgd.of(OptimizerSettings.of(Map.of(), 10));
                var on = MomentumSgd.of(OptimizerSettings.of(Map.of(OptionSchema.ENGINE_OPS, true), 10))) {
            assertEquals(false, off.engineOps());
            assertEquals(true, on.engineOps());
        }
        var notAFlag = assertThrows(IllegalArgumentException.class,
                () -> MomentumSgd.of(OptimizerSettings.of(Map.of(OptionSchema.ENGINE_OPS, "yes"), 10)));
        assertTrue(notAFlag.getMessage().contains("'engine_ops' must be true or false"), notAFlag.getMessage());
        var perGroup = assertThrows(IllegalArgumentException.class, () -> MomentumSgd.of(new OptimizerSettings(
                Map.of(), List.of(new ParameterGroup("g", List.of("**.bias"), Map.of(OptionSchema.ENGINE_OPS, true))),
                10)));
        assertTrue(perGroup.getMessage().contains("group 'g' overrides 'engine_ops'"), perGroup.getMessage());
    }

    @Test
    void saveAndLoadResumeBitIdentically(@TempDir Path dir) throws IOException {
        float[][] gradients = {{0.3f, -0.1f}, {0.2f, 0.4f}, {-0.5f, 0.1f}, {0.05f, 0.05f}};
        float[] uninterrupted;
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of(), 4))) {
            NDArray w = manager.create(new float[] {1f, 2f});
            for (float[] g : gradients) {
                sgd.step(List.of(new TrainableParameter("w", w, manager.create(g))), OptionalDouble.of(1));
            }
            uninterrupted = w.toFloatArray();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {1f, 2f});
            try (var first = MomentumSgd.of(OptimizerSettings.of(Map.of(), 4))) {
                for (int i = 0; i < 2; i++) {
                    first.step(List.of(new TrainableParameter("w", w, manager.create(gradients[i]))),
                            OptionalDouble.of(1));
                }
                first.saveState(dir);
            }
            try (var resumed = MomentumSgd.of(OptimizerSettings.of(Map.of(), 4))) {
                resumed.loadState(dir);
                assertEquals(2, resumed.stepCount());
                for (int i = 2; i < 4; i++) {
                    resumed.step(List.of(new TrainableParameter("w", w, manager.create(gradients[i]))),
                            OptionalDouble.of(1));
                }
            }
            assertArrayEquals(uninterrupted, w.toFloatArray(), 0f);
        }
    }

    @Test
    void badUseIsRefused(@TempDir Path dir) {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of(), 4))) {
            NDArray w = manager.create(new float[] {1f});
            var twice = List.of(new TrainableParameter("w", w, manager.create(new float[] {1f})),
                    new TrainableParameter("w", w, manager.create(new float[] {1f})));
            assertThrows(IllegalArgumentException.class, () -> sgd.step(twice, OptionalDouble.empty()));
            var once = List.of(new TrainableParameter("w", w, manager.create(new float[] {1f})));
            assertThrows(IllegalArgumentException.class, () -> sgd.step(once, OptionalDouble.of(Double.NaN)));
            assertThrows(IllegalArgumentException.class, () -> new TrainableParameter("w", w,
                    manager.create(new float[] {1f, 2f})));
            assertThrows(java.nio.file.NoSuchFileException.class, () -> sgd.loadState(dir));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> MomentumSgd.of(OptimizerSettings.of(Map.of("momentum", 1.5), 4)));
            assertTrue(e.getMessage().contains("option 'momentum' must be in [0, 1), got 1.5"), e.getMessage());
        }
    }
}
