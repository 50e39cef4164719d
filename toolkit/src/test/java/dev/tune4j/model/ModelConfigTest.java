package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    // Llama-2-7b-hf's config.json as published with the model, written out by hand (plus an unknown key)
    private static final String LLAMA2_7B = """
            {"architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
             "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 11008,
             "max_position_embeddings": 4096, "model_type": "llama", "num_attention_heads": 32,
             "num_hidden_layers": 32, "num_key_value_heads": 32, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": null, "tie_word_embeddings": false, "torch_dtype": "float16",
             "transformers_version": "4.31.0.dev0", "use_cache": true, "vocab_size": 32000,
             "some_future_key": {"nested": true}}
            """;
    // bert-base-uncased's config.json as published with the model, written out by hand
    private static final String BERT_BASE = """
            {"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": false,
             "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
             "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
             "model_type": "bert", "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0,
             "position_embedding_type": "absolute", "transformers_version": "4.6.0.dev0", "type_vocab_size": 2,
             "use_cache": true, "vocab_size": 30522}
            """;

    private static JsonNode json(String text) throws IOException {
        return ModelConfig.JSON.readTree(text);
    }

    @Test
    void readsLlama2Config() throws IOException {
        var config = (LlamaConfig) ModelConfig.parse(json(LLAMA2_7B), "config.json");
        assertEquals(new LlamaConfig(32000, 4096, 11008, 32, 32, 32, 4096, 1e-5, 10000.0, false, 1, 2), config);
        assertEquals(128, config.headDim());
    }

    @Test
    void acceptsTheRopeParametersSpelling() throws IOException {
        String newer = LLAMA2_7B.replace("\"rope_scaling\": null,",
                "\"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"default\"},");
        assertEquals(500000.0, ((LlamaConfig) ModelConfig.parse(json(newer), "c")).ropeTheta());
        String older = LLAMA2_7B.replace("\"rope_scaling\": null,", "\"rope_theta\": 250000.0,");
        assertEquals(250000.0, ((LlamaConfig) ModelConfig.parse(json(older), "c")).ropeTheta());
    }

    @Test
    void namesEveryMissingKeyAtOnce() throws IOException {
        String broken = LLAMA2_7B.replace("\"hidden_size\": 4096,", "").replace("\"vocab_size\": 32000,", "")
                .replace("\"rms_norm_eps\": 1e-05,", "");
        var e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json(broken), "x/config.json"));
        assertTrue(e.getMessage().startsWith("x/config.json: "), e.getMessage());
        for (String key : new String[] {"'hidden_size'", "'vocab_size'", "'rms_norm_eps'"}) {
            assertTrue(e.getMessage().contains("missing required key " + key), e.getMessage());
        }
    }

    @Test
    void rejectsOtherArchitecturesAndUnsupportedVariants() throws IOException {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.parse(json("{\"model_type\": \"gpt2\"}"), "c"));
        assertTrue(e.getMessage().contains("model_type 'gpt2' is not supported"), e.getMessage());
        String scaled = LLAMA2_7B.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"linear\"}");
        var e2 = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json(scaled), "c"));
        assertTrue(e2.getMessage().contains("rope_scaling"), e2.getMessage());
        String wrongType = BERT_BASE.replace("\"hidden_size\": 768", "\"hidden_size\": \"768\"");
        var e3 = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json(wrongType), "c"));
        assertTrue(e3.getMessage().contains("'hidden_size' must be an integer, got \"768\""), e3.getMessage());
    }

    @Test
    void readsBertBaseConfig() throws IOException {
        var config = (BertConfig) ModelConfig.parse(json(BERT_BASE), "config.json");
        assertEquals(new BertConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12, 0.1, 0.1, 0), config);
    }

    @Test
    void writesAConfigThatReadsBack(@TempDir Path dir) throws IOException {
        var llama = LlamaConfig.tiny(100, 16, 2, 4, 2, 32);
        llama.write(dir);
        assertEquals(llama, ModelConfig.read(dir));
        var bert = BertConfig.tiny(100, 16, 2, 4, 32);
        bert.write(dir);
        assertEquals(bert, ModelConfig.read(dir.resolve("config.json")));
    }

    @Test
    void missingOrMalformedFilesSayWhat(@TempDir Path dir) throws IOException {
        var missing = assertThrows(NoSuchFileException.class, () -> ModelConfig.read(dir));
        assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
        Files.writeString(dir.resolve("config.json"), "{not json");
        var malformed = assertThrows(IOException.class, () -> ModelConfig.read(dir));
        assertTrue(malformed.getMessage().contains("is not valid JSON"), malformed.getMessage());
    }
}
