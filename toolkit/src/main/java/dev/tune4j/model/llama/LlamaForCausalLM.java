package dev.tune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.HfBlock;

/**
 * Llama-2 with its language-model head (HF {@code LlamaForCausalLM}): children {@code model} and {@code lm_head}
 * (absent when {@code tie_word_embeddings}, then the embedding matrix projects back). Input {@code ids [B, T]} and
 * optionally {@code attention_mask [B, T]}; output logits {@code [B, T, V]}.
 */
public final class LlamaForCausalLM extends HfBlock {
    private final LlamaConfig config;
    private final LlamaModel model;
    private final Block lmHead; // weight [V, E]; null when tied

    /** A model for {@code config}; call {@link #initialize(NDManager, DataType)} before use. */
    public LlamaForCausalLM(LlamaConfig config) {
        this.config = config;
        this.model = child("model", new LlamaModel(config), new Shape(1, 1));
        this.lmHead = config.tieWordEmbeddings()
                ? null
                : headLinear("lm_head", config.hiddenSize(), config.vocabSize(), false);
    }

    /** Initializes a fresh model as HF does (see {@link HfBlock#initializeLikeHuggingFace}); returns this. */
    public LlamaForCausalLM initialize(NDManager manager, DataType dataType) {
        initializeLikeHuggingFace(manager, dataType, new Shape(1, 1));
        return this;
    }

    /** The configuration. */
    public LlamaConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = model.forward(store, inputs, training).singletonOrThrow();
        if (lmHead != null) {
            return new NDList(apply(lmHead, store, hidden, training));
        }
        NDArray table = value(store, model.embedTokens().weight(), hidden, training);
        return Linear.linear(hidden, table);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.vocabSize())};
    }
}
