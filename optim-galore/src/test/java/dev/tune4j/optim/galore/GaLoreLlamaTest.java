package dev.tune4j.optim.galore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GaLore over the test AdamW on the project's tiny Llama, through the shared training step. */
class GaLoreLlamaTest {
    // tiny Llama written by the project (hidden 16, 2 layers, 2 heads, 1 KV head, MLP 24), seeded init
    private static final LlamaConfig TINY = LlamaConfig.tiny(32, 16, 2, 2, 1, 24);
    private static final long[] IDS = {1, 7, 9, 3, 12, 30, 2, 1, 5, 5, 8, 21, 4, 2, 0, 0};
    private static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    private static final Map<String, Object> OPTIONS = Map.of("inner", "test_adamw", "lr", 0.01, "rank", 4,
            "update_proj_gap", 3, "scale", 1.0, "weight_decay", 0.01);

    private static NDArray loss(LlamaForCausalLM model, NDManager step) {
        NDArray ids = step.create(IDS, new Shape(2, 8));
        NDArray mask = step.create(MASK, new Shape(2, 8));
        NDArray logits = model.forward(new ParameterStore(step, false), new NDList(ids, mask), true)
                .singletonOrThrow();
        return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(ids, mask), mask);
    }

    private static LlamaForCausalLM model(NDManager manager) {
        Engine.getInstance().setRandomSeed(42);
        return new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
    }

    private static Map<String, float[]> snapshot(LlamaForCausalLM model) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, parameter) -> weights.put(name, parameter.getArray().toFloatArray()));
        return weights;
    }

    @Test
    void tinyLlamaLossFallsAndOnlyTheProjectionsAreProjected() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(OPTIONS, 30))) {
            LlamaForCausalLM model = model(manager);
            var step = new TrainingStep(manager, model, galore, 1.0);
            double first = step.run(s -> loss(model, s)).loss();
            double last = first;
            for (int i = 0; i < 30; i++) {
                last = step.run(s -> loss(model, s)).loss();
            }
            assertTrue(last < first * 0.8, "loss did not fall: " + first + " -> " + last);
            ProjectedRule<?> rule = GaLoreOptimizerTest.rule(galore);
            for (String projection : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                    "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
                assertNotNull(rule.projector("model.layers.1." + projection + ".weight"), projection);
            }
            assertNull(rule.projector("model.embed_tokens.weight"));
            assertNull(rule.projector("lm_head.weight"));
            assertNull(rule.projector("model.norm.weight"));
            assertEquals(31, galore.stepCount());
        }
    }

    @Test
    void saveLoadAndContinueIsBitIdentical(@TempDir Path dir) throws IOException {
        Map<String, float[]> uninterrupted;
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer galore = Optimizers.create("galore", OptimizerSettings.of(OPTIONS, 8))) {
            LlamaForCausalLM model = model(manager);
            var step = new TrainingStep(manager, model, galore, 1.0);
            for (int i = 0; i < 8; i++) {
                step.run(s -> loss(model, s));
            }
            uninterrupted = snapshot(model);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaForCausalLM model = model(manager);
            try (Optimizer first = Optimizers.create("galore", OptimizerSettings.of(OPTIONS, 8))) {
                var step = new TrainingStep(manager, model, first, 1.0);
                for (int i = 0; i < 4; i++) {
                    step.run(s -> loss(model, s));
                }
                first.saveState(dir);
            }
            try (Optimizer resumed = Optimizers.create("galore", OptimizerSettings.of(OPTIONS, 8))) {
                resumed.loadState(dir);
                var step = new TrainingStep(manager, model, resumed, 1.0);
                for (int i = 0; i < 4; i++) { // crosses the refresh at step 7
                    step.run(s -> loss(model, s));
                }
            }
            Map<String, float[]> resumedWeights = snapshot(model);
            for (var entry : uninterrupted.entrySet()) {
                assertArrayEquals(entry.getValue(), resumedWeights.get(entry.getKey()), 0f, entry.getKey());
            }
        }
    }
}
