package dev.tune4j.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.HfBlock;

/**
 * BERT for extractive question answering (HF {@code BertForQuestionAnswering}): {@code bert} (no pooler) and
 * {@code qa_outputs} ({@code [2, E]}). Outputs start logits and end logits, each {@code [B, T]}.
 */
public final class BertForQuestionAnswering extends HfBlock {
    private final BertModel bert;
    private final Block qaOutputs; // weight [2, E], bias [2]

    /** A span-extraction model for {@code config}. */
    public BertForQuestionAnswering(BertConfig config) {
        this.bert = child("bert", new BertModel(config, false), new Shape(1, 1));
        this.qaOutputs = headLinear("qa_outputs", config.hiddenSize(), 2, true);
    }

    /** Initializes a fresh model as HF does; returns this. */
    public BertForQuestionAnswering initialize(NDManager manager, DataType dataType) {
        initializeLikeHuggingFace(manager, dataType, new Shape(1, 1));
        return this;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray logits = apply(qaOutputs, store, bert.forward(store, inputs, training).get(0), training); // [B, T, 2]
        return new NDList(logits.get("..., 0"), logits.get("..., 1"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], inputShapes[0]};
    }
}
