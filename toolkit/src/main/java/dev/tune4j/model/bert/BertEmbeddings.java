package dev.tune4j.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.Dropout;
import dev.tune4j.model.nn.Embedding;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.LayerNorm;

/**
 * BERT's input embeddings ({@code embeddings}): word + absolute position + token type, then LayerNorm and dropout.
 * Inputs {@code ids [B, T]} and {@code token_type_ids [B, T]} (or {@code null}: all type 0).
 */
public final class BertEmbeddings extends HfBlock {
    private final BertConfig config;
    private final Embedding wordEmbeddings; // weight [V, E]
    private final Embedding positionEmbeddings; // weight [P, E]
    private final Embedding tokenTypeEmbeddings; // weight [types, E]
    private final LayerNorm layerNorm;

    /** Embeddings for {@code config}. */
    public BertEmbeddings(BertConfig config) {
        this.config = config;
        Shape ids = new Shape(1, 1);
        this.wordEmbeddings = child("word_embeddings", new Embedding(config.vocabSize(), config.hiddenSize()), ids);
        this.positionEmbeddings =
                child("position_embeddings", new Embedding(config.maxPositionEmbeddings(), config.hiddenSize()), ids);
        this.tokenTypeEmbeddings =
                child("token_type_embeddings", new Embedding(config.typeVocabSize(), config.hiddenSize()), ids);
        this.layerNorm = child("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()),
                new Shape(1, 1, config.hiddenSize()));
    }

    /** The word embedding table (the MLM decoder ties to it). */
    public Embedding wordEmbeddings() {
        return wordEmbeddings;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray tokenTypes = inputs.size() > 1 ? inputs.get(1) : null;
        long length = ids.getShape().get(1);
        NDArray positions = ids.getManager().arange(0, length, 1, DataType.INT64).expandDims(0);
        if (tokenTypes == null) {
            tokenTypes = ids.zerosLike().toType(DataType.INT64, false);
        } else if (!tokenTypes.getShape().equals(ids.getShape())) {
            throw new IllegalArgumentException("token_type_ids " + tokenTypes.getShape() + " must match ids "
                    + ids.getShape());
        }
        NDArray sum = apply(wordEmbeddings, store, ids, training)
                .add(apply(positionEmbeddings, store, positions, training))
                .add(apply(tokenTypeEmbeddings, store, tokenTypes, training));
        return new NDList(Dropout.apply(apply(layerNorm, store, sum, training), config.hiddenDropoutProb(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }
}
