package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.TokenizerDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Hugging Face model directory as tune4j writes it: sharding, generation_config.json and the tokenizer files. */
class HfModelDirectoryTest {
    // tiny Llama written by the project (seeded init): 2 layers, hidden 16, vocabulary 40
    private static final LlamaConfig TINY = LlamaConfig.tiny(40, 16, 2, 2, 1, 24);

    @Test
    void aModelAboveTheShardSizeIsShardedAsHuggingFaceShardsAndLoadsBackExactly(@TempDir Path dir) throws Exception {
        long maxShard = 3000; // bytes; the embedding table (40 x 16 floats = 2560 bytes) still fits one shard
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            Files.writeString(dir.resolve("model-00009-of-00009.safetensors"), "stale shard of an earlier save");
            List<Path> files = ModelWeights.save(model, TINY, dir, name -> true, maxShard);
            JsonNode index = ModelConfig.JSON.readTree(dir.resolve(Checkpoint.INDEX_FILE).toFile());
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            ParameterNames.of(model).forEach((name, parameter) -> parameters.put(name, parameter.getArray()));
            // the shards, in file order, hold the parameters in model order, each named in the weight map
            List<List<String>> shards = new ArrayList<>();
            String previous = null;
            for (String name : parameters.keySet()) {
                String shard = index.path("weight_map").path(name).asText();
                if (!shard.equals(previous)) {
                    shards.add(new ArrayList<>());
                    previous = shard;
                }
                shards.getLast().add(name);
            }
            assertEquals(shards.size() + 1, files.size(), "shards plus the index");
            long total = 0;
            for (int i = 0; i < shards.size(); i++) {
                String expectedName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                assertEquals(expectedName, files.get(i).getFileName().toString());
                long bytes = shards.get(i).stream().mapToLong(n -> parameters.get(n).size() * 4).sum();
                total += bytes;
                assertTrue(bytes <= maxShard, "shard " + expectedName + " holds " + bytes + " bytes");
                if (i + 1 < shards.size()) { // a new shard starts only when the next tensor no longer fits
                    long next = parameters.get(shards.get(i + 1).getFirst()).size() * 4;
                    assertTrue(bytes + next > maxShard, "shard " + expectedName + " had room for the next tensor");
                }
            }
            assertTrue(shards.size() > 2, "the tiny model needs several 3000-byte shards, got " + shards.size());
            assertEquals(total, index.path("metadata").path("total_size").asLong());
            assertFalse(Files.exists(dir.resolve("model-00009-of-00009.safetensors")), "stale shard deleted");
            assertFalse(Files.exists(dir.resolve(Checkpoint.SINGLE_FILE)));
            try (Checkpoint checkpoint = Checkpoint.open(dir)) {
                assertEquals(parameters.keySet(), checkpoint.names().stream().collect(
                        java.util.stream.Collectors.toSet()));
                for (var entry : parameters.entrySet()) {
                    assertArrayEquals(entry.getValue().toFloatArray(),
                            checkpoint.load(entry.getKey(), manager).toFloatArray(), 0f, entry.getKey());
                }
            }
            ModelWeights.save(model, TINY, dir); // below the default 5 GB: one file, and no stale shards or index
            try (var entries = Files.list(dir)) {
                assertEquals(List.of("config.json", "generation_config.json", "model.safetensors"),
                        entries.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void aTensorLargerThanTheShardSizeGetsAShardOfItsOwn(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            ModelWeights.save(model, TINY, dir, name -> true, 2000); // the 2560-byte embedding table is larger
            JsonNode map = ModelConfig.JSON.readTree(dir.resolve(Checkpoint.INDEX_FILE).toFile()).path("weight_map");
            String embeddingShard = map.path("model.embed_tokens.weight").asText();
            List<String> together = new ArrayList<>();
            map.properties().forEach(e -> {
                if (e.getValue().asText().equals(embeddingShard)) {
                    together.add(e.getKey());
                }
            });
            assertEquals(List.of("model.embed_tokens.weight"), together);
        }
    }

    @Test
    void llamaGetsGenerationConfigWithItsSpecialTokenIds(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights.save(new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32), TINY, dir);
        }
        JsonNode generation = ModelConfig.JSON.readTree(dir.resolve("generation_config.json").toFile());
        assertEquals(1, generation.path("bos_token_id").asInt()); // LlamaConfig.tiny: Llama-2's <s> = 1, </s> = 2
        assertEquals(2, generation.path("eos_token_id").asInt());
        assertTrue(generation.path("_from_model_config").asBoolean());
    }

    @Test
    void bertTokenizerFilesNameTheSpecialTokensTheTokenizerHas(@TempDir Path dir) throws Exception {
        BertConfig config = new BertConfig(30522, 8, 1, 2, 16, 64, 2, 1e-12, 0, 0, 0);
        Path tokenizer = BertTokenizerFiles.minilm(); // the real all-MiniLM-L6-v2 tokenizer.json
        TokenizerDirectory.write(tokenizer, config, dir);
        assertArrayEquals(Files.readAllBytes(tokenizer), Files.readAllBytes(dir.resolve("tokenizer.json")));
        JsonNode special = ModelConfig.JSON.readTree(dir.resolve("special_tokens_map.json").toFile());
        assertEquals(Map.of("unk_token", "[UNK]", "sep_token", "[SEP]", "pad_token", "[PAD]", "cls_token", "[CLS]",
                "mask_token", "[MASK]"), ModelConfig.JSON.convertValue(special, Map.class));
        JsonNode settings = ModelConfig.JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("BertTokenizerFast", settings.path("tokenizer_class").asText());
        assertTrue(settings.path("do_lower_case").asBoolean(false), "MiniLM's normalizer lower-cases");
        assertEquals(64, settings.path("model_max_length").asInt()); // the config's max_position_embeddings
        assertEquals("[CLS]", settings.path("cls_token").asText());
    }
}
