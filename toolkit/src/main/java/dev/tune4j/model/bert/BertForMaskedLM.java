package dev.tune4j.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.LayerNorm;

/**
 * BERT with its masked-LM head (HF {@code BertForMaskedLM}): {@code bert} (no pooler) and {@code cls.predictions}
 * = {@code transform.dense}, gelu, {@code transform.LayerNorm}, then the decoder tied to the word embeddings plus
 * {@code cls.predictions.bias}. Checkpoints may carry the tied copy as {@code cls.predictions.decoder.weight}; it is
 * the same matrix and is not a separate parameter here. Output logits {@code [B, T, V]}.
 */
public final class BertForMaskedLM extends HfBlock {
    private final BertModel bert;
    private final PredictionHead predictions;
    private final int vocabSize;

    /** A masked-LM model for {@code config}. */
    public BertForMaskedLM(BertConfig config) {
        this.vocabSize = config.vocabSize();
        this.bert = child("bert", new BertModel(config, false), new Shape(1, 1));
        this.predictions = head("cls.predictions", new PredictionHead(config), new Shape(1, 1, config.hiddenSize()));
    }

    /** Initializes a fresh model as HF does; returns this. */
    public BertForMaskedLM initialize(NDManager manager, DataType dataType) {
        initializeLikeHuggingFace(manager, dataType, new Shape(1, 1));
        return this;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = bert.forward(store, inputs, training).get(0);
        NDArray table = value(store, bert.embeddings().wordEmbeddings().weight(), hidden, training);
        return predictions.forward(store, new NDList(hidden, table), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(vocabSize)};
    }

    /** {@code cls.predictions}: transform, then the tied decoder with its own bias. */
    private static final class PredictionHead extends HfBlock {
        private final Block dense; // weight [E, E]
        private final LayerNorm layerNorm;
        private final Parameter bias; // [V]

        PredictionHead(BertConfig config) {
            this.dense = linear("transform.dense", config.hiddenSize(), config.hiddenSize(), true);
            this.layerNorm = child("transform.LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()),
                    new Shape(1, 1, config.hiddenSize()));
            this.bias = parameter("bias", Parameter.Type.BIAS, new Shape(config.vocabSize()));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray hidden = inputs.get(0);
            NDArray table = inputs.get(1);
            NDArray transformed = apply(layerNorm, store, Activation.gelu(apply(dense, store, hidden, training)),
                    training);
            return Linear.linear(transformed, table, value(store, bias, hidden, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }
}
