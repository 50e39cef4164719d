package dev.tune4j.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.TensorInfo;
import dev.tune4j.importer.MiniLmImporter;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.model.bert.BertForSequenceClassification.Pooling;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.testing.MomentumSgd;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {
    // tiny Llama written by the project (seeded init)
    private static final LlamaConfig TINY = LlamaConfig.tiny(40, 16, 2, 2, 1, 24);
    private static final LoraConfig LORA = new LoraConfig(4, 16, 0, List.of("q_proj", "v_proj"), List.of(), false,
            "tiny-llama", "CAUSAL_LM");
    private static final long[] IDS = {1, 7, 9, 3, 12, 30, 2, 1, 5, 5, 8, 21};

    private static NDArray logits(LlamaForCausalLM model, NDManager manager) {
        NDArray ids = manager.create(IDS, new Shape(2, 6));
        return model.forward(new ParameterStore(manager, false), new NDList(ids), false).singletonOrThrow();
    }

    private static NDArray loss(LlamaForCausalLM model, NDManager step) {
        NDArray ids = step.create(IDS, new Shape(2, 6));
        NDArray logits = model.forward(new ParameterStore(step, false), new NDList(ids), true).singletonOrThrow();
        return CausalLmLoss.compute(logits, ids, null);
    }

    /** A LoRA model whose base weights are those of a plain model saved to {@code dir}. */
    private static LlamaForCausalLM adaptedCopy(NDManager manager, Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(5);
        var base = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
        ModelWeights.save(base, TINY, dir);
        var adapted = Lora.build(LORA, () -> new LlamaForCausalLM(TINY)).initialize(manager, DataType.FLOAT32);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            ModelWeights.load(adapted, checkpoint, Lora::isAdapterParameter);
        }
        Lora.markTrainable(adapted, LORA);
        return adapted;
    }

    @Test
    void freshAdapterLeavesTheOutputExactlyAsTheBaseModels(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            var base = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            var adapted = adaptedCopy(manager, dir);
            assertArrayEquals(logits(base, manager).toFloatArray(), logits(adapted, manager).toFloatArray(), 0f);

            var names = ParameterNames.of(adapted);
            NDArray a = names.get("model.layers.0.self_attn.q_proj.lora_A.weight").getArray();
            assertEquals(new Shape(4, 16), a.getShape());
            float bound = (float) (1 / Math.sqrt(16));
            for (float x : a.toFloatArray()) {
                assertTrue(Math.abs(x) <= bound, "lora_A outside U(-1/sqrt(in), 1/sqrt(in)): " + x);
            }
            // v_proj's out = KV heads * head_dim = 1 * 8, so lora_B is [8, r]; fresh B is all zeros
            assertEquals(new Shape(8, 4), names.get("model.layers.1.self_attn.v_proj.lora_B.weight").getArray()
                    .getShape());
            assertArrayEquals(new float[8 * 4], names.get("model.layers.1.self_attn.v_proj.lora_B.weight").getArray()
                    .toFloatArray(), 0f);
        }
    }

    @Test
    void onlyAdaptersTrainAndMergedEqualsUnmerged(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 0.1), 20))) {
            var model = adaptedCopy(manager, dir);
            Map<String, float[]> before = new HashMap<>();
            ParameterNames.of(model).forEach((n, p) -> before.put(n, p.getArray().toFloatArray()));
            var step = new TrainingStep(manager, model, sgd, Double.POSITIVE_INFINITY);
            // per layer: q_proj A [4, 16] + B [16, 4], v_proj A [4, 16] + B [8, 4]; 2 layers
            assertEquals(2 * ((4 * 16 + 16 * 4) + (4 * 16 + 8 * 4)), step.trainableParameterCount());
            double first = step.run(s -> loss(model, s)).loss();
            double last = first;
            for (int i = 1; i < 20; i++) {
                last = step.run(s -> loss(model, s)).loss();
            }
            assertTrue(last < first, "LoRA training did not lower the loss: " + first + " -> " + last);
            ParameterNames.of(model).forEach((name, parameter) -> {
                boolean changed = !java.util.Arrays.equals(before.get(name), parameter.getArray().toFloatArray());
                if (Lora.isAdapterParameter(name)) {
                    assertTrue(changed, name + " did not train");
                } else {
                    assertFalse(changed, name + " is frozen but changed");
                }
            });

            float[] unmerged = logits(model, manager).toFloatArray();
            Lora.merge(model);
            float[] merged = logits(model, manager).toFloatArray();
            assertArrayEquals(unmerged, merged, 1e-5f);
            Lora.unmerge(model);
            assertArrayEquals(before.get("model.layers.0.self_attn.q_proj.weight"),
                    ParameterNames.of(model).get("model.layers.0.self_attn.q_proj.weight").getArray().toFloatArray(),
                    1e-6f);

            // the merged export is a plain HF checkpoint that a plain model loads completely
            Path exported = dir.resolve("merged");
            PeftAdapters.saveMerged(model, TINY, exported);
            var plain = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            try (Checkpoint checkpoint = Checkpoint.open(exported)) {
                ModelWeights.load(plain, checkpoint);
            }
            assertArrayEquals(unmerged, logits(plain, manager).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void savedAdapterHasPeftsLayoutAndLoadsBack(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 0.1), 5))) {
            var model = adaptedCopy(manager, dir.resolve("base"));
            var step = new TrainingStep(manager, model, sgd, Double.POSITIVE_INFINITY);
            for (int i = 0; i < 5; i++) {
                step.run(s -> loss(model, s));
            }
            Path adapter = dir.resolve("adapter");
            PeftAdapters.save(model, LORA, adapter);

            JsonNode golden;
            try (InputStream in = LoraTest.class.getResourceAsStream("llama-adapter_config.json")) {
                golden = ModelConfig.JSON.readTree(in);
            }
            assertEquals(golden, ModelConfig.JSON.readTree(adapter.resolve(PeftAdapters.CONFIG).toFile()));
            try (SafeTensorsFile weights = SafeTensorsFile.open(adapter.resolve(PeftAdapters.WEIGHTS))) {
                assertEquals(Map.of("format", "pt"), weights.metadata());
                var names = weights.tensors().stream().map(TensorInfo::name).sorted().toList();
                assertEquals(List.of(
                        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                        "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
                        "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight",
                        "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
                        "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight",
                        "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight",
                        "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight",
                        "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"), names);
            }

            LoraConfig read = PeftAdapters.readConfig(adapter);
            assertEquals(LORA, read);
            var restored = Lora.build(read, () -> new LlamaForCausalLM(TINY)).initialize(manager, DataType.FLOAT32);
            try (Checkpoint checkpoint = Checkpoint.open(dir.resolve("base"))) {
                ModelWeights.load(restored, checkpoint, Lora::isAdapterParameter);
            }
            PeftAdapters.load(restored, adapter);
            assertArrayEquals(logits(model, manager).toFloatArray(), logits(restored, manager).toFloatArray(), 0f);
        }
    }

    @Test
    void readingToleratesNewerPeftKeys(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(PeftAdapters.CONFIG), """
                {"peft_type": "LORA", "target_modules": ["query", "value"], "r": 16, "lora_alpha": 32,
                 "lora_dropout": 0.1, "use_rslora": true, "exclude_modules": null, "lora_bias": false,
                 "corda_config": null, "eva_config": null, "trainable_token_indices": null, "task_type": "SEQ_CLS",
                 "modules_to_save": ["classifier"]}
                """);
        LoraConfig config = PeftAdapters.readConfig(dir);
        assertEquals(new LoraConfig(16, 32, 0.1, List.of("query", "value"), List.of("classifier"), true, null,
                "SEQ_CLS"), config);
        assertEquals(32 / Math.sqrt(16), config.scaling());
    }

    @Test
    void targetsThatMatchNothingListTheValidNames() {
        var wrong = LORA.withTargets(List.of("q_proj", "qkv"));
        var e = assertThrows(IllegalArgumentException.class, () -> Lora.build(wrong, () -> new LlamaForCausalLM(TINY)));
        assertTrue(e.getMessage().contains("target_modules [qkv] match no Linear layer"), e.getMessage());
        for (String name : List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj",
                "lm_head")) {
            assertTrue(e.getMessage().contains(name), "valid names should list " + name + ": " + e.getMessage());
        }
    }

    @Test
    void miniLmTrainableCountEqualsTheFormula() {
        var config = MiniLmImporter.CONFIG;
        var lora = LoraConfig.defaults(config, "all-MiniLM-L6-v2").withModulesToSave(List.of("classifier"));
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = Lora.build(lora, () -> new BertForSequenceClassification(config, 2, Pooling.MEAN))
                    .initialize(manager, DataType.FLOAT32);
            List<String> trainable = Lora.markTrainable(model, lora);
            long count = trainable.stream()
                    .mapToLong(n -> ParameterNames.of(model).get(n).getArray().size()).sum();
            // 6 layers x {query, value} x (r*in + out*r) with r 8, in = out = 384; plus the classifier 2*384 + 2
            long adapters = 6L * 2 * (8 * 384 + 384 * 8);
            assertEquals(73_728, adapters);
            assertEquals(adapters + 2 * 384 + 2, count);
        }
    }
}
