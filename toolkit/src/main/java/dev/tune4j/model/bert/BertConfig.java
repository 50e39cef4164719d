package dev.tune4j.model.bert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.model.ConfigJson;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.ModelSizeLimits;

/**
 * BERT encoder hyper-parameters (HF {@code BertConfig}; docs/algorithms.md#bert-layout): post-LN layers, exact-erf
 * GELU, absolute position and token-type embeddings.
 *
 * @param vocabSize WordPiece vocabulary (30522 for bert-base-uncased)
 * @param hiddenSize model width E
 * @param numHiddenLayers encoder layers
 * @param numAttentionHeads heads H (E divisible by H)
 * @param intermediateSize feed-forward width
 * @param maxPositionEmbeddings longest sequence (512)
 * @param typeVocabSize token types (2)
 * @param layerNormEps LayerNorm epsilon (1e-12)
 * @param hiddenDropoutProb dropout after embeddings and dense sublayers, in training
 * @param attentionProbsDropoutProb dropout on attention weights, in training
 * @param padTokenId id of [PAD]
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int padTokenId)
        implements ModelConfig {

    /** Validates the shapes the architecture needs. */
    public BertConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0
                || intermediateSize <= 0 || maxPositionEmbeddings <= 0 || typeVocabSize <= 0) {
            throw new IllegalArgumentException("BERT sizes must be positive: " + sizes(vocabSize, hiddenSize,
                    numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings, typeVocabSize));
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be positive, got " + layerNormEps);
        }
        if (!(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1)
                || !(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1)) {
            throw new IllegalArgumentException("dropout probabilities must be in [0, 1)");
        }
        ModelSizeLimits.checkAtMost("num_hidden_layers", numHiddenLayers, ModelSizeLimits.MAX_LAYERS);
        ModelSizeLimits.checkAtMost("max_position_embeddings", maxPositionEmbeddings, ModelSizeLimits.MAX_POSITIONS);
        ModelSizeLimits.checkMatrix("word_embeddings (vocab_size x hidden_size)", vocabSize, hiddenSize);
        ModelSizeLimits.checkMatrix("position_embeddings (max_position_embeddings x hidden_size)",
                maxPositionEmbeddings, hiddenSize);
        ModelSizeLimits.checkMatrix("token_type_embeddings (type_vocab_size x hidden_size)", typeVocabSize,
                hiddenSize);
        ModelSizeLimits.checkMatrix("attention (hidden_size x hidden_size)", hiddenSize, hiddenSize);
        ModelSizeLimits.checkMatrix("intermediate (intermediate_size x hidden_size)", intermediateSize, hiddenSize);
    }

    /** A small config for tests (written by the project, not a released model); dropout off. */
    public static BertConfig tiny(int vocabSize, int hiddenSize, int layers, int heads, int intermediate) {
        return new BertConfig(vocabSize, hiddenSize, layers, heads, intermediate, 64, 2, 1e-12, 0, 0, 0);
    }

    /** This config with dropout switched off (for deterministic evaluation and gradient checks). */
    public BertConfig withoutDropout() {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, 0, 0, padTokenId);
    }

    /** Per-head width. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    @Override
    public String modelType() {
        return "bert";
    }

    /** Reads a bert config; only absolute position embeddings and exact GELU are supported. */
    public static BertConfig parse(ConfigJson json) {
        String activation = json.optionalString("hidden_act", "gelu");
        if (!activation.equals("gelu")) {
            json.problem("hidden_act '" + activation + "' is not supported (tune4j's BERT uses exact-erf gelu)");
        }
        String positions = json.optionalString("position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            json.problem("position_embedding_type '" + positions + "' is not supported (only absolute)");
        }
        int vocab = json.requiredInt("vocab_size");
        int hidden = json.requiredInt("hidden_size");
        int layers = json.requiredInt("num_hidden_layers");
        int heads = json.requiredInt("num_attention_heads");
        int intermediate = json.requiredInt("intermediate_size");
        int positionCount = json.requiredInt("max_position_embeddings");
        int types = json.optionalInt("type_vocab_size", 2);
        double eps = json.optionalDouble("layer_norm_eps", 1e-12);
        double hiddenDropout = json.optionalDouble("hidden_dropout_prob", 0.1);
        double attentionDropout = json.optionalDouble("attention_probs_dropout_prob", 0.1);
        int pad = json.optionalInt("pad_token_id", 0);
        json.check();
        return json.validated(() -> new BertConfig(vocab, hidden, layers, heads, intermediate, positionCount, types,
                eps, hiddenDropout, attentionDropout, pad));
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.putArray("architectures").add("BertModel");
        node.put("model_type", "bert");
        node.put("vocab_size", vocabSize);
        node.put("hidden_size", hiddenSize);
        node.put("num_hidden_layers", numHiddenLayers);
        node.put("num_attention_heads", numAttentionHeads);
        node.put("intermediate_size", intermediateSize);
        node.put("max_position_embeddings", maxPositionEmbeddings);
        node.put("type_vocab_size", typeVocabSize);
        node.put("layer_norm_eps", layerNormEps);
        node.put("hidden_dropout_prob", hiddenDropoutProb);
        node.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        node.put("pad_token_id", padTokenId);
        node.put("hidden_act", "gelu");
        node.put("position_embedding_type", "absolute");
        node.put("torch_dtype", "float32");
        return node;
    }

    private static String sizes(int... values) {
        return java.util.Arrays.toString(values);
    }
}
