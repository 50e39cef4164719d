package dev.tune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.AttentionMask;
import dev.tune4j.model.nn.Embedding;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.RmsNorm;
import dev.tune4j.model.nn.RotaryEmbedding;
import dev.tune4j.model.nn.TokenIds;
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama decoder stack (HF {@code LlamaModel}, prefix {@code model.}): {@code embed_tokens}, {@code layers.N},
 * {@code norm}. Input {@code ids [B, T]} (int64) and optionally {@code attention_mask [B, T]} (1 real, 0 right
 * padding); output the final-normed hidden states {@code [B, T, E]}.
 */
public final class LlamaModel extends HfBlock {
    private final LlamaConfig config;
    private final RotaryEmbedding rope;
    private final Embedding embedTokens;
    private final List<LlamaDecoderLayer> layers = new ArrayList<>();
    private final RmsNorm norm;

    /** The decoder stack for {@code config}. */
    public LlamaModel(LlamaConfig config) {
        this.config = config;
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
        this.embedTokens = child("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize()), new Shape(1, 1));
        Shape activation = new Shape(1, 1, config.hiddenSize());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(child("layers." + i, new LlamaDecoderLayer(config), activation));
        }
        this.norm = child("norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()), activation);
    }

    /** The token embedding (lm_head ties to it when configured). */
    public Embedding embedTokens() {
        return embedTokens;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray attentionMask = inputs.size() > 1 ? inputs.get(1) : null;
        TokenIds.check(ids, config.vocabSize(), config.maxPositionEmbeddings());
        int length = Math.toIntExact(ids.getShape().get(1));
        NDArray h = apply(embedTokens, store, ids, training);
        NDList tables = rope.tables(ids.getManager(), length, h.getDataType());
        NDArray mask = AttentionMask.additive(ids.getManager(), attentionMask, length, true, h.getDataType());
        for (LlamaDecoderLayer layer : layers) {
            h = layer.forward(store, new NDList(h, tables.get(0), tables.get(1), mask), training).singletonOrThrow();
        }
        return new NDList(apply(norm, store, h, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }
}
