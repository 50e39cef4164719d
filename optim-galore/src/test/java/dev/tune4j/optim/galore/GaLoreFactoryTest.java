package dev.tune4j.optim.galore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.TensorInfo;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerPlan;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.DeterministicTensors;
import dev.tune4j.testing.MomentumSgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry side of GaLore: options checked before anything is allocated, targets by role, the saved layout. */
class GaLoreFactoryTest {
    private static final String Q = "layers.0.self_attn.q_proj.weight";

    @Test
    void theSchemaFollowsTheInnerRuleAndTheOptionsRecordWrapsItsOptions() {
        var galore = Optimizers.factory("galore");
        assertTrue(galore.schema(Map.of("inner", "momentum_sgd")).names().containsAll(List.of("rank", "momentum")));
        assertTrue(galore.schema(Map.of("inner", "test_adamw")).names().containsAll(List.of("inner", "betas")));
        OptimizerPlan<?> plan = galore.check(OptimizerSettings.of(Map.of("inner", "momentum_sgd", "lr", 0.3,
                "momentum", 0.5, "rank", 3, "weight_decay", 0.01), 1));
        var options = assertInstanceOf(GaLoreOptions.class, plan.options());
        var inner = assertInstanceOf(MomentumSgd.Settings.class, options.inner());
        assertEquals(new MomentumSgd.Settings(0.3, 0.5, 0.01), inner);
        assertEquals(0.3, options.lr());
        assertEquals(0.01, options.weightDecay());
        assertEquals(3, options.projection().rank());
    }

    @Test
    void checkRaisesWhatTheRunWouldRaise() {
        var group = new ParameterGroup("mlp", List.of("**.down_proj.weight"), Map.of("inner", "momentum_sgd"));
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.factory("galore")
                .check(new OptimizerSettings(Map.of("inner", "test_adamw"), List.of(group), 1)));
        assertTrue(e.getMessage().contains("'mlp' overrides 'inner'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.factory("galore_adamw")
                .check(OptimizerSettings.of(Map.of("inner", "momentum_sgd"), 1)));
        assertTrue(e.getMessage().contains("unknown option 'inner'"), e.getMessage());
        var badRank = new ParameterGroup("small", List.of("**.q_proj.weight"), Map.of("rank", 0));
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.factory("galore")
                .check(new OptimizerSettings(Map.of("inner", "test_adamw"), List.of(badRank), 1)));
        assertTrue(e.getMessage().contains("group 'small'") && e.getMessage().contains("'rank'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.factory("galore")
                .check(OptimizerSettings.of(Map.of("inner", 7), 1)));
        assertTrue(e.getMessage().contains("option 'inner' must name an optimizer id"), e.getMessage());
    }

    @Test
    void defaultTargetsAreTheDeclaredProjectionsAndByNameWithoutRoles() {
        var options = (GaLoreOptions) Optimizers.factory("galore").check(OptimizerSettings.of(Map.of(), 1)).options();
        Shape matrix = new Shape(8, 4);
        assertTrue(options.targets("blocks.0.mix.weight", matrix, ParameterRole.PROJECTION));
        assertFalse(options.targets(Q, matrix, ParameterRole.HEAD), "a declared role beats the name");
        assertTrue(options.targets(Q, matrix, ParameterRole.OTHER), "no roles: Llama/BERT names");
        assertFalse(options.targets("blocks.0.mix.weight", matrix, ParameterRole.OTHER));
        assertFalse(options.targets("blocks.0.mix.bias", new Shape(8), ParameterRole.PROJECTION), "not a matrix");
        var named = (GaLoreOptions) Optimizers.factory("galore").check(OptimizerSettings.of(
                Map.of("target_modules", List.of("**.mix.weight")), 1)).options();
        assertTrue(named.targets("blocks.0.mix.weight", matrix, ParameterRole.EMBEDDING), "explicit names win");
        assertFalse(named.targets(Q, matrix, ParameterRole.PROJECTION));
    }

    @Test
    void savesBasesInnerStateAndSkippedRefreshesInTheGenericLayout(@TempDir Path dir) throws IOException {
        var settings = OptimizerSettings.of(Map.of("inner", "test_adamw", "rank", 2, "update_proj_gap", 1), 3);
        try (NDManager manager = NDManager.newBaseManager(); Optimizer galore = Optimizers.create("galore", settings)) {
            NDArray w = manager.ones(new Shape(6, 4));
            float[] bad = DeterministicTensors.sinArangeFloat(24, 1, 3);
            bad[2] = Float.NaN;
            galore.step(List.of(new TrainableParameter(Q, w, manager.create(bad, new Shape(6, 4)))),
                    OptionalDouble.empty()); // no basis yet: unprojected, state under full.
            galore.step(List.of(new TrainableParameter(Q, w, DeterministicTensors.sinArange(manager, new Shape(6, 4),
                    1, 4))), OptionalDouble.empty());
            galore.saveState(dir);
            Set<String> saved = new TreeSet<>();
            try (SafeTensorsFile file = SafeTensorsFile.open(dir.resolve("optimizer.safetensors"))) {
                for (TensorInfo info : file.tensors()) {
                    saved.add(info.name() + " " + info.shape());
                }
            }
            assertEquals(new TreeSet<>(List.of(Q + "::galore_right (2, 4)", Q + "::m (6, 2)", Q + "::v (6, 2)",
                    Q + "::full.m (6, 4)", Q + "::full.v (6, 4)")), saved);
            try (Optimizer resumed = Optimizers.create("galore", settings)) {
                resumed.loadState(dir);
                assertEquals(1.0, resumed.telemetry().get("galore_skipped_refreshes"));
                assertEquals(galore.stateBytes(), resumed.stateBytes());
            }
        }
    }
}
