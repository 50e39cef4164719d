package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.SafeTensorsDType;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification.Pooling;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.bert.BertModel;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest {
    // tiny models written by the project (seeded random init), not released checkpoints
    private static final LlamaConfig LLAMA = LlamaConfig.tiny(17, 8, 2, 2, 1, 12);
    private static final BertConfig BERT = BertConfig.tiny(13, 8, 2, 2, 12);

    private static float[] logits(LlamaForCausalLM model, NDManager manager) {
        NDArray ids = manager.create(new long[] {1, 5, 9, 16, 3, 2}, new Shape(2, 3));
        return model.forward(new ParameterStore(manager, false), new NDList(ids), false).singletonOrThrow()
                .toFloatArray();
    }

    @Test
    void tinyLlamaSaveThenLoadGivesIdenticalLogits(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            var original = new LlamaForCausalLM(LLAMA).initialize(manager, DataType.FLOAT32);
            ModelWeights.save(original, LLAMA, dir);

            assertEquals(LLAMA, ModelConfig.read(dir));
            Engine.getInstance().setRandomSeed(2);
            var restored = new LlamaForCausalLM((LlamaConfig) ModelConfig.read(dir)).initialize(manager,
                    DataType.FLOAT32);
            assertTrue(!java.util.Arrays.equals(logits(original, manager), logits(restored, manager)));
            try (Checkpoint checkpoint = Checkpoint.open(dir)) {
                var report = ModelWeights.load(restored, checkpoint);
                assertEquals(ParameterNames.of(restored).size(), report.loaded().size());
                assertEquals(List.of(), report.unexpected());
            }
            assertArrayEquals(logits(original, manager), logits(restored, manager), 0f);
        }
    }

    @Test
    void shardedHalfPrecisionCheckpointLoads(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            var original = new LlamaForCausalLM(LLAMA).initialize(manager, DataType.FLOAT32);
            // two shards stored as BF16 (as most Llama checkpoints are) with a hand-built index
            List<SafeTensorsWriter.Entry> first = new ArrayList<>();
            List<SafeTensorsWriter.Entry> second = new ArrayList<>();
            Map<String, String> weightMap = new LinkedHashMap<>();
            for (var entry : ParameterNames.of(original).entrySet()) {
                boolean early = !entry.getKey().startsWith("model.layers.1") && !entry.getKey().startsWith("lm_head");
                String shard = early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (early ? first : second).add(new SafeTensorsWriter.Entry(entry.getKey(),
                        entry.getValue().getArray(), SafeTensorsDType.BF16));
                weightMap.put(entry.getKey(), shard);
            }
            SafeTensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of());
            SafeTensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of());
            ObjectNode index = ModelConfig.JSON.createObjectNode();
            index.putObject("metadata").put("total_size", 0);
            index.set("weight_map", ModelConfig.JSON.valueToTree(weightMap));
            ModelConfig.JSON.writeValue(dir.resolve(Checkpoint.INDEX_FILE).toFile(), index);

            var restored = new LlamaForCausalLM(LLAMA).initialize(manager, DataType.FLOAT32);
            try (Checkpoint checkpoint = Checkpoint.open(dir)) {
                ModelWeights.load(restored, checkpoint);
            }
            // every restored weight is the BF16 rounding of the original: relative error below 2^-8
            for (var entry : ParameterNames.of(original).entrySet()) {
                float[] a = entry.getValue().getArray().toFloatArray();
                float[] b = ParameterNames.of(restored).get(entry.getKey()).getArray().toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertTrue(Math.abs(a[i] - b[i]) <= Math.abs(a[i]) / 256, entry.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void bertHeadModelLoadsAPrefixlessEncoderCheckpointAndKeepsItsNewHead(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var encoder = new BertModel(BERT, false);
            encoder.setInitializer(new ai.djl.training.initializer.NormalInitializer(0.02f),
                    ai.djl.nn.Parameter.Type.WEIGHT);
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            ModelWeights.save(encoder, BERT, dir); // names without "bert.", as sentence-transformers ships them

            var classifier = new BertForSequenceClassification(BERT, 2, Pooling.MEAN).initialize(manager,
                    DataType.FLOAT32);
            try (Checkpoint checkpoint = Checkpoint.open(dir)) {
                var e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.load(classifier, checkpoint));
                assertTrue(e.getMessage().contains("missing (2): classifier.weight, classifier.bias"), e.getMessage());
                var report = ModelWeights.load(classifier, checkpoint, name -> name.startsWith("classifier."));
                assertEquals(List.of("classifier.weight", "classifier.bias"), report.missing());
                assertEquals(5 + 2 * 16, report.loaded().size());
            }
            assertArrayEquals(
                    ParameterNames.of(encoder).get("encoder.layer.1.output.dense.weight").getArray().toFloatArray(),
                    ParameterNames.of(classifier).get("bert.encoder.layer.1.output.dense.weight").getArray()
                            .toFloatArray(), 0f);
        }
    }

    @Test
    void anotherArchitectureIsRejectedWithEveryProblemNamed(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var bert = new BertForSequenceClassification(BERT, 2, Pooling.POOLER).initialize(manager,
                    DataType.FLOAT32);
            ModelWeights.save(bert, BERT, dir);
            var llama = new LlamaForCausalLM(LLAMA).initialize(manager, DataType.FLOAT32);
            try (Checkpoint checkpoint = Checkpoint.open(dir)) {
                var e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.load(llama, checkpoint));
                assertTrue(e.getMessage().contains("missing (" + ParameterNames.of(llama).size() + "): "
                        + "model.embed_tokens.weight"), e.getMessage());
                assertTrue(e.getMessage().contains("unexpected (" + ParameterNames.of(bert).size() + "): bert."),
                        e.getMessage());
            }
            // same architecture, wrong size: every mismatch is listed with both shapes
            var wider = new BertForSequenceClassification(BertConfig.tiny(13, 12, 2, 2, 12), 2, Pooling.POOLER)
                    .initialize(manager, DataType.FLOAT32);
            try (Checkpoint checkpoint = Checkpoint.open(dir)) {
                var e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.load(wider, checkpoint));
                assertTrue(e.getMessage().contains("bert.embeddings.word_embeddings.weight (model (13, 12), checkpoint"
                        + " bert.embeddings.word_embeddings.weight (13, 8))"), e.getMessage());
            }
        }
    }

    @Test
    void legacyAndPrefixSpellingsAreCandidates() {
        assertEquals(List.of("bert.encoder.layer.0.output.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.weight",
                "bert.encoder.layer.0.output.LayerNorm.gamma", "encoder.layer.0.output.LayerNorm.gamma"),
                ModelWeights.candidates("bert.encoder.layer.0.output.LayerNorm.weight"));
        assertEquals(List.of("model.norm.weight"), ModelWeights.candidates("model.norm.weight"));
    }

    @Test
    void picklesAreRefused(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        var e = assertThrows(IOException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("pickle"), e.getMessage());
    }
}
