package dev.tune4j.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.model.ConfigJson;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.ModelSizeLimits;

/**
 * Llama-2 architecture hyper-parameters (HF {@code LlamaConfig}; docs/algorithms.md#llama-2-layout). Always read from
 * the checkpoint's config.json: transformers' class defaults (rms_norm_eps 1e-6, 2048 positions) differ from Llama-2's.
 *
 * @param vocabSize token vocabulary (32000 for Llama-2)
 * @param hiddenSize model width E
 * @param intermediateSize SwiGLU width
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads query heads H
 * @param numKeyValueHeads key/value heads (GQA when fewer than H)
 * @param maxPositionEmbeddings longest sequence
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta rotary base
 * @param tieWordEmbeddings whether lm_head reuses embed_tokens
 * @param bosTokenId beginning-of-sequence id
 * @param eosTokenId end-of-sequence id
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId)
        implements ModelConfig {

    /** Validates the shapes the architecture needs. */
    public LlamaConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + hiddenSize / numAttentionHeads + " must be even for RoPE");
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("rms_norm_eps and rope_theta must be positive");
        }
        ModelSizeLimits.checkAtMost("num_hidden_layers", numHiddenLayers, ModelSizeLimits.MAX_LAYERS);
        ModelSizeLimits.checkAtMost("max_position_embeddings", maxPositionEmbeddings, ModelSizeLimits.MAX_POSITIONS);
        ModelSizeLimits.checkMatrix("embed_tokens (vocab_size x hidden_size)", vocabSize, hiddenSize);
        ModelSizeLimits.checkMatrix("q_proj (hidden_size x hidden_size)", hiddenSize, hiddenSize);
        ModelSizeLimits.checkMatrix("mlp (intermediate_size x hidden_size)", intermediateSize, hiddenSize);
    }

    /** A small config for tests and the tiny pretraining recipes (written by the project, not a released model). */
    public static LlamaConfig tiny(int vocabSize, int hiddenSize, int layers, int heads, int kvHeads, int intermediate) {
        return new LlamaConfig(vocabSize, hiddenSize, intermediate, layers, heads, kvHeads, 512, 1e-5, 10000.0, false,
                1, 2);
    }

    /** Per-head width d = hidden / heads. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    @Override
    public String modelType() {
        return "llama";
    }

    /** Reads a llama config, accepting both {@code rope_theta} and the newer {@code rope_parameters} spelling. */
    public static LlamaConfig parse(ConfigJson json) {
        int heads = json.requiredInt("num_attention_heads");
        double ropeTheta = json.optionalDouble("rope_theta", Double.NaN);
        JsonNode ropeParameters = json.node("rope_parameters");
        if (ropeParameters != null && ropeParameters.isObject()) {
            JsonNode theta = ropeParameters.get("rope_theta");
            if (theta != null && theta.isNumber()) {
                ropeTheta = theta.doubleValue();
            }
            JsonNode type = ropeParameters.get("rope_type");
            if (type != null && !"default".equals(type.asText())) {
                json.problem("rope_parameters.rope_type '" + type.asText() + "' is not supported (only default RoPE)");
            }
        }
        JsonNode scaling = json.node("rope_scaling");
        if (scaling != null && !scaling.isNull()) {
            json.problem("rope_scaling " + scaling + " is not supported (only default RoPE)");
        }
        String activation = json.optionalString("hidden_act", "silu");
        if (!activation.equals("silu")) {
            json.problem("hidden_act '" + activation + "' is not supported (Llama uses silu)");
        }
        if (json.optionalBoolean("attention_bias", false) || json.optionalBoolean("mlp_bias", false)) {
            json.problem("attention_bias/mlp_bias true is not supported (Llama-2 has no biases)");
        }
        int vocab = json.requiredInt("vocab_size");
        int hidden = json.requiredInt("hidden_size");
        int intermediate = json.requiredInt("intermediate_size");
        int layers = json.requiredInt("num_hidden_layers");
        int kvHeads = json.optionalInt("num_key_value_heads", heads);
        int positions = json.requiredInt("max_position_embeddings");
        double eps = json.optionalDouble("rms_norm_eps", Double.NaN);
        if (Double.isNaN(eps)) {
            json.problem("missing required key 'rms_norm_eps'");
        }
        boolean tied = json.optionalBoolean("tie_word_embeddings", false);
        int bos = json.optionalInt("bos_token_id", 1);
        int eos = json.optionalInt("eos_token_id", 2);
        json.check();
        double theta = Double.isNaN(ropeTheta) ? 10000.0 : ropeTheta;
        return json.validated(
                () -> new LlamaConfig(vocab, hidden, intermediate, layers, heads, kvHeads, positions, eps, theta, tied,
                        bos, eos));
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** The file Hugging Face reads generation defaults from, beside config.json. */
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";

    /**
     * {@code generation_config.json} as {@code save_pretrained} derives it from a config without generation settings:
     * the special token ids, marked as taken from the model config.
     */
    public ObjectNode generationConfigJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("_from_model_config", true);
        node.put("bos_token_id", bosTokenId);
        node.put("eos_token_id", eosTokenId);
        return node;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.putArray("architectures").add("LlamaForCausalLM");
        node.put("model_type", "llama");
        node.put("vocab_size", vocabSize);
        node.put("hidden_size", hiddenSize);
        node.put("intermediate_size", intermediateSize);
        node.put("num_hidden_layers", numHiddenLayers);
        node.put("num_attention_heads", numAttentionHeads);
        node.put("num_key_value_heads", numKeyValueHeads);
        node.put("max_position_embeddings", maxPositionEmbeddings);
        node.put("rms_norm_eps", rmsNormEps);
        node.put("rope_theta", ropeTheta);
        node.putNull("rope_scaling");
        node.put("hidden_act", "silu");
        node.put("attention_bias", false);
        node.put("tie_word_embeddings", tieWordEmbeddings);
        node.put("bos_token_id", bosTokenId);
        node.put("eos_token_id", eosTokenId);
        node.put("torch_dtype", "float32");
        return node;
    }
}
