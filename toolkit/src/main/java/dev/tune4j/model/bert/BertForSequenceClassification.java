package dev.tune4j.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.io.Spelled;
import dev.tune4j.model.nn.Dropout;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.nn.EngineScalars;

/**
 * BERT with a classification head: children {@code bert} and {@code classifier} ({@code [labels, E]}). Two ways to
 * summarize the sequence:
 *
 * <ul>
 *   <li>{@link Pooling#POOLER}: HF {@code BertForSequenceClassification}, dropout over the pooler's tanh output;
 *   <li>{@link Pooling#MEAN}: mean of the last hidden states over real tokens, for sentence-embedding checkpoints
 *       (all-MiniLM-L6-v2) that have no pooler.
 * </ul>
 *
 * Inputs as {@link BertModel}; output logits {@code [B, labels]}.
 */
public final class BertForSequenceClassification extends HfBlock {
    /** How the sequence is summarized before the classifier; written {@code mean} or {@code pooler}. */
    public enum Pooling implements Spelled {
        /** Attention-mask weighted mean of the last hidden states. */
        MEAN,
        /** The pooler's {@code tanh(dense(h[:, 0]))}. */
        POOLER
    }

    private final BertModel bert;
    private final Block classifier; // weight [labels, E], bias [labels]
    private final Pooling pooling;
    private final int numLabels;

    /** A classifier with {@code numLabels} classes. */
    public BertForSequenceClassification(BertConfig config, int numLabels, Pooling pooling) {
        if (numLabels < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 labels, got " + numLabels);
        }
        this.pooling = pooling;
        this.numLabels = numLabels;
        this.bert = child("bert", new BertModel(config, pooling == Pooling.POOLER), new Shape(1, 1));
        this.classifier = headLinear("classifier", config.hiddenSize(), numLabels, true);
    }

    /** Initializes a fresh model as HF does; returns this. */
    public BertForSequenceClassification initialize(NDManager manager, DataType dataType) {
        initializeLikeHuggingFace(manager, dataType, new Shape(1, 1));
        return this;
    }

    /** The encoder. */
    public BertModel bert() {
        return bert;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList encoded = bert.forward(store, inputs, training);
        NDArray summary = switch (pooling) {
            case POOLER -> encoded.get(1);
            case MEAN -> meanPool(encoded.get(0), inputs.size() > 1 ? inputs.get(1) : null);
        };
        summary = Dropout.apply(summary, bert.config().hiddenDropoutProb(), training);
        return new NDList(apply(classifier, store, summary, training));
    }

    /** Mean of {@code hidden [B, T, E]} over positions where {@code attentionMask [B, T]} is 1. */
    static NDArray meanPool(NDArray hidden, NDArray attentionMask) {
        if (attentionMask == null) {
            return hidden.mean(new int[] {1});
        }
        NDArray weights = attentionMask.toType(hidden.getDataType(), false).expandDims(-1); // [B, T, 1]
        NDArray counts = weights.sum(new int[] {1});
        return hidden.mul(weights).sum(new int[] {1}).div(counts.maximum(EngineScalars.of(counts, 1e-9)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numLabels)};
    }
}
