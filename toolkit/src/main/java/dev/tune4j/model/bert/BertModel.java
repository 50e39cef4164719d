package dev.tune4j.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.AttentionMask;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.TokenIds;
import java.util.ArrayList;
import java.util.List;

/**
 * The BERT encoder (HF {@code BertModel}): {@code embeddings}, {@code encoder.layer.N}, and optionally
 * {@code pooler.dense} (tanh over the first token). Sentence-embedding checkpoints such as all-MiniLM-L6-v2 ship no
 * pooler.
 *
 * <p>Inputs: {@code ids [B, T]}, optionally {@code attention_mask [B, T]} (1 real, 0 padding) and
 * {@code token_type_ids [B, T]}. Outputs: last hidden states {@code [B, T, E]}, then the pooled output {@code [B, E]}
 * when the pooler exists.
 */
public final class BertModel extends HfBlock {
    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();
    private final Block pooler; // weight [E, E]; null without pooler

    /** An encoder for {@code config}, with or without the pooler. */
    public BertModel(BertConfig config, boolean withPooler) {
        this.config = config;
        this.embeddings = child("embeddings", new BertEmbeddings(config), new Shape(1, 1));
        Shape activation = new Shape(1, 1, config.hiddenSize());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(child("encoder.layer." + i, new BertLayer(config), activation));
        }
        this.pooler = withPooler ? headLinear("pooler.dense", config.hiddenSize(), config.hiddenSize(), true) : null;
    }

    /** The configuration. */
    public BertConfig config() {
        return config;
    }

    /** The input embeddings. */
    public BertEmbeddings embeddings() {
        return embeddings;
    }

    /** Whether this encoder has a pooler. */
    public boolean hasPooler() {
        return pooler != null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray attentionMask = inputs.size() > 1 ? inputs.get(1) : null;
        NDArray tokenTypes = inputs.size() > 2 ? inputs.get(2) : null;
        TokenIds.check(ids, config.vocabSize(), config.maxPositionEmbeddings());
        NDList embeddingInputs = tokenTypes == null ? new NDList(ids) : new NDList(ids, tokenTypes);
        NDArray h = embeddings.forward(store, embeddingInputs, training).singletonOrThrow();
        int length = Math.toIntExact(ids.getShape().get(1));
        NDArray mask = attentionMask == null
                ? null
                : AttentionMask.additive(ids.getManager(), attentionMask, length, false, h.getDataType());
        for (BertLayer layer : layers) {
            h = layer.forward(store, new NDList(h, mask), training).singletonOrThrow();
        }
        if (pooler == null) {
            return new NDList(h);
        }
        NDArray pooled = apply(pooler, store, h.get(":, 0, :"), training).tanh();
        return new NDList(h, pooled);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hidden = inputShapes[0].add(config.hiddenSize());
        return pooler == null
                ? new Shape[] {hidden}
                : new Shape[] {hidden, new Shape(inputShapes[0].get(0), config.hiddenSize())};
    }
}
